// The vocabulary of the formatter: what a call is, how tracee memory is reached, and how a
// syscall's arguments and result are described (discriminated unions, one `kind` each).
import type { FlagDecoderName } from './decoders/index.js';
import type { StructName } from './printers/index.js';

/** A syscall as seen at its entry stop: number and the six argument registers (unsigned). */
export interface SyscallCall {
  readonly nr: number;
  readonly args: readonly bigint[];
  /** The stack pointer at entry, when known: rt_sigreturn's signal frame is found through it. */
  readonly sp?: bigint;
}

/** Reads tracee memory for the formatter. Both methods return undefined when the memory is
 * unreadable (strace then prints the address). */
export interface SyscallMemory {
  /** The bytes before the first NUL at `addr`, at most `max` of them, decoded as UTF-8. A string
   * without a NUL in its first `max` bytes comes back as those `max` bytes. */
  readCString(addr: bigint, max: number): string | undefined;
  /** Exactly `length` bytes at `addr`, or undefined if any of them is unreadable. */
  read(addr: bigint, length: number): Buffer | undefined;
  /** Byte-exact variant of readCString (same contract); used when present, so that strings
   * that are not UTF-8 are escaped byte for byte as strace does. */
  readCStringBytes?(addr: bigint, max: number): Buffer | undefined;
}

export interface FormatOptions {
  /** strace's -s: how many bytes of a string or buffer are shown (default 32). */
  stringLimit?: number;
  /** strace's -a: the column the ` = result` is aligned to (default 0: no alignment; strace
   * uses 40). */
  alignResult?: number;
}

/** Where an argument's length or count comes from: another argument (by index) or the
 * syscall's result. */
export type ArgRef = number | 'result';

/** Direction of data behind a pointer: read by the kernel (shown at entry), written by the
 * kernel (shown at exit, only on success), or both (shown at exit). */
export type Direction = 'in' | 'out' | 'inout';

/** Integer-like arguments, printed from the register alone. */
export type ScalarKind =
  | 'int' // 32-bit signed: the upper half of the register is garbage (AT_FDCWD may arrive zero-extended)
  | 'uint' // 32-bit unsigned
  | 'long' // 64-bit signed
  | 'ulong' // 64-bit unsigned
  | 'size' // size_t
  | 'ssize' // ssize_t
  | 'off' // off_t / loff_t, signed 64-bit
  | 'ptr' // an address: NULL or 0x...
  | 'hex' // a number strace shows in hex (0 as 0)
  | 'fd' // an int file descriptor
  | 'dirfd' // an int file descriptor where -100 means AT_FDCWD
  | 'pid' // an int process id
  | 'uid' // uid_t/gid_t: unsigned, but -1 ("don't change") shown as -1
  | 'mode' // permission bits in octal: 0644
  | 'file_mode' // type and permission bits: S_IFIFO|0600
  | 'signal'; // a signal number: SIGTERM

export type ArgSpec =
  | { readonly kind: ScalarKind; readonly name: string }
  /** A NUL-terminated path, read at entry and never truncated (up to PATH_MAX). */
  | { readonly kind: 'path'; readonly name: string }
  /** A NUL-terminated string, truncated to the string limit (or `max`, when the kernel itself
   * reads no more: prctl's task name) with `...`. */
  | { readonly kind: 'string'; readonly name: string; readonly max?: number }
  /** A buffer the kernel reads; `len` is its length. `hex` forces \x escapes (getrandom). */
  | { readonly kind: 'buf_in'; readonly name: string; readonly len: ArgRef; readonly hex?: boolean }
  /** A buffer the kernel fills; shown at exit with the length `len` (usually the result). */
  | { readonly kind: 'buf_out'; readonly name: string; readonly len: ArgRef; readonly hex?: boolean }
  /** A string the kernel fills (getcwd, PR_GET_NAME): shown at exit up to its NUL. */
  | { readonly kind: 'cstring_out'; readonly name: string }
  /** A value shown symbolically by a named decoder (flags, commands, enums). */
  | { readonly kind: 'flags'; readonly name: string; readonly decoder: FlagDecoderName }
  /** A pointer to a struct (or array of structs) shown by a named printer. */
  | { readonly kind: 'struct'; readonly name: string; readonly struct: StructName; readonly dir: Direction; readonly count?: ArgRef }
  /** An iovec array of `count` entries; buffers are shown like buf_in/buf_out. */
  | { readonly kind: 'iovec'; readonly name: string; readonly dir: 'in' | 'out'; readonly count: ArgRef }
  /** A pointer to one integer: `[42]`; inout ones show `[in => out]` when the value changed
   * (`[in] => [out]` with `outside`, as strace shows sendfile's offset). */
  | { readonly kind: 'int_ptr'; readonly name: string; readonly dir: Direction; readonly size: 4 | 8; readonly decoder?: FlagDecoderName; readonly outside?: boolean }
  /** `int fds[2]` filled by pipe/pipe2/socketpair. */
  | { readonly kind: 'fd_pair'; readonly name: string }
  /** A NULL-terminated array of strings (execve argv). */
  | { readonly kind: 'argv'; readonly name: string }
  /** A NULL-terminated array of strings shown as a count (execve envp: `0x... /* 39 vars *\/`). */
  | { readonly kind: 'envp'; readonly name: string }
  /** An argument strace does not print (unused by the kernel for this call). */
  | { readonly kind: 'ignored'; readonly name: string }
  /** The spec depends on other arguments (open's mode only with O_CREAT, fcntl's third
   * argument on the command...); undefined omits the argument. */
  | { readonly kind: 'variant'; readonly name: string; readonly pick: (args: readonly bigint[]) => ArgSpec | undefined }
  /** Printed by a function (clone's named arguments). */
  | { readonly kind: 'custom'; readonly name: string; readonly at: 'entry' | 'exit'; readonly print: (ctx: ArgContext) => string | undefined };

export type ResultSpec =
  /** Signed decimal. */
  | { readonly kind: 'int' | 'fd' | 'pid' | 'ssize' | 'off' | 'long' }
  /** Unsigned decimal (sizes that can exceed 2^63 are not a thing; clock_t and friends). */
  | { readonly kind: 'ulong' }
  /** An address or a value strace shows in hex (mmap, brk). */
  | { readonly kind: 'hex' }
  /** Octal (umask). */
  | { readonly kind: 'octal' }
  /** The call does not return (exit, exit_group): `= ?`. */
  | { readonly kind: 'none' }
  /** Hex with the decoded flags after it: `= 0x8000 (flags O_RDONLY|O_LARGEFILE)`. */
  | { readonly kind: 'flags'; readonly decoder: FlagDecoderName; readonly zeroPlain?: boolean; readonly prefix?: string }
  /** Depends on the arguments (fcntl). */
  | { readonly kind: 'variant'; readonly pick: (args: readonly bigint[]) => ResultSpec }
  /** Decimal followed by a comment from a function (poll's revents). */
  | { readonly kind: 'custom'; readonly aux: (ctx: ArgContext) => string | undefined };

export interface SyscallSignature {
  readonly name: string;
  readonly args: readonly ArgSpec[];
  readonly result: ResultSpec;
}

/** Everything an argument printer may look at. */
export interface ArgContext {
  readonly call: SyscallCall;
  /** This argument's register value. */
  readonly value: bigint;
  readonly index: number;
  readonly mem: SyscallMemory;
  readonly phase: 'entry' | 'exit';
  /** The result at exit (signed); undefined at entry. */
  readonly result: bigint | undefined;
  /** True at exit when the call failed (result is -errno). */
  readonly failed: boolean;
  readonly stringLimit: number;
  /** Values read at entry for inout arguments, by argument index (see beginSyscall). */
  readonly captured: ReadonlyMap<number, bigint | undefined> | undefined;
}
