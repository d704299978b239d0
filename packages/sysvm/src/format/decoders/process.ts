// Processes, signals and their kin: clone, wait, signals and signal masks, rlimits, prctl,
// arch_prctl, seccomp, futex, clocks, getrandom.
import { signalName as coreSignalName } from '@umview/ptrace-core';
import { flagsDecoder, valueDecoder, type Decoder } from '../xlat.js';

/** A signal number as strace names it: SIGTERM, SIGRTMIN (32), SIGRT_1 (33)..., and the
 * number for anything else (0 included: kill's "does it exist" probe shows as `0`). */
export function signalName(raw: bigint): string {
  const n = Number(BigInt.asIntN(32, raw));
  if (n >= 1 && n <= 31) return coreSignalName(n);
  if (n === 32) return 'SIGRTMIN';
  if (n >= 33 && n <= 64) return `SIGRT_${n - 32}`;
  return String(n);
}

/** The name inside a signal set: no SIG prefix, RTMIN and RT_n for real-time signals. */
export function sigsetMemberName(n: number): string {
  if (n >= 1 && n <= 31) return coreSignalName(n).slice(3);
  if (n === 32) return 'RTMIN';
  if (n >= 33 && n <= 64) return `RT_${n - 32}`;
  return String(n);
}

const CSIGNAL = 0xffn;

const cloneFlagBits = flagsDecoder([
  ['CLONE_VM', 0x100], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_SIGHAND', 0x800],
  ['CLONE_PIDFD', 0x1000], ['CLONE_PTRACE', 0x2000], ['CLONE_VFORK', 0x4000],
  ['CLONE_PARENT', 0x8000], ['CLONE_THREAD', 0x10000], ['CLONE_NEWNS', 0x20000],
  ['CLONE_SYSVSEM', 0x40000], ['CLONE_SETTLS', 0x80000], ['CLONE_PARENT_SETTID', 0x100000],
  ['CLONE_CHILD_CLEARTID', 0x200000], ['CLONE_UNTRACED', 0x800000],
  ['CLONE_CHILD_SETTID', 0x1000000], ['CLONE_NEWCGROUP', 0x2000000], ['CLONE_NEWUTS', 0x4000000],
  ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000], ['CLONE_NEWPID', 0x20000000],
  ['CLONE_NEWNET', 0x40000000], ['CLONE_IO', 0x80000000], ['CLONE_CLEAR_SIGHAND', 0x100000000],
  ['CLONE_INTO_CGROUP', 0x200000000], ['CLONE_NEWTIME', 0x80],
], { unknown: 'CLONE_???' });

/** clone flags; the low byte of clone(2)'s flags is the exit signal: `...|SIGCHLD`. */
export function cloneFlags(raw: bigint): string {
  const value = BigInt.asUintN(64, raw);
  const signal = value & CSIGNAL;
  const rest = value & ~CSIGNAL;
  if (rest === 0n) return signal === 0n ? '0' : signalName(signal);
  const flags = cloneFlagBits(rest);
  return signal === 0n ? flags : `${flags}|${signalName(signal)}`;
}

/** clone3's flags (no exit signal in them: it has its own field). */
export const clone3Flags: Decoder = cloneFlagBits;

export const waitOptions: Decoder = flagsDecoder([
  ['WNOHANG', 1], ['WUNTRACED', 2], ['WEXITED', 4], ['WCONTINUED', 8], ['WNOWAIT', 0x1000000],
  ['__WNOTHREAD', 0x20000000], ['__WALL', 0x40000000], ['__WCLONE', 0x80000000],
], { width: 32, unknown: 'W???' });

export const sigprocmaskHow: Decoder = valueDecoder(
  [['SIG_BLOCK', 0], ['SIG_UNBLOCK', 1], ['SIG_SETMASK', 2]], { width: 32, unknown: 'SIG_???' });

export const sigactionFlags: Decoder = flagsDecoder([
  ['SA_NOCLDSTOP', 1], ['SA_NOCLDWAIT', 2], ['SA_SIGINFO', 4], ['SA_UNSUPPORTED', 0x400],
  ['SA_EXPOSE_TAGBITS', 0x800], ['SA_RESTORER', 0x4000000], ['SA_ONSTACK', 0x8000000],
  ['SA_RESTART', 0x10000000], ['SA_INTERRUPT', 0x20000000], ['SA_NODEFER', 0x40000000],
  ['SA_RESETHAND', 0x80000000],
], { unknown: 'SA_???' });

/** getrusage's who (RUSAGE_CHILDREN is -1: 0xffffffff as the int it is). */
export const rusageWho: Decoder = valueDecoder(
  [['RUSAGE_SELF', 0], ['RUSAGE_CHILDREN', 0xffffffff], ['RUSAGE_THREAD', 1]], { width: 32, unknown: 'RUSAGE_???' });

export const rlimitResource: Decoder = valueDecoder([
  ['RLIMIT_CPU', 0], ['RLIMIT_FSIZE', 1], ['RLIMIT_DATA', 2], ['RLIMIT_STACK', 3], ['RLIMIT_CORE', 4],
  ['RLIMIT_RSS', 5], ['RLIMIT_NPROC', 6], ['RLIMIT_NOFILE', 7], ['RLIMIT_MEMLOCK', 8], ['RLIMIT_AS', 9],
  ['RLIMIT_LOCKS', 10], ['RLIMIT_SIGPENDING', 11], ['RLIMIT_MSGQUEUE', 12], ['RLIMIT_NICE', 13],
  ['RLIMIT_RTPRIO', 14], ['RLIMIT_RTTIME', 15],
], { width: 32, unknown: 'RLIMIT_???' });

export const PR = {
  SET_PDEATHSIG: 1, GET_PDEATHSIG: 2, GET_DUMPABLE: 3, SET_DUMPABLE: 4, GET_UNALIGN: 5,
  SET_UNALIGN: 6, GET_KEEPCAPS: 7, SET_KEEPCAPS: 8, GET_FPEMU: 9, SET_FPEMU: 10, GET_FPEXC: 11,
  SET_FPEXC: 12, GET_TIMING: 13, SET_TIMING: 14, SET_NAME: 15, GET_NAME: 16, GET_ENDIAN: 19,
  SET_ENDIAN: 20, GET_SECCOMP: 21, SET_SECCOMP: 22, CAPBSET_READ: 23, CAPBSET_DROP: 24,
  GET_TSC: 25, SET_TSC: 26, GET_SECUREBITS: 27, SET_SECUREBITS: 28, SET_TIMERSLACK: 29,
  GET_TIMERSLACK: 30, TASK_PERF_EVENTS_DISABLE: 31, TASK_PERF_EVENTS_ENABLE: 32, MCE_KILL: 33,
  MCE_KILL_GET: 34, SET_MM: 35, SET_CHILD_SUBREAPER: 36, GET_CHILD_SUBREAPER: 37,
  SET_NO_NEW_PRIVS: 38, GET_NO_NEW_PRIVS: 39, GET_TID_ADDRESS: 40, SET_THP_DISABLE: 41,
  GET_THP_DISABLE: 42, MPX_ENABLE_MANAGEMENT: 43, MPX_DISABLE_MANAGEMENT: 44, SET_FP_MODE: 45,
  GET_FP_MODE: 46, CAP_AMBIENT: 47, SVE_SET_VL: 50, SVE_GET_VL: 51, GET_SPECULATION_CTRL: 52,
  SET_SPECULATION_CTRL: 53, PAC_RESET_KEYS: 54, SET_TAGGED_ADDR_CTRL: 55,
  GET_TAGGED_ADDR_CTRL: 56, SET_IO_FLUSHER: 57, GET_IO_FLUSHER: 58,
  SET_SYSCALL_USER_DISPATCH: 59, PAC_SET_ENABLED_KEYS: 60, PAC_GET_ENABLED_KEYS: 61,
  SCHED_CORE: 62, SME_SET_VL: 63, SME_GET_VL: 64, SET_MDWE: 65, GET_MDWE: 66,
  SET_MEMORY_MERGE: 67, GET_MEMORY_MERGE: 68, GET_AUXV: 0x41555856, SET_VMA: 0x53564d41,
  SET_PTRACER: 0x59616d61,
} as const;

export const prctlOption: Decoder = valueDecoder(
  Object.entries(PR).map(([name, value]) => [`PR_${name}`, value] as const), { width: 32, unknown: 'PR_???', format: 'hex' });

export const ARCH = {
  SET_GS: 0x1001, SET_FS: 0x1002, GET_FS: 0x1003, GET_GS: 0x1004, GET_CPUID: 0x1011,
  SET_CPUID: 0x1012, GET_XCOMP_SUPP: 0x1021, GET_XCOMP_PERM: 0x1022, REQ_XCOMP_PERM: 0x1023,
  GET_XCOMP_GUEST_PERM: 0x1024, REQ_XCOMP_GUEST_PERM: 0x1025, MAP_VDSO_X32: 0x2001,
  MAP_VDSO_32: 0x2002, MAP_VDSO_64: 0x2003, GET_UNTAG_MASK: 0x4001, ENABLE_TAGGED_ADDR: 0x4002,
  GET_MAX_TAG_BITS: 0x4003, FORCE_TAGGED_SVA: 0x4004, SHSTK_ENABLE: 0x5001, SHSTK_DISABLE: 0x5002,
  SHSTK_LOCK: 0x5003, SHSTK_UNLOCK: 0x5004, SHSTK_STATUS: 0x5005,
} as const;

export const archPrctlCode: Decoder = valueDecoder(
  Object.entries(ARCH).map(([name, value]) => [`ARCH_${name}`, value] as const), { width: 32, unknown: 'ARCH_???', format: 'hex' });

export const seccompOp: Decoder = valueDecoder([
  ['SECCOMP_SET_MODE_STRICT', 0], ['SECCOMP_SET_MODE_FILTER', 1], ['SECCOMP_GET_ACTION_AVAIL', 2],
  ['SECCOMP_GET_NOTIF_SIZES', 3],
], { width: 32, unknown: 'SECCOMP_???' });

export const seccompFlags: Decoder = flagsDecoder([
  ['SECCOMP_FILTER_FLAG_TSYNC', 1], ['SECCOMP_FILTER_FLAG_LOG', 2],
  ['SECCOMP_FILTER_FLAG_SPEC_ALLOW', 4], ['SECCOMP_FILTER_FLAG_NEW_LISTENER', 8],
  ['SECCOMP_FILTER_FLAG_TSYNC_ESRCH', 16], ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV', 32],
], { width: 32, unknown: 'SECCOMP_FILTER_FLAG_???' });

export const FUTEX = {
  WAIT: 0, WAKE: 1, FD: 2, REQUEUE: 3, CMP_REQUEUE: 4, WAKE_OP: 5, LOCK_PI: 6, UNLOCK_PI: 7,
  TRYLOCK_PI: 8, WAIT_BITSET: 9, WAKE_BITSET: 10, WAIT_REQUEUE_PI: 11, CMP_REQUEUE_PI: 12, LOCK_PI2: 13,
} as const;
const FUTEX_PRIVATE_FLAG = 128n;
const FUTEX_CLOCK_REALTIME = 256n;
const futexCmdName = new Map<bigint, string>(Object.entries(FUTEX).map(([n, v]) => [BigInt(v), `FUTEX_${n}`]));

/** futex op: the command (with _PRIVATE) and FUTEX_CLOCK_REALTIME. */
export function futexOp(raw: bigint): string {
  const value = BigInt.asUintN(32, raw);
  const cmd = value & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const name = futexCmdName.get(cmd);
  if (name === undefined) return `0x${value.toString(16)} /* FUTEX_??? */`;
  let out = value & FUTEX_PRIVATE_FLAG ? `${name}_PRIVATE` : name;
  if (value & FUTEX_CLOCK_REALTIME) out += '|FUTEX_CLOCK_REALTIME';
  return out;
}

/** The command part of a futex op. */
export function futexCommand(op: bigint): number {
  return Number(BigInt.asUintN(32, op) & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME));
}

export const futexBitset: Decoder = valueDecoder([['FUTEX_BITSET_MATCH_ANY', 0xffffffff]], { width: 32, format: 'hex' });

export const clockId: Decoder = valueDecoder([
  ['CLOCK_REALTIME', 0], ['CLOCK_MONOTONIC', 1], ['CLOCK_PROCESS_CPUTIME_ID', 2],
  ['CLOCK_THREAD_CPUTIME_ID', 3], ['CLOCK_MONOTONIC_RAW', 4], ['CLOCK_REALTIME_COARSE', 5],
  ['CLOCK_MONOTONIC_COARSE', 6], ['CLOCK_BOOTTIME', 7], ['CLOCK_REALTIME_ALARM', 8],
  ['CLOCK_BOOTTIME_ALARM', 9], ['CLOCK_SGI_CYCLE', 10], ['CLOCK_TAI', 11],
], { width: 32, unknown: 'CLOCK_???' });

export const timerFlags: Decoder = flagsDecoder([['TIMER_ABSTIME', 1]], { width: 32, unknown: 'TIMER_???' });

export const getrandomFlags: Decoder = flagsDecoder(
  [['GRND_NONBLOCK', 1], ['GRND_RANDOM', 2], ['GRND_INSECURE', 4]], { width: 32, unknown: 'GRND_???' });

export const pidfdFlags: Decoder = flagsDecoder(
  [['PIDFD_NONBLOCK', 0o4000], ['PIDFD_THREAD', 0o200]], { width: 32, unknown: 'PIDFD_???' });
