// Tracee memory: words through PTRACE_PEEK/POKE, bulk through process_vm_readv/writev, and
// /proc/PID/mem where those cannot go.
//
// process_vm_writev respects page protections, so it cannot plant a breakpoint in .text; and
// process_vm_readv cannot read PROT_NONE pages. /proc/PID/mem accesses memory the way ptrace
// does (FOLL_FORCE), so it is the fallback for the part of a transfer that the fast path
// could not do. Its fd is bound to the address space it was opened on, so it is dropped at exec.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { SYS_ptrace } from './arch/index.js';
import { MemoryAccessError, PtraceError, TraceeGoneError, systemError } from './errors.js';
import { PTRACE } from './native/constants.js';
import { ERRNO } from './native/errno.js';
import { getLibc, pinnedBuffer, type Libc } from './native/libc.js';

/** A tracee address. Addresses are returned as bigint; either form is accepted. */
export type Address = bigint | number;

export const PAGE_SIZE = 4096;
const WORD = 8;

/** Memory of one traced thread's address space. */
export class TraceeMemory {
  private readonly libc: Libc = getLibc();
  // Made at first use (a tracee that is never read or written costs none of them).
  private word: { bytes: Buffer; view: BigUint64Array } | undefined;
  private iovs: { local: BigUint64Array; remote: BigUint64Array } | undefined;
  private memFd: number | undefined;

  constructor(readonly tid: number) {}

  /** Reads one word with PTRACE_PEEKDATA (the tracee must be in a ptrace-stop). */
  peek(address: Address): bigint {
    const word = this.word ??= wordBuffer();
    const r = this.libc.syscallPtr(SYS_ptrace, PTRACE.PEEKDATA, this.tid, address, word.bytes);
    if (r === -1) throw this.accessError('PTRACE_PEEKDATA', address, 0);
    return word.view[0]!;
  }

  /** Writes one word with PTRACE_POKEDATA (works on read-only pages too). */
  poke(address: Address, value: bigint): void {
    const r = this.libc.ptrace(PTRACE.POKEDATA, this.tid, address, BigInt.asUintN(64, value));
    if (r === -1) throw this.accessError('PTRACE_POKEDATA', address, 0);
  }

  /** Reads `length` bytes; throws MemoryAccessError if any byte is unreadable. */
  read(address: Address, length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    this.readInto(address, out);
    return out;
  }

  /** Fills `target` from tracee memory; throws MemoryAccessError if any byte is unreadable. */
  readInto(address: Address, target: Uint8Array): void {
    const n = this.readAvailable(address, target);
    if (n < target.length) {
      throw this.faultError('read', BigInt(address) + BigInt(n), n);
    }
  }

  /** Reads as much of `target.length` bytes as is readable from `address` on; returns the
   * count. Throws only when the tracee is gone. */
  readAvailable(address: Address, target: Uint8Array): number {
    if (target.length === 0) return 0;
    const done = this.vmTransfer('read', address, target);
    if (done === target.length) return done;
    return done + this.procMemTransfer('read', BigInt(address) + BigInt(done), target.subarray(done));
  }

  /** Writes `data`; throws MemoryAccessError if any byte could not be written. Writes into
   * read-only mappings (breakpoints in .text) go through /proc/PID/mem. */
  write(address: Address, data: Uint8Array): void {
    const n = this.writeAvailable(address, data);
    if (n < data.length) throw this.faultError('write', BigInt(address) + BigInt(n), n);
  }

  /** Writes as much of `data` as is writable; returns the count. */
  writeAvailable(address: Address, data: Uint8Array): number {
    if (data.length === 0) return 0;
    const done = this.vmTransfer('write', address, data);
    if (done === data.length) return done;
    return done + this.procMemTransfer('write', BigInt(address) + BigInt(done), data.subarray(done));
  }

  /** Reads a NUL-terminated string of at most `maxLength` bytes (without the NUL), page by
   * page so that a string ending just before an unmapped page is still read. Throws
   * MemoryAccessError if memory ends before the NUL, RangeError if it is longer. */
  readCString(address: Address, maxLength = 4096): string {
    return this.readCStringBytes(address, maxLength).toString('utf8');
  }

  readCStringBytes(address: Address, maxLength = 4096): Buffer {
    const chunks: Buffer[] = [];
    let total = 0;
    let at = BigInt(address);
    while (total <= maxLength) {
      const pageLeft = PAGE_SIZE - Number(at % BigInt(PAGE_SIZE));
      const chunk = Buffer.allocUnsafe(Math.min(pageLeft, maxLength + 1 - total));
      const n = this.readAvailable(at, chunk);
      const nul = chunk.subarray(0, n).indexOf(0);
      if (nul >= 0) {
        chunks.push(chunk.subarray(0, nul));
        return Buffer.concat(chunks);
      }
      if (n < chunk.length) throw this.faultError('read', at + BigInt(n), total + n);
      chunks.push(chunk);
      total += n;
      at += BigInt(n);
    }
    throw new RangeError(`string at 0x${BigInt(address).toString(16)} is longer than ${maxLength} bytes`);
  }

  /** The fd of /proc/TID/mem for this address space (opened once, closed at exec), for layers
   * that batch their own preadv/pwritev on it. */
  procMemFd(): number {
    return this.openMem();
  }

  /** Forgets the /proc/PID/mem fd: after exec it would point at the old address space. */
  invalidate(): void {
    if (this.memFd !== undefined) {
      try { closeSync(this.memFd); } catch { /* already closed */ }
      this.memFd = undefined;
    }
  }

  private vmTransfer(direction: 'read' | 'write', address: Address, buffer: Uint8Array): number {
    const iovs = this.iovs ??= { local: new BigUint64Array(new ArrayBuffer(16)), remote: new BigUint64Array(new ArrayBuffer(16)) };
    iovs.local[0] = this.libc.address(buffer);
    iovs.local[1] = BigInt(buffer.length);
    iovs.remote[0] = BigInt(address);
    iovs.remote[1] = BigInt(buffer.length);
    const r = direction === 'read'
      ? this.libc.processVmReadv(this.tid, iovs.local, 1, iovs.remote, 1, 0)
      : this.libc.processVmWritev(this.tid, iovs.local, 1, iovs.remote, 1, 0);
    if (r >= 0) return r;
    const errno = this.libc.errno();
    if (errno === ERRNO.ESRCH) throw systemError(`process_vm_${direction}v`, errno, this.tid);
    return 0; // EFAULT (or EPERM on some hardened kernels): let /proc/PID/mem try
  }

  private procMemTransfer(direction: 'read' | 'write', address: bigint, buffer: Uint8Array): number {
    let done = 0;
    try {
      const fd = this.openMem();
      while (done < buffer.length) {
        const position = address + BigInt(done);
        const n = direction === 'read'
          ? readSync(fd, buffer, done, buffer.length - done, position)
          : writeSync(fd, buffer, done, buffer.length - done, Number(position));
        if (n <= 0) break;
        done += n;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH') {
        throw new TraceeGoneError(`/proc/${this.tid}/mem: the tracee is gone`, {
          errno: ERRNO.ESRCH, operation: `/proc/PID/mem ${direction}`, tid: this.tid, cause: error,
        });
      }
      // EIO/EFAULT: the first unreachable byte is at address + done.
    }
    return done;
  }

  private openMem(): number {
    return (this.memFd ??= openSync(`/proc/${this.tid}/mem`, 'r+'));
  }

  private accessError(operation: string, address: Address, transferred: number): PtraceError {
    const errno = this.libc.errno();
    if (errno === ERRNO.EIO || errno === ERRNO.EFAULT) {
      return new MemoryAccessError(`${operation} at 0x${BigInt(address).toString(16)} (tid ${this.tid}): address not accessible`, {
        errno, operation, tid: this.tid, address: BigInt(address), transferred,
      });
    }
    return systemError(operation, errno, this.tid);
  }

  private faultError(direction: 'read' | 'write', at: bigint, transferred: number): MemoryAccessError {
    return new MemoryAccessError(
      `cannot ${direction} tracee memory at 0x${at.toString(16)} (tid ${this.tid}): address not accessible`,
      { errno: ERRNO.EFAULT, operation: `${direction} memory`, tid: this.tid, address: at, transferred },
    );
  }
}

function wordBuffer(): { bytes: Buffer; view: BigUint64Array } {
  const bytes = pinnedBuffer(WORD);
  return { bytes, view: new BigUint64Array(bytes.buffer, bytes.byteOffset, 1) };
}
