// PTRACE_MULTI ops -> intents: the patch's meaning of each request, and the checks a C kernel
// would do with access_ok() (a buffer too small for `length`), done here because a JS buffer
// overrun would corrupt our own memory.
import { ERRNO, MemoryAccessError, PTRACE } from '@umview/ptrace-core';
import { USER_FPREGS_SIZE, USER_REGS_SIZE, USER_REGS_WORDS, WORD_SIZE } from '../arch/x86_64.js';
import { badOp } from '../errors.js';
import { readIntent, stringIntent, writeIntent, type Intent } from '../ops/intents.js';
import { PTRACE_PEEKCHARDATA, PTRACE_PEEKSTRINGDATA, PTRACE_POKECHARDATA, requestName } from './requests.js';

/** One entry of the PTRACE_MULTI array: `struct ptrace_multi { long request; long addr;
 * void *localaddr; long length; }`. */
export interface PtraceMultiOp {
  request: number;
  addr: bigint | number;
  /** A buffer of ours (the patch's pointer). For a one-word POKE, and for requests whose `data`
   * is an integer (a signal for CONT, options for SETOPTIONS), a bigint or number instead. */
  localaddr?: Uint8Array | bigint | number | null;
  length: number;
}

const SIGINFO_SIZE = 128;

/** Minimum `localaddr` bytes of passthrough requests whose kernel side writes or reads a
 * buffer of known size. */
function passthroughBufferSize(request: number, addr: bigint | number): number | undefined {
  switch (request) {
    case PTRACE.GETSIGINFO:
    case PTRACE.SETSIGINFO: return SIGINFO_SIZE;
    case PTRACE.GETEVENTMSG: return WORD_SIZE;
    case PTRACE.GETFPREGS:
    case PTRACE.SETFPREGS: return USER_FPREGS_SIZE;
    case PTRACE.GETREGSET:
    case PTRACE.SETREGSET: return 16; // a struct iovec
    case PTRACE.GET_SYSCALL_INFO:
    case PTRACE.GETSIGMASK:
    case PTRACE.SETSIGMASK: return Number(addr); // addr is the size
    default: return undefined;
  }
}

export function translate(op: PtraceMultiOp, tid: number): Intent {
  const name = requestName(op.request);
  const invalid = (message: string, errno: number = ERRNO.EFAULT): Intent => ({
    kind: 'invalid', error: badOp(`${name}: ${message}`, errno, tid),
  });
  const buffer = op.localaddr instanceof Uint8Array ? op.localaddr : undefined;
  const integer = typeof op.localaddr === 'bigint' || typeof op.localaddr === 'number' ? BigInt(op.localaddr) : undefined;
  const words = op.length > 0 ? Math.floor(op.length) : 1;

  switch (op.request) {
    case PTRACE.PEEKTEXT:
    case PTRACE.PEEKDATA:
    case PTRACE.PEEKUSER:
    case PTRACE.POKETEXT:
    case PTRACE.POKEDATA:
    case PTRACE.POKEUSER: {
      const peek = op.request <= PTRACE.PEEKUSER;
      let bytes: Uint8Array;
      if (buffer) {
        if (buffer.length < words * WORD_SIZE) return invalid(`localaddr holds ${buffer.length} bytes, ${words} words need ${words * WORD_SIZE}`);
        bytes = buffer.subarray(0, words * WORD_SIZE);
      } else if (peek && op.localaddr == null && words === 1) {
        bytes = Buffer.alloc(WORD_SIZE); // the word is returned in results[i]
      } else if (!peek && integer !== undefined && words === 1) {
        bytes = Buffer.alloc(WORD_SIZE);
        Buffer.from(bytes.buffer, bytes.byteOffset, WORD_SIZE).writeBigUInt64LE(BigInt.asUintN(64, integer));
      } else {
        return invalid(peek ? 'localaddr must be a buffer of length words' : 'localaddr must hold the words to write');
      }
      if (op.request === PTRACE.PEEKUSER || op.request === PTRACE.POKEUSER) return userIntent(op, peek, words, bytes);
      const addr = address(op.addr, peek ? 'read' : 'write', tid);
      if (typeof addr !== 'number') return addr;
      return peek
        ? readIntent(addr, words * WORD_SIZE, bytes, WORD_SIZE, false, op.request)
        : writeIntent(addr, bytes, WORD_SIZE, op.request);
    }
    case PTRACE_PEEKCHARDATA:
    case PTRACE_POKECHARDATA:
    case PTRACE_PEEKSTRINGDATA: {
      if (!Number.isSafeInteger(op.length) || op.length < 0) return invalid(`length ${op.length} is not a byte count`, ERRNO.EINVAL);
      if (op.length > 0 && (!buffer || buffer.length < op.length)) {
        return invalid(`localaddr must be a buffer of at least ${op.length} bytes`);
      }
      const bytes = (buffer ?? Buffer.alloc(0)).subarray(0, op.length);
      const addr = address(op.addr, op.request === PTRACE_POKECHARDATA ? 'write' : 'read', tid);
      if (typeof addr !== 'number') return addr;
      if (op.request === PTRACE_PEEKCHARDATA) {
        return readIntent(addr, op.length, bytes, 1, false, PTRACE.PEEKDATA);
      }
      if (op.request === PTRACE_POKECHARDATA) {
        return writeIntent(addr, bytes, 1, PTRACE.POKEDATA);
      }
      return stringIntent(addr, op.length, bytes, 'truncate', PTRACE.PEEKDATA);
    }
    case PTRACE.GETREGS:
    case PTRACE.SETREGS:
      if (!buffer || buffer.length < USER_REGS_SIZE) return invalid(`localaddr must be a buffer of ${USER_REGS_SIZE} bytes (user_regs_struct)`);
      return op.request === PTRACE.GETREGS
        ? { kind: 'reg-read', first: 0, count: USER_REGS_WORDS, target: buffer, whole: true }
        : { kind: 'reg-write', first: 0, count: USER_REGS_WORDS, source: buffer.subarray(0, USER_REGS_SIZE), whole: true };
    default: {
      const needed = passthroughBufferSize(op.request, op.addr);
      if (needed !== undefined && integer === undefined && (!buffer || buffer.length < needed)) {
        return invalid(`localaddr must be a buffer of at least ${needed} bytes`);
      }
      return { kind: 'passthrough', request: op.request, addr: op.addr, data: buffer ?? integer ?? null };
    }
  }
}

/** PEEKUSER/POKEUSER: the general registers go through the batch's register file; any other
 * offset (debug registers at 848, unaligned ones the kernel refuses) is issued as is. */
function userIntent(op: PtraceMultiOp, peek: boolean, words: number, bytes: Uint8Array): Intent {
  const offset = typeof op.addr === 'bigint' ? op.addr : BigInt(op.addr);
  const inRegisters = offset >= 0n && offset % BigInt(WORD_SIZE) === 0n && offset + BigInt(words * WORD_SIZE) <= BigInt(USER_REGS_SIZE);
  if (inRegisters) {
    const first = Number(offset) / WORD_SIZE;
    return peek
      ? { kind: 'reg-read', first, count: words, target: bytes, whole: false }
      : { kind: 'reg-write', first, count: words, source: bytes, whole: false };
  }
  return { kind: 'user-area', direction: peek ? 'peek' : 'poke', offset: op.addr, count: words, buffer: bytes };
}

/** A tracee address as a number; every user address (< 2^47) is exact. */
export function address(value: bigint | number, direction: 'read' | 'write', tid: number): number | Intent {
  if (typeof value === 'number' ? Number.isSafeInteger(value) && value >= 0 : value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(value);
  }
  if (typeof value === 'number' && !Number.isInteger(value)) {
    return { kind: 'invalid', error: badOp(`address ${value} is not an integer`, ERRNO.EINVAL, tid) };
  }
  const at = BigInt.asUintN(64, BigInt(value));
  return {
    kind: 'invalid',
    error: new MemoryAccessError(`cannot ${direction} tracee memory at 0x${at.toString(16)} (tid ${tid}): not a user address`, {
      errno: ERRNO.EIO, operation: `${direction} memory`, tid, address: at, transferred: 0,
    }),
  };
}
