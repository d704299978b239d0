// koffi bindings to glibc: the only place that declares foreign functions.
//
// Every call here is synchronous and runs on the calling thread. ptrace is per thread (only
// the thread that attached may issue requests), so never call these through koffi's `.async()`,
// which runs on koffi's pool threads.
//
// The bindings, and koffi itself, are loaded on first use, so that importing the package costs
// nothing until a tracer is made (umview-lite's start-up is measured in milliseconds).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { moduleLocation } from './module-location.js';

export type Koffi = typeof import('koffi');

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
  /** waitpid with the status word's address as an integer (the hot path of a tracer). */
  waitpidAt(pid: number, statusAddress: number, options: number): number;
  kill(pid: number, sig: number): number;
  /** prlimit(2): a process's resource limit, struct rlimit { rlim_cur, rlim_max } (16 bytes). */
  prlimit(pid: number, resource: number, newLimit: Buffer | null, oldLimit: Buffer | null): number;
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
  /** setitimer(2) with a raw `struct itimerval` (32 bytes). */
  setitimer(which: number, value: Buffer, old: Buffer | null): number;
  close(fd: number): number;
  strerror(errno: number): string;
  memfdCreate(name: string, flags: number): number;
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

let loadedKoffi: Koffi | undefined;

/** koffi itself, loaded once as the bindings load it, for a sibling package's own few functions
 * (dap-adapter: libstdc++'s demangler, the terminal launcher's prctl/execvpe): in a bundle that
 * ships koffi's binary without its loader, only this way finds it. */
export function getKoffi(): Koffi {
  return (loadedKoffi ??= loadKoffi());
}

/** koffi, loaded the quick way when possible: its own loader spends ~4 ms of every start-up
 * probing the platform (it reads the node binary's ELF headers to tell glibc from musl), and
 * resolving 'koffi' through its package exports costs ~3 ms more (Node loads its ES module
 * resolver for it). On glibc x86-64, koffi's prebuilt binary is looked for in the node_modules
 * directories Node would search and opened directly, checked against koffi's version; on any
 * mismatch or failure, koffi's own loader decides. */
function loadKoffi(): Koffi {
  const require = createRequire(moduleLocation()); // a path or a file: URL, it takes either
  if (process.platform === 'linux' && process.arch === 'x64') {
    const native = prebuiltKoffi(require.resolve.paths('koffi') ?? []);
    if (native) return native;
  }
  return require('koffi') as Koffi;
}

function prebuiltKoffi(nodeModules: readonly string[]): Koffi | undefined {
  const BINARY = '@koromix/koffi-linux-x64/linux_x64/koffi.node';
  for (const dir of nodeModules) {
    let version: string;
    try {
      version = (JSON.parse(readFileSync(`${dir}/koffi/package.json`, 'utf8')) as { version: string }).version;
    } catch {
      continue; // no koffi here: Node would look in the next directory too
    }
    for (const file of [`${dir}/koffi/node_modules/${BINARY}`, `${dir}/${BINARY}`]) {
      if (!existsSync(file)) continue;
      try {
        const module = { exports: {} as Koffi & { version?: string } };
        process.dlopen(module, file);
        return module.exports.version === version ? module.exports : undefined;
      } catch {
        return undefined; // musl, another layout: koffi's loader
      }
    }
    return undefined;
  }
  return undefined;
}

function bind(): Libc {
  const koffi = getKoffi();
  const lib = koffi.load('libc.so.6');
  const fn = <F>(decl: string): F => lib.func(decl) as unknown as F;
  // glibc's ptrace and syscall are variadic; on x86-64 SysV and aarch64 Linux the fixed and
  // variadic conventions coincide for integer and pointer arguments, and fixed prototypes are
  // cheaper to call.
  type N = (...args: unknown[]) => number | bigint;
  const ptrace = fn<N>('long ptrace(int request, int pid, uint64_t addr, uint64_t data)');
  const ptraceBuf = fn<N>('long ptrace(int request, int pid, uint64_t addr, void *data)');
  const syscallPtr = fn<N>('long syscall(long nr, long a1, long a2, uint64_t a3, void *a4)');
  const syscall6 = fn<N>('long syscall(long nr, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t a5, int64_t a6)');
  const pvr = fn<N>('long process_vm_readv(int pid, void *local, unsigned long liovcnt, void *remote, unsigned long riovcnt, unsigned long flags)');
  const pvw = fn<N>('long process_vm_writev(int pid, void *local, unsigned long liovcnt, void *remote, unsigned long riovcnt, unsigned long flags)');
  return {
    ptrace: (r, p, a, d) => Number(ptrace(r, p, a, d)),
    ptraceBuf: (r, p, a, d) => Number(ptraceBuf(r, p, a, d)),
    syscallPtr: (nr, a1, a2, a3, a4) => Number(syscallPtr(nr, a1, a2, a3, a4)),
    syscall6: (nr, a1, a2, a3, a4, a5, a6) => Number(syscall6(nr, a1, a2, a3, a4, a5, a6)),
    waitpid: fn('int waitpid(int pid, int *status, int options)'),
    waitpidAt: fn('int waitpid(int pid, uint64_t status, int options)'),
    kill: fn('int kill(int pid, int sig)'),
    prlimit: fn('int prlimit(int pid, int resource, const void *new_limit, void *old_limit)'),
    processVmReadv: (p, l, lc, r, rc, f) => Number(pvr(p, l, lc, r, rc, f)),
    processVmWritev: (p, l, lc, r, rc, f) => Number(pvw(p, l, lc, r, rc, f)),
    posixSpawn: fn('int posix_spawn(int *pid, const char *path, void *file_actions, void *attrp, const char **argv, const char **envp)'),
    fileActionsInit: fn('int posix_spawn_file_actions_init(void *fa)'),
    fileActionsDestroy: fn('int posix_spawn_file_actions_destroy(void *fa)'),
    fileActionsAddDup2: fn('int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)'),
    fileActionsAddOpen: fn('int posix_spawn_file_actions_addopen(void *fa, int fd, const char *path, int oflag, uint32_t mode)'),
    fileActionsAddClose: fn('int posix_spawn_file_actions_addclose(void *fa, int fd)'),
    fileActionsAddChdir: fn('int posix_spawn_file_actions_addchdir_np(void *fa, const char *path)'),
    spawnAttrInit: fn('int posix_spawnattr_init(void *attr)'),
    spawnAttrDestroy: fn('int posix_spawnattr_destroy(void *attr)'),
    spawnAttrSetFlags: fn('int posix_spawnattr_setflags(void *attr, short flags)'),
    spawnAttrSetSigMask: fn('int posix_spawnattr_setsigmask(void *attr, const void *set)'),
    spawnAttrSetSigDefault: fn('int posix_spawnattr_setsigdefault(void *attr, const void *set)'),
    pipe2: fn('int pipe2(int *fds, int flags)'),
    sigaction: fn('int sigaction(int sig, const void *act, void *oldact)'),
    setitimer: fn('int setitimer(int which, const void *value, void *old)'),
    close: fn('int close(int fd)'),
    strerror: fn('const char *strerror(int errnum)'),
    memfdCreate: fn('int memfd_create(const char *name, unsigned int flags)'),
    errno: () => koffi.errno(),
    address: (view) => koffi.address(view) as bigint,
  };
}

/** A buffer whose memory never moves (off the V8 heap), safe to hand to the kernel by address. */
export function pinnedBuffer(size: number): Buffer {
  return Buffer.from(new ArrayBuffer(size));
}
