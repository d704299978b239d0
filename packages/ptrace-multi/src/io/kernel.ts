// The system calls ptrace-multi issues, each counted: the counters promise "system calls
// issued", so nothing here may hide a second call (no glibc wrapper that retries, no Node fs
// call that may split a transfer).
//
// Everything goes through ptrace-core's libc bindings on the calling thread (ptrace is per
// thread). Pointers are passed as plain integers so that iovec arrays and destination words
// can point anywhere in memory we own.
import { getLibc, type Libc } from '@umview/ptrace-core/internal';
import { SYS } from '../arch/x86_64.js';

export class Kernel {
  /** System calls issued through this port so far. */
  syscalls = 0;
  private readonly libc: Libc = getLibc();

  constructor(readonly tid: number) {}

  /** errno of the last failed call. */
  errno(): number {
    return this.libc.errno();
  }

  /** PTRACE_PEEK{TEXT,DATA,USER} in its raw form: the kernel stores the word at `dest`
   * (glibc's wrapper returns it instead, which makes -1 ambiguous). Returns 0 or -1. */
  peek(request: number, addr: number | bigint, dest: number): number {
    this.syscalls++;
    return this.libc.syscall6(SYS.ptrace, request, this.tid, addr, dest, 0, 0);
  }

  /** PTRACE_POKE{TEXT,DATA,USER} of one word. */
  poke(request: number, addr: number | bigint, value: bigint): number {
    this.syscalls++;
    return this.libc.ptrace(request, this.tid, addr, BigInt.asUintN(64, value));
  }

  /** A ptrace request whose data is an integer (a signal, options) or the address of a buffer
   * we own (regsets, siginfo). */
  ptrace(request: number, addr: number | bigint, data: number | bigint | ArrayBufferView | null): number {
    this.syscalls++;
    if (data === null || ArrayBuffer.isView(data)) return this.libc.ptraceBuf(request, this.tid, addr, data);
    return this.libc.ptrace(request, this.tid, addr, typeof data === 'bigint' ? BigInt.asUintN(64, data) : data);
  }

  processVmReadv(local: number, localCount: number, remote: number, remoteCount: number): number {
    this.syscalls++;
    return this.libc.syscall6(SYS.process_vm_readv, this.tid, local, localCount, remote, remoteCount, 0);
  }

  processVmWritev(local: number, localCount: number, remote: number, remoteCount: number): number {
    this.syscalls++;
    return this.libc.syscall6(SYS.process_vm_writev, this.tid, local, localCount, remote, remoteCount, 0);
  }

  /** preadv on /proc/PID/mem: the file offset is the tracee address. */
  preadv(fd: number, iov: number, count: number, offset: number): number {
    this.syscalls++;
    return this.libc.syscall6(SYS.preadv, fd, iov, count, offset, 0, 0);
  }

  pwritev(fd: number, iov: number, count: number, offset: number): number {
    this.syscalls++;
    return this.libc.syscall6(SYS.pwritev, fd, iov, count, offset, 0, 0);
  }

  /** Address of memory we own, as a number (user-space pointers fit a double exactly). The
   * `.buffer` access moves a small on-heap typed array off the V8 heap first, where the garbage
   * collector never moves it: its address stays valid for the calls that follow. */
  address(view: Uint8Array): number {
    void view.buffer;
    return Number(this.libc.address(view));
  }
}
