// The internal form of a batch: what each op does, independent of how it is executed.
//
// Both front ends (the PTRACE_MULTI array and the fluent builder) translate into these, and both
// executors (batched and one-by-one) run them, so the two modes cannot drift apart in meaning.
// Addresses are numbers: every x86-64 user address (< 2^47) is exact in a double.

/** Where a fault is reported inside an op: 8 = at the first word that cannot be moved whole
 * (PEEKDATA/POKEDATA over `length` words, as the patch did); 1 = at the first byte. */
export type Granule = 1 | 8;

/** Read `length` bytes at `addr` into `target`. */
export interface ReadIntent {
  readonly kind: 'read';
  readonly addr: number;
  readonly length: number;
  /** Where the bytes land; undefined: the executor allocates it (builder reads). */
  target: Uint8Array | undefined;
  /** Set when the executor allocated `target`: no other op can share it. */
  ownTarget: boolean;
  readonly granule: Granule;
  /** A fault ends the read without failing the op; the bytes before it count. */
  readonly partial: boolean;
  /** PTRACE_PEEKTEXT or PTRACE_PEEKDATA: what the one-by-one mode issues. */
  readonly peekRequest: number;
}

/** Write `data` at `addr`. */
export interface WriteIntent {
  readonly kind: 'write';
  readonly addr: number;
  readonly data: Uint8Array;
  readonly granule: Granule;
  /** PTRACE_POKETEXT or PTRACE_POKEDATA. */
  readonly pokeRequest: number;
}

/** Read a C string: bytes up to and including the first NUL, at most `limit` bytes. */
export interface StringIntent {
  readonly kind: 'string';
  readonly addr: number;
  readonly limit: number;
  /** Receives the bytes (NUL included) if given; the executor always also keeps them in
   * `result`. */
  readonly target: Uint8Array | undefined;
  /** 'truncate': no NUL within `limit` is a success (PTRACE_PEEKSTRINGDATA); 'fail': it fails
   * the op with StringTooLongError (the builder's readCString). */
  readonly onNoNul: 'truncate' | 'fail';
  readonly peekRequest: number;
  /** Set by the executor: the bytes read (NUL included when found). */
  result: Buffer | undefined;
}

/** Read general registers: `count` words of user_regs_struct from word `first`. */
export interface RegisterReadIntent {
  readonly kind: 'reg-read';
  readonly first: number;
  readonly count: number;
  readonly target: Uint8Array;
  /** One-by-one, the whole set is one PTRACE_GETREGS; otherwise one PEEKUSER per word. */
  readonly whole: boolean;
}

/** Write general registers: `count` words from word `first`. */
export interface RegisterWriteIntent {
  readonly kind: 'reg-write';
  readonly first: number;
  readonly count: number;
  readonly source: Uint8Array;
  /** One-by-one, the whole set is one PTRACE_SETREGS; otherwise one POKEUSER per word. */
  readonly whole: boolean;
}

/** PEEKUSER/POKEUSER outside the general registers (debug registers, unaligned offsets...):
 * one call per word in both modes, in order. */
export interface UserAreaIntent {
  readonly kind: 'user-area';
  readonly direction: 'peek' | 'poke';
  readonly offset: number | bigint;
  readonly count: number;
  readonly buffer: Uint8Array;
}

/** Any other ptrace request, issued as is: a barrier for the planner. */
export interface PassthroughIntent {
  readonly kind: 'passthrough';
  readonly request: number;
  readonly addr: number | bigint;
  /** An integer (a signal number, options) or a buffer whose address is passed. */
  readonly data: number | bigint | Uint8Array | null;
}

/** A malformed op (a buffer too small for its length...): it fails when its turn comes, with
 * no system call, in both modes alike. */
export interface InvalidIntent {
  readonly kind: 'invalid';
  readonly error: Error;
}

export type Intent =
  | ReadIntent | WriteIntent | StringIntent | RegisterReadIntent | RegisterWriteIntent
  | UserAreaIntent | PassthroughIntent | InvalidIntent;

export type BarrierIntent = UserAreaIntent | PassthroughIntent | InvalidIntent;

/** Ops that the planner never merges with others: they run alone, in order. */
export function isBarrier(intent: Intent): intent is BarrierIntent {
  return intent.kind === 'passthrough' || intent.kind === 'user-area' || intent.kind === 'invalid';
}

/** The most bytes a memory read may touch (a string reads until its NUL, at most `limit`). */
export function readExtent(intent: ReadIntent | StringIntent): number {
  return intent.kind === 'read' ? intent.length : intent.limit;
}

// Factories: every intent of a kind is created with the same fields in the same order, so that
// V8 sees one object shape per kind (the executors' loops stay monomorphic).

export function readIntent(addr: number, length: number, target: Uint8Array | undefined, granule: Granule, partial: boolean, peekRequest: number): ReadIntent {
  return { kind: 'read', addr, length, target, ownTarget: false, granule, partial, peekRequest };
}

export function writeIntent(addr: number, data: Uint8Array, granule: Granule, pokeRequest: number): WriteIntent {
  return { kind: 'write', addr, data, granule, pokeRequest };
}

export function stringIntent(addr: number, limit: number, target: Uint8Array | undefined, onNoNul: 'truncate' | 'fail', peekRequest: number): StringIntent {
  return { kind: 'string', addr, limit, target, onNoNul, peekRequest, result: undefined };
}
