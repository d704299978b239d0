// Numeric constants of the Linux ptrace/wait/seccomp ABI that the tracer needs.
// Values are architecture-independent unless noted (checked against <linux/ptrace.h>).

/** ptrace(2) request numbers. */
export const PTRACE = {
  TRACEME: 0,
  PEEKTEXT: 1,
  PEEKDATA: 2,
  PEEKUSER: 3,
  POKETEXT: 4,
  POKEDATA: 5,
  POKEUSER: 6,
  CONT: 7,
  KILL: 8,
  SINGLESTEP: 9,
  GETREGS: 12,
  SETREGS: 13,
  GETFPREGS: 14,
  SETFPREGS: 15,
  ATTACH: 16,
  DETACH: 17,
  SYSCALL: 24,
  SYSEMU: 31,
  SYSEMU_SINGLESTEP: 32,
  SETOPTIONS: 0x4200,
  GETEVENTMSG: 0x4201,
  GETSIGINFO: 0x4202,
  SETSIGINFO: 0x4203,
  GETREGSET: 0x4204,
  SETREGSET: 0x4205,
  SEIZE: 0x4206,
  INTERRUPT: 0x4207,
  LISTEN: 0x4208,
  PEEKSIGINFO: 0x4209,
  GETSIGMASK: 0x420a,
  SETSIGMASK: 0x420b,
  SECCOMP_GET_FILTER: 0x420c,
  GET_SYSCALL_INFO: 0x420e,
  GET_RSEQ_CONFIGURATION: 0x420f,
  SET_SYSCALL_USER_DISPATCH_CONFIG: 0x4210,
  GET_SYSCALL_USER_DISPATCH_CONFIG: 0x4211,
  SET_SYSCALL_INFO: 0x4212,
} as const;

/** PTRACE_SETOPTIONS / PTRACE_SEIZE option bits. */
export const PTRACE_O = {
  TRACESYSGOOD: 0x1,
  TRACEFORK: 0x2,
  TRACEVFORK: 0x4,
  TRACECLONE: 0x8,
  TRACEEXEC: 0x10,
  TRACEVFORKDONE: 0x20,
  TRACEEXIT: 0x40,
  TRACESECCOMP: 0x80,
  EXITKILL: 0x100000,
  SUSPEND_SECCOMP: 0x200000,
} as const;

/** The event number in bits 16..23 of a wait status (status >> 16). */
export const PTRACE_EVENT = {
  FORK: 1,
  VFORK: 2,
  CLONE: 3,
  EXEC: 4,
  VFORK_DONE: 5,
  EXIT: 6,
  SECCOMP: 7,
  STOP: 128,
} as const;

/** PTRACE_GET_SYSCALL_INFO `op` values. */
export const SYSCALL_INFO_OP = { NONE: 0, ENTRY: 1, EXIT: 2, SECCOMP: 3 } as const;

/** waitpid(2) option bits. */
export const WAIT = {
  NOHANG: 1,
  UNTRACED: 2,
  CONTINUED: 8,
  NOTHREAD: 0x20000000,
  ALL: 0x40000000,
  CLONE: 0x80000000 | 0,
} as const;

/** Regset note types for PTRACE_GETREGSET (x86). */
export const NT = {
  PRSTATUS: 1,
  PRFPREG: 2,
  X86_XSTATE: 0x202,
} as const;

export const O_RDONLY = 0;
export const O_RDWR = 2;
export const O_CLOEXEC = 0o2000000;
export const O_NONBLOCK = 0o4000;
export const O_WRONLY = 1;
export const O_CREAT = 0o100;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
