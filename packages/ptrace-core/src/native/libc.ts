// koffi bindings to glibc: the only place that declares foreign functions.
//
// Every call here is synchronous and runs on the calling thread. ptrace is per thread (only
// the thread that attached may issue requests), so never call these through koffi's `.async()`,
// which runs on koffi's pool threads.
//
// The bindings are created on first use, so that importing the package costs nothing until a
// tracer is made (umview-lite's start-up is measured in milliseconds).
import koffi from 'koffi';

export interface Libc {
  /** ptrace with an integer `data` (options, signal numbers, addresses). */
  ptrace(request: number, pid: number, addr: number | bigint, data: number | bigint): number;
  /** ptrace with a pointer `data` (regsets, siginfo, syscall info, event messages). */
  ptraceBuf(request: number, pid: number, addr: number | bigint, data: ArrayBufferView | null): number;
  /** Raw syscall with 4 arguments, the 4th a pointer: used for PTRACE_PEEK*, which the kernel
   * answers by storing the word at `data` (glibc's wrapper returns it instead, ambiguously). */
  syscallPtr(nr: number, a1: number, a2: number, a3: number | bigint, a4: ArrayBufferView | null): number;
  /** Raw syscall with up to 6 integer arguments. */
  syscall6(nr: number, a1: number | bigint, a2: number | bigint, a3: number | bigint,
    a4: number | bigint, a5: number | bigint, a6: number | bigint): number;
  waitpid(pid: number, status: Int32Array, options: number): number;
  kill(pid: number, sig: number): number;
  processVmReadv(pid: number, local: BigUint64Array, liovcnt: number, remote: BigUint64Array, riovcnt: number, flags: number): number;
  processVmWritev(pid: number, local: BigUint64Array, liovcnt: number, remote: BigUint64Array, riovcnt: number, flags: number): number;
  posixSpawn(pidOut: Int32Array, path: string, fileActions: Buffer | null, attr: Buffer | null,
    argv: (string | null)[], envp: (string | null)[]): number;
  fileActionsInit(fa: Buffer): number;
  fileActionsDestroy(fa: Buffer): number;
  fileActionsAddDup2(fa: Buffer, fd: number, newfd: number): number;
  fileActionsAddOpen(fa: Buffer, fd: number, path: string, oflag: number, mode: number): number;
  fileActionsAddClose(fa: Buffer, fd: number): number;
  fileActionsAddChdir(fa: Buffer, path: string): number;
  spawnAttrInit(attr: Buffer): number;
  spawnAttrDestroy(attr: Buffer): number;
  spawnAttrSetFlags(attr: Buffer, flags: number): number;
  spawnAttrSetSigMask(attr: Buffer, set: Buffer): number;
  spawnAttrSetSigDefault(attr: Buffer, set: Buffer): number;
  pipe2(fds: Int32Array, flags: number): number;
  /** sigaction(2) with glibc's `struct sigaction` as raw bytes (SIGACTION_SIZE). */
  sigaction(signal: number, act: Buffer | null, oldact: Buffer | null): number;
  close(fd: number): number;
  strerror(errno: number): string;
  /** errno of the last failed call on this thread. */
  errno(): number;
  /** Address of a buffer's memory, for iovecs handed to the kernel. */
  address(view: ArrayBufferView): bigint;
}

let libc: Libc | undefined;

/** The libc bindings, created on first use. */
export function getLibc(): Libc {
  return (libc ??= bind());
}

function bind(): Libc {
  const lib = koffi.load('libc.so.6');
  const fn = (decl: string) => lib.func(decl);
  // glibc's ptrace and syscall are variadic; on x86-64 SysV and aarch64 Linux the fixed and
  // variadic conventions coincide for integer and pointer arguments, and fixed prototypes are
  // cheaper to call.
  const ptrace = fn('long ptrace(int request, int pid, uint64_t addr, uint64_t data)');
  const ptraceBuf = fn('long ptrace(int request, int pid, uint64_t addr, void *data)');
  const syscallPtr = fn('long syscall(long nr, long a1, long a2, uint64_t a3, void *a4)');
  const syscall6 = fn('long syscall(long nr, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t a5, int64_t a6)');
  const waitpid = fn('int waitpid(int pid, int *status, int options)');
  const kill = fn('int kill(int pid, int sig)');
  const pvr = fn('long process_vm_readv(int pid, void *local, unsigned long liovcnt, void *remote, unsigned long riovcnt, unsigned long flags)');
  const pvw = fn('long process_vm_writev(int pid, void *local, unsigned long liovcnt, void *remote, unsigned long riovcnt, unsigned long flags)');
  const posixSpawn = fn('int posix_spawn(int *pid, const char *path, void *file_actions, void *attrp, const char **argv, const char **envp)');
  const faInit = fn('int posix_spawn_file_actions_init(void *fa)');
  const faDestroy = fn('int posix_spawn_file_actions_destroy(void *fa)');
  const faDup2 = fn('int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)');
  const faOpen = fn('int posix_spawn_file_actions_addopen(void *fa, int fd, const char *path, int oflag, uint32_t mode)');
  const faClose = fn('int posix_spawn_file_actions_addclose(void *fa, int fd)');
  const faChdir = fn('int posix_spawn_file_actions_addchdir_np(void *fa, const char *path)');
  const attrInit = fn('int posix_spawnattr_init(void *attr)');
  const attrDestroy = fn('int posix_spawnattr_destroy(void *attr)');
  const attrSetFlags = fn('int posix_spawnattr_setflags(void *attr, short flags)');
  const attrSetSigMask = fn('int posix_spawnattr_setsigmask(void *attr, const void *set)');
  const attrSetSigDefault = fn('int posix_spawnattr_setsigdefault(void *attr, const void *set)');
  const pipe2 = fn('int pipe2(int *fds, int flags)');
  const sigaction = fn('int sigaction(int sig, const void *act, void *oldact)');
  const close = fn('int close(int fd)');
  const strerror = fn('const char *strerror(int errnum)');
  return {
    ptrace: (r, p, a, d) => Number(ptrace(r, p, a, d)),
    ptraceBuf: (r, p, a, d) => Number(ptraceBuf(r, p, a, d)),
    syscallPtr: (nr, a1, a2, a3, a4) => Number(syscallPtr(nr, a1, a2, a3, a4)),
    syscall6: (nr, a1, a2, a3, a4, a5, a6) => Number(syscall6(nr, a1, a2, a3, a4, a5, a6)),
    waitpid,
    kill,
    processVmReadv: (p, l, lc, r, rc, f) => Number(pvr(p, l, lc, r, rc, f)),
    processVmWritev: (p, l, lc, r, rc, f) => Number(pvw(p, l, lc, r, rc, f)),
    posixSpawn,
    fileActionsInit: faInit,
    fileActionsDestroy: faDestroy,
    fileActionsAddDup2: faDup2,
    fileActionsAddOpen: faOpen,
    fileActionsAddClose: faClose,
    fileActionsAddChdir: faChdir,
    spawnAttrInit: attrInit,
    spawnAttrDestroy: attrDestroy,
    spawnAttrSetFlags: attrSetFlags,
    spawnAttrSetSigMask: attrSetSigMask,
    spawnAttrSetSigDefault: attrSetSigDefault,
    pipe2,
    sigaction,
    close,
    strerror,
    errno: () => koffi.errno(),
    address: (view) => koffi.address(view) as bigint,
  };
}

/** A buffer whose memory never moves (off the V8 heap), safe to hand to the kernel by address. */
export function pinnedBuffer(size: number): Buffer {
  return Buffer.from(new ArrayBuffer(size));
}
