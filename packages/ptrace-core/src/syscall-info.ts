// Decoding of `struct ptrace_syscall_info` (PTRACE_GET_SYSCALL_INFO, Linux 5.3+).
//
//   u8 op; u8 reserved; u16 flags; u32 arch; u64 instruction_pointer; u64 stack_pointer;
//   union { entry: { u64 nr; u64 args[6] }            at 24
//           exit: { s64 rval; u8 is_error }           at 24
//           seccomp: { u64 nr; u64 args[6]; u32 ret_data } }
import { SYSCALL_INFO_OP } from './native/constants.js';

export const SYSCALL_INFO_SIZE = 88;

export type SyscallInfo =
  | { op: 'none'; arch: number; ip: bigint; sp: bigint }
  | { op: 'entry'; arch: number; ip: bigint; sp: bigint; nr: number; args: bigint[] }
  | { op: 'exit'; arch: number; ip: bigint; sp: bigint; result: bigint; isError: boolean }
  | { op: 'seccomp'; arch: number; ip: bigint; sp: bigint; nr: number; args: bigint[]; data: number };

/** What PTRACE_SET_SYSCALL_INFO changes (Tracee.setSyscallInfo): at an entry or seccomp stop
 * the call's number and arguments, at an exit stop its result (`isError` defaults to whether
 * `result` is a -errno, -4095..-1). */
export type SyscallInfoChange =
  | { op: 'entry' | 'seccomp'; nr: number; args: readonly bigint[] }
  | { op: 'exit'; result: bigint; isError?: boolean };

/** Encodes a change as the `struct ptrace_syscall_info` PTRACE_SET_SYSCALL_INFO reads, into
 * `out` (SYSCALL_INFO_SIZE bytes). flags and reserved must be 0; the kernel ignores arch, ip and
 * sp, and the seccomp stop's ret_data. */
export function encodeSyscallInfo(change: SyscallInfoChange, arch: number, out: Buffer): Buffer {
  out.fill(0, 0, SYSCALL_INFO_SIZE);
  out.writeUInt32LE(arch >>> 0, 4);
  if (change.op === 'exit') {
    out[0] = SYSCALL_INFO_OP.EXIT;
    out.writeBigInt64LE(BigInt.asIntN(64, change.result), 24);
    out[32] = (change.isError ?? (change.result < 0n && change.result >= -4095n)) ? 1 : 0;
    return out;
  }
  out[0] = change.op === 'entry' ? SYSCALL_INFO_OP.ENTRY : SYSCALL_INFO_OP.SECCOMP;
  out.writeBigUInt64LE(BigInt.asUintN(64, BigInt(change.nr)), 24);
  for (let i = 0; i < 6; i++) out.writeBigUInt64LE(BigInt.asUintN(64, change.args[i] ?? 0n), 32 + 8 * i);
  return out;
}

/** The six argument words, as unsigned 64-bit values. */
export function readArgs(words: BigUint64Array, first: number): bigint[] {
  return [words[first]!, words[first + 1]!, words[first + 2]!, words[first + 3]!, words[first + 4]!, words[first + 5]!];
}

/** Decodes the structure; `words` is the same memory viewed as u64 words. */
export function decodeSyscallInfo(bytes: Buffer, words: BigUint64Array): SyscallInfo {
  const op = bytes[0]!;
  const arch = bytes.readUInt32LE(4);
  const ip = words[1]!;
  const sp = words[2]!;
  switch (op) {
    case SYSCALL_INFO_OP.ENTRY:
      return { op: 'entry', arch, ip, sp, nr: Number(words[3]!), args: readArgs(words, 4) };
    case SYSCALL_INFO_OP.EXIT:
      return { op: 'exit', arch, ip, sp, result: BigInt.asIntN(64, words[3]!), isError: bytes[32] !== 0 };
    case SYSCALL_INFO_OP.SECCOMP:
      return { op: 'seccomp', arch, ip, sp, nr: Number(words[3]!), args: readArgs(words, 4), data: bytes.readUInt32LE(80) };
    default:
      return { op: 'none', arch, ip, sp };
  }
}
