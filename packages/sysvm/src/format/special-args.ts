// Arguments whose shape depends on other arguments: fcntl's third argument, futex's tail,
// prctl's options, clone's named arguments, socket option values.
import { F } from './decoders/files.js';
import { ARCH, cloneFlags, FUTEX, futexCommand, PR } from './decoders/process.js';
import { socketOptionName } from './decoders/net.js';
import { formatAddress } from './escape.js';
import { formatSockoptValue } from './printers/net.js';
import { printCloneArgs } from './printers/misc.js';
import { formatSigset } from './printers/signal.js';
import { readBytes } from './printers/read.js';
import * as a from './spec.js';
import type { ArgContext, ArgSpec, ResultSpec } from './types.js';

const num = (args: readonly bigint[], i: number): number => Number(BigInt.asUintN(32, args[i] ?? 0n));

/** fcntl's third argument, by command. */
export function fcntlArg(args: readonly bigint[]): ArgSpec | undefined {
  switch (num(args, 1)) {
    case F.SETFD: return a.flags('arg', 'fd_flags');
    case F.SETFL: return a.flags('arg', 'open_flags');
    case F.SETSIG: return a.signal('arg');
    case F.SETLEASE: return a.flags('arg', 'lock_type');
    case F.NOTIFY: return a.flags('arg', 'notify_flags');
    case F.ADD_SEALS: return a.flags('arg', 'seal_flags');
    case F.SETLK: case F.SETLKW: case F.OFD_SETLK: case F.OFD_SETLKW:
      return a.struct('arg', 'flock', 'in');
    case F.GETLK: case F.OFD_GETLK:
      return a.struct('arg', 'flock', 'out');
    case F.DUPFD: case F.DUPFD_CLOEXEC: case F.SETOWN: case F.SETPIPE_SZ: case F.DUPFD_QUERY:
      return a.int('arg');
    case F.GETFD: case F.GETFL: case F.GETOWN: case F.GETSIG: case F.GETLEASE: case F.GETPIPE_SZ:
    case F.GET_SEALS: case F.CREATED_QUERY:
      return undefined;
    default:
      return a.hex('arg');
  }
}

/** fcntl's result: flags for F_GETFD/F_GETFL/F_GET_SEALS, a lease type, or a number. */
export function fcntlResult(args: readonly bigint[]): ResultSpec {
  switch (num(args, 1)) {
    case F.GETFD: return a.resultFlags('fd_flags', true);
    case F.GETFL: return a.resultFlags('open_flags');
    case F.GET_SEALS: return a.resultFlags('seal_flags', true, 'seals');
    case F.DUPFD: case F.DUPFD_CLOEXEC: return a.R.fd;
    default: return a.R.int;
  }
}

/** futex(uaddr, op, val, timeout|val2, uaddr2, val3): which of the last four an op uses. */
export function futexArg(index: 2 | 3 | 4 | 5): (args: readonly bigint[]) => ArgSpec | undefined {
  return (args) => {
    const cmd = futexCommand(args[1] ?? 0n);
    switch (cmd) {
      case FUTEX.WAIT:
        return index === 2 ? a.int('val') : index === 3 ? a.struct('timeout', 'timespec', 'in') : undefined;
      case FUTEX.WAIT_BITSET:
        return index === 2 ? a.int('val') : index === 3 ? a.struct('timeout', 'timespec', 'in')
          : index === 5 ? a.flags('val3', 'futex_bitset') : undefined;
      case FUTEX.WAKE:
        return index === 2 ? a.int('val') : undefined;
      case FUTEX.WAKE_BITSET:
        return index === 2 ? a.int('val') : index === 5 ? a.flags('val3', 'futex_bitset') : undefined;
      case FUTEX.REQUEUE:
        return index === 2 ? a.int('val') : index === 3 ? a.uint('val2') : index === 4 ? a.ptr('uaddr2') : undefined;
      case FUTEX.CMP_REQUEUE: case FUTEX.CMP_REQUEUE_PI:
        return index === 2 ? a.int('val') : index === 3 ? a.uint('val2') : index === 4 ? a.ptr('uaddr2') : a.int('val3');
      case FUTEX.WAIT_REQUEUE_PI:
        return index === 2 ? a.int('val') : index === 3 ? a.struct('timeout', 'timespec', 'in') : index === 4 ? a.ptr('uaddr2') : undefined;
      case FUTEX.LOCK_PI: case FUTEX.LOCK_PI2:
        return index === 3 ? a.struct('timeout', 'timespec', 'in') : undefined;
      case FUTEX.UNLOCK_PI: case FUTEX.TRYLOCK_PI:
        return undefined;
      default:
        return a.hex(['val', 'val2', 'uaddr2', 'val3'][index - 2]!);
    }
  };
}

const PRCTL_NO_ARGS: ReadonlySet<number> = new Set([
  PR.GET_DUMPABLE, PR.GET_KEEPCAPS, PR.GET_SECCOMP, PR.GET_TIMERSLACK, PR.GET_NO_NEW_PRIVS,
  PR.GET_THP_DISABLE, PR.GET_IO_FLUSHER, PR.GET_MEMORY_MERGE, PR.TASK_PERF_EVENTS_DISABLE,
  PR.TASK_PERF_EVENTS_ENABLE, PR.GET_SECUREBITS, PR.GET_TSC,
]);

/** prctl's arguments 1..4, by option. */
export function prctlArg(index: 1 | 2 | 3 | 4): (args: readonly bigint[]) => ArgSpec | undefined {
  return (args) => {
    const option = num(args, 0);
    if (PRCTL_NO_ARGS.has(option)) return undefined;
    switch (option) {
      // The kernel keeps TASK_COMM_LEN - 1 = 15 bytes of the name; strace shows no more.
      case PR.SET_NAME: return index === 1 ? a.string('name', 15) : undefined;
      case PR.GET_NAME: return index === 1 ? a.cstringOut('name') : undefined;
      case PR.SET_PDEATHSIG: return index === 1 ? a.signal('sig') : undefined;
      case PR.GET_PDEATHSIG: return index === 1 ? a.intPtr('sig', 'out', 4, 'signal') : undefined;
      case PR.GET_CHILD_SUBREAPER: return index === 1 ? a.intPtr('value', 'out') : undefined;
      case PR.SET_NO_NEW_PRIVS: return a.ulong(`arg${index}`);
      case PR.SET_DUMPABLE: case PR.SET_KEEPCAPS: case PR.SET_CHILD_SUBREAPER: case PR.SET_TIMERSLACK:
      case PR.SET_THP_DISABLE: case PR.CAPBSET_READ: case PR.CAPBSET_DROP: case PR.SET_SECUREBITS:
        return index === 1 ? a.ulong('arg2') : undefined;
      case PR.SET_PTRACER: return index === 1 ? a.pid('pid') : undefined;
      case PR.SET_SECCOMP:
        return index === 1 ? a.flags('mode', 'seccomp_op') : index === 2 && num(args, 1) === 2 ? a.struct('prog', 'sock_fprog', 'in') : undefined;
      default: return a.hex(`arg${index + 1}`);
    }
  };
}

const DUMPABLE = ['SUID_DUMP_DISABLE', 'SUID_DUMP_USER', 'SUID_DUMP_ROOT'] as const;

/** prctl's result: PR_GET_DUMPABLE's value is named. */
export function prctlResult(args: readonly bigint[]): ResultSpec {
  if (num(args, 0) === PR.GET_DUMPABLE) return a.resultWith((ctx) => DUMPABLE[Number(ctx.result ?? -1n)]);
  return a.R.int;
}

/** arch_prctl's second argument: an address to set, or where to store one. */
export function archPrctlArg(args: readonly bigint[]): ArgSpec {
  const code = num(args, 0);
  return code === ARCH.GET_FS || code === ARCH.GET_GS ? a.intPtr('addr', 'out', 8) : a.hex('addr');
}

/** seccomp's third argument, by operation. */
export function seccompArg(args: readonly bigint[]): ArgSpec {
  switch (num(args, 0)) {
    case 1: return a.struct('args', 'sock_fprog', 'in');
    case 2: return a.intPtr('action', 'in', 4);
    default: return a.ptr('args');
  }
}

/** mremap's fifth argument is only meaningful with MREMAP_FIXED. */
export function mremapNewAddress(args: readonly bigint[]): ArgSpec | undefined {
  return (args[3] ?? 0n) & 2n ? a.ptr('new_address') : undefined;
}

/** mknod's dev: only for character and block devices. */
export function mknodDev(modeIndex: number): (args: readonly bigint[]) => ArgSpec | undefined {
  return (args) => {
    const type = (args[modeIndex] ?? 0n) & 0o170000n;
    return type === 0o020000n || type === 0o060000n ? a.custom('dev', 'entry', (ctx) => formatDevArg(ctx.value)) : undefined;
  };
}

function formatDevArg(value: bigint): string {
  const dev = BigInt.asUintN(32, value);
  const major = (dev >> 8n) & 0xfffn;
  const minor = (dev & 0xffn) | ((dev >> 12n) & 0xfff00n);
  const hex = (x: bigint): string => (x === 0n ? '0' : `0x${x.toString(16)}`);
  return `makedev(${hex(major)}, ${hex(minor)})`;
}

/** setsockopt/getsockopt option name, decoded for the level in argument 1. */
export const sockoptName = a.custom('optname', 'entry', (ctx) => socketOptionName(ctx.call.args[1] ?? 0n, ctx.value));

/** setsockopt's value: `optlen` (argument 4) bytes. */
export const setsockoptValue = a.custom('optval', 'entry', (ctx) => {
  if (ctx.value === 0n) return 'NULL';
  const len = Number(BigInt.asIntN(32, ctx.call.args[4] ?? 0n));
  const buf = len > 0 ? readBytes(ctx.mem, ctx.value, Math.min(len, ctx.stringLimit)) : undefined;
  return buf === undefined ? formatAddress(ctx.value) : formatSockoptValue(buf, ctx.stringLimit);
});

/** getsockopt's value: as many bytes as the socklen_t at argument 4 says after the call. */
export const getsockoptValue = a.custom('optval', 'exit', (ctx) => {
  if (ctx.value === 0n) return 'NULL';
  if (ctx.failed) return formatAddress(ctx.value);
  const lenBuf = readBytes(ctx.mem, ctx.call.args[4] ?? 0n, 4);
  const len = lenBuf?.readInt32LE(0) ?? -1;
  const buf = len > 0 ? readBytes(ctx.mem, ctx.value, Math.min(len, ctx.stringLimit)) : undefined;
  return buf === undefined ? formatAddress(ctx.value) : formatSockoptValue(buf, ctx.stringLimit);
});

/** clone3's struct, printed at exit so that the tid the kernel stored can follow it:
 * `{flags=..., ...} => {parent_tid=[1234]}`. */
export const clone3Args = a.custom('cl_args', 'exit', (ctx: ArgContext) => {
  const text = printCloneArgs(ctx.value, ctx, ctx.call.args[1]);
  if (ctx.failed || ctx.value === 0n) return text;
  const args = readBytes(ctx.mem, ctx.value, 32);
  const flags = args?.readBigUInt64LE(0) ?? 0n;
  if (!args || !(flags & CLONE_PARENT_SETTID)) return text;
  const tid = readBytes(ctx.mem, args.readBigUInt64LE(24), 4);
  return tid === undefined ? text : `${text} => {parent_tid=[${tid.readInt32LE(0)}]}`;
});

/** Where the signal mask lies when rt_sigreturn starts: the handler's `ret` popped pretcode,
 * so the stack pointer is at the ucontext, and uc_sigmask follows uc_flags, uc_link, uc_stack
 * and the 256-byte sigcontext. */
const UC_SIGMASK_OFFSET = 8n + 8n + 24n + 256n;

/** rt_sigreturn's frame, shown as strace shows it: `{mask=[]}` (needs the call's sp). */
export const sigreturnFrame = a.custom('frame', 'entry', (ctx) => {
  if (ctx.call.sp === undefined) return undefined;
  const mask = readBytes(ctx.mem, ctx.call.sp + UC_SIGMASK_OFFSET, 8);
  return mask === undefined ? undefined : `{mask=${formatSigset(mask)}}`;
});

const CLONE_PIDFD = 0x1000n;
const CLONE_SETTLS = 0x80000n;
const CLONE_PARENT_SETTID = 0x100000n;
const CLONE_CHILD_CLEARTID = 0x200000n;
const CLONE_CHILD_SETTID = 0x1000000n;

/** clone(flags, stack, parent_tid, child_tid, tls) as strace shows it: named arguments,
 * child_stack first; the tid pointers and tls at exit, when the flags use them. */
export const cloneEntry = a.custom('flags', 'entry', (ctx) =>
  `child_stack=${formatAddress(ctx.call.args[1] ?? 0n)}, flags=${cloneFlags(ctx.call.args[0] ?? 0n)}`);

export const cloneExit = a.custom('tids', 'exit', (ctx: ArgContext) => {
  const [flags = 0n, , parentTid = 0n, childTid = 0n, tls = 0n] = ctx.call.args;
  const parts: string[] = [];
  if (flags & (CLONE_PARENT_SETTID | CLONE_PIDFD)) {
    const value = ctx.failed ? undefined : readBytes(ctx.mem, parentTid, 4);
    parts.push(`parent_tid=${value === undefined ? formatAddress(parentTid) : `[${value.readInt32LE(0)}]`}`);
  }
  if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) parts.push(`child_tidptr=${formatAddress(childTid)}`);
  if (flags & CLONE_SETTLS) parts.push(`tls=${formatAddress(tls)}`);
  return parts.length === 0 ? undefined : parts.join(', ');
});
