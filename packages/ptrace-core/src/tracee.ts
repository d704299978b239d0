// One traced thread: its registers, its memory, and the requests that resume it.
//
// A Tracee is created by its Tracer (spawn, attach, or automatically for a new thread or
// child) and is only usable from the thread that created the Tracer. Every request may throw
// TraceeGoneError (ESRCH): the thread can be killed at any moment, and the Tracer will then
// report its exit as a stop. That is a normal outcome, not a bug.
import type { Readable, Writable } from 'node:stream';
import { AUDIT_ARCH, FPREGS_SIZE, REGS_SIZE, SYS_ptrace, SYS_tgkill } from './arch/index.js';
import { TraceeGoneError, checked, systemError } from './errors.js';
import { NT, PTRACE } from './native/constants.js';
import { ERRNO } from './native/errno.js';
import { getLibc, pinnedBuffer, type Libc } from './native/libc.js';
import { PinnedSlab } from './native/pinned-slab.js';
import { signalNumber } from './native/signals.js';
import { TraceeMemory, type Address } from './memory.js';
import { Registers } from './registers.js';
import { SIGINFO_SIZE, decodeSigInfo, type SigInfo } from './siginfo.js';
import { SYSCALL_INFO_SIZE, decodeSyscallInfo, encodeSyscallInfo, type SyscallInfo, type SyscallInfoChange } from './syscall-info.js';
import { readProcStatusNumber } from './proc-status.js';
import type { Stop } from './stops.js';
import { PipeStreams } from './spawn/pipe-stream.js';
import type { Tracer } from './tracer.js';

/** Where a tracee is in its life, as far as the tracer knows. */
export type TraceeState = 'running' | 'stopped' | 'exited';

/** How a tracee came to be traced: its Tracer kills what it spawned and detaches from what it
 * attached to when it is closed. */
export type TraceeOrigin = 'spawned' | 'attached';

export type SignalArg = number | string;

const MAX_XSTATE_SIZE = 16384;
/** Where each thread's syscall info lands (the kernel writes it at every stop). */
const infoBlocks = new PinnedSlab(SYSCALL_INFO_SIZE);
/** The 64-bit user code segment selector on x86-64 Linux. */
const USER64_CS = 0x33n;
const PTRACE_SINGLEBLOCK = 33;
/** Requests after which the thread runs (or dies): what a resume method records. */
const RESUMING = new Set<number>([
  PTRACE.CONT, PTRACE.SYSCALL, PTRACE.SINGLESTEP, PTRACE.SYSEMU, PTRACE.SYSEMU_SINGLESTEP,
  PTRACE_SINGLEBLOCK, PTRACE.KILL,
]);

/** @internal What the Tracer knows of a thread between its stops. The Tracer and the resume
 * methods write it; users read it through Tracee's getters. */
export interface TraceeBookkeeping {
  state: TraceeState;
  lastStop: Stop | undefined;
  /** Between a syscall-enter (or seccomp) stop and the call's exit. */
  inSyscall: boolean;
  syscallNr: number;
  resumes: number;
  /** The next interrupt stop is the one attach() asked for. */
  awaitingAttachStop: boolean;
  /** Traced automatically; its first stop has not been reported yet. */
  isNewChild: boolean;
  /** Resumed with listen(): the next event stop says the group-stop ended. */
  listening: boolean;
  /** Spawned with a seccompFilter: whether the trampoline installed it. */
  filterInstalled: boolean | undefined;
}

export class Tracee {
  readonly memory: TraceeMemory;
  /** The tracer's ends of the pipes spawn() made for stdio 'pipe', as fds of this process
   * (see stdin, stdout and stderr for them as streams). */
  readonly stdio: { readonly stdin?: number; readonly stdout?: number; readonly stderr?: number } = {};
  /** @internal Written by the Tracer and the resume methods; read the getters. */
  readonly bookkeeping: TraceeBookkeeping = {
    state: 'running', lastStop: undefined, inSyscall: false, syscallNr: -1, resumes: 0,
    awaitingAttachStop: false, isNewChild: false, listening: false, filterInstalled: undefined,
  };
  private parent: number | undefined;
  private originKind: TraceeOrigin;
  private pipes: PipeStreams | undefined;

  private readonly libc: Libc = getLibc();
  /** Made at the first register access: many tracees (a shell loop's short-lived children)
   * never need them, and each pinned buffer costs its allocation. */
  private regsStore: Registers | undefined;
  private regsIovStore: BigUint64Array | undefined;
  private readonly infoBlock = infoBlocks.take();
  private readonly infoBuf = this.infoBlock.bytes;
  private readonly infoWords = new BigUint64Array(this.infoBuf.buffer, this.infoBuf.byteOffset, SYSCALL_INFO_SIZE / 8);
  private readonly infoView = {
    bytes: this.infoBuf,
    words: this.infoWords,
    /** The six syscall arguments of an entry or seccomp report. */
    args: new BigUint64Array(this.infoBuf.buffer, this.infoBuf.byteOffset + 32, 6),
  };
  private setInfoBuf: Buffer | undefined;
  private knownPid: number | undefined;
  /** The thread was in 32-bit mode at the last register read. */
  private compatMode = false;

  constructor(
    readonly tracer: Tracer,
    readonly tid: number,
    origin: TraceeOrigin,
    pid?: number,
  ) {
    this.memory = new TraceeMemory(tid);
    this.knownPid = pid;
    this.originKind = origin;
  }

  private get regs(): Registers {
    return this.regsStore ??= new Registers();
  }

  private get regsIov(): BigUint64Array {
    return this.regsIovStore ??= new BigUint64Array(new ArrayBuffer(16));
  }

  /** Where the thread is, as far as the tracer knows: 'stopped' from a stop until a resume,
   * 'exited' once its end was reported (or it was detached). */
  get state(): TraceeState { return this.bookkeeping.state; }

  /** The last stop reported for this thread (its exec stop right after spawn()). */
  get lastStop(): Stop | undefined { return this.bookkeeping.lastStop; }

  /** Inside a system call: between its syscall-enter (or seccomp) stop and its exit, as far as
   * the stops seen tell. */
  get inSyscall(): boolean { return this.bookkeeping.inSyscall; }

  /** The number of the call the thread is in or last made (-1 before any was seen). */
  get syscallNr(): number { return this.bookkeeping.syscallNr; }

  /** How many times this thread was resumed: what was read from it at a stop is known to be
   * unchanged (by the thread itself) for as long as this number is. */
  get resumes(): number { return this.bookkeeping.resumes; }

  /** Its stdin when spawned with stdin 'pipe', as child_process gives it: a Writable whose
   * end() gives the tracee end-of-file; null otherwise. Made on first use; from then on it owns
   * the fd `stdio.stdin`. Its data flows when the event loop runs: a Tracer blocked in wait()
   * does not let it (wait({ nonBlocking: true }), or AsyncTracer, whose tracees have the same). */
  get stdin(): Writable | null { return (this.pipes ??= new PipeStreams(this.stdio)).stdin; }

  /** Its stdout when spawned with stdout 'pipe': a Readable that ends when the tracee's last
   * writer closes it; null otherwise. As stdin: made on first use, flows with the event loop. */
  get stdout(): Readable | null { return (this.pipes ??= new PipeStreams(this.stdio)).stdout; }

  /** Its stderr when spawned with stderr 'pipe' (see stdout); null otherwise. */
  get stderr(): Readable | null { return (this.pipes ??= new PipeStreams(this.stdio)).stderr; }

  /** For a program spawned with SpawnOptions.seccompFilter: true when the spawn trampoline
   * installed the filter, false when the kernel refused it (the program runs without it);
   * undefined for any other tracee. */
  get seccompFilterInstalled(): boolean | undefined { return this.bookkeeping.filterInstalled; }

  /** The tid of the thread that created this one (fork, vfork or clone), if known. */
  get parentTid(): number | undefined { return this.parent; }

  /** Spawned tracees (and their descendants) are killed when the tracer closes; attached
   * ones (and theirs) are detached. */
  get origin(): TraceeOrigin { return this.originKind; }

  /** The process (thread group) id; read from /proc the first time for auto-attached clones. */
  get pid(): number {
    return (this.knownPid ??= readTgid(this.tid));
  }

  /** The process id if already known, without reading /proc. */
  get pidIfKnown(): number | undefined {
    return this.knownPid;
  }

  /** @internal Links a new child to the thread that created it. `pid` is its own tid for a
   * fork or vfork child; unknown for clone (a thread or a process, depending on flags). */
  adoptFrom(parent: Tracee, pid: number | undefined): void {
    this.parent = parent.tid;
    this.originKind = parent.origin;
    if (pid !== undefined) this.knownPid = pid;
  }

  get isThreadGroupLeader(): boolean {
    return this.pid === this.tid;
  }

  // ---- registers ----

  /** Reads the general-purpose registers (PTRACE_GETREGSET, NT_PRSTATUS) into this tracee's
   * reusable Registers view and returns it: valid until the next getRegisters() call. */
  getRegisters(): Registers {
    const regs = this.regs;
    const iov = this.regsIov;
    iov[0] = this.libc.address(regs.bytes);
    iov[1] = BigInt(REGS_SIZE);
    checked(this.libc.ptraceBuf(PTRACE.GETREGSET, this.tid, NT.PRSTATUS, iov), 'PTRACE_GETREGSET', this.tid);
    // A thread running 32-bit code (cs 0x23) gets the 32-bit regset view: the kernel picks
    // the view from the tracee's mode. PTRACE_GETREGS always answers with the 64-bit layout.
    this.compatMode = iov[1] !== BigInt(REGS_SIZE);
    if (this.compatMode) checked(this.libc.ptraceBuf(PTRACE.GETREGS, this.tid, 0, regs.bytes), 'PTRACE_GETREGS', this.tid);
    return regs;
  }

  /** Writes general-purpose registers (default: the view getRegisters() returned). */
  setRegisters(regs: Registers = this.regs): void {
    if (this.compatMode || regs.cs !== USER64_CS) {
      checked(this.libc.ptraceBuf(PTRACE.SETREGS, this.tid, 0, regs.bytes), 'PTRACE_SETREGS', this.tid);
      return;
    }
    const iov = this.regsIov;
    iov[0] = this.libc.address(regs.bytes);
    iov[1] = BigInt(REGS_SIZE);
    checked(this.libc.ptraceBuf(PTRACE.SETREGSET, this.tid, NT.PRSTATUS, iov), 'PTRACE_SETREGSET', this.tid);
  }

  /** The FP/SSE registers (NT_PRFPREG: the 512-byte FXSAVE area: x87, MXCSR, xmm0-15). */
  getFpRegisters(): Buffer {
    return this.getRegset(NT.PRFPREG, FPREGS_SIZE, 'PTRACE_GETREGSET(NT_PRFPREG)');
  }

  setFpRegisters(bytes: Buffer): void {
    this.setRegset(NT.PRFPREG, bytes, 'PTRACE_SETREGSET(NT_PRFPREG)');
  }

  /** The XSAVE area (NT_X86_XSTATE: AVX and beyond); its size depends on the CPU. */
  getXState(): Buffer {
    return this.getRegset(NT.X86_XSTATE, MAX_XSTATE_SIZE, 'PTRACE_GETREGSET(NT_X86_XSTATE)');
  }

  setXState(bytes: Buffer): void {
    this.setRegset(NT.X86_XSTATE, bytes, 'PTRACE_SETREGSET(NT_X86_XSTATE)');
  }

  /** Reads a word of `struct user` (PTRACE_PEEKUSER), e.g. debug registers. */
  peekUser(offset: number): bigint {
    const buf = pinnedBuffer(8);
    checked(this.libc.syscallPtr(SYS_ptrace, PTRACE.PEEKUSER, this.tid, offset, buf), 'PTRACE_PEEKUSER', this.tid);
    return buf.readBigUInt64LE(0);
  }

  pokeUser(offset: number, value: bigint): void {
    checked(this.libc.ptrace(PTRACE.POKEUSER, this.tid, offset, BigInt.asUintN(64, value)), 'PTRACE_POKEUSER', this.tid);
  }

  private getRegset(type: number, size: number, operation: string): Buffer {
    const buf = pinnedBuffer(size);
    const iov = new BigUint64Array([this.libc.address(buf), BigInt(size)]);
    checked(this.libc.ptraceBuf(PTRACE.GETREGSET, this.tid, type, iov), operation, this.tid);
    return Buffer.from(buf.subarray(0, Number(iov[1])));
  }

  private setRegset(type: number, bytes: Buffer, operation: string): void {
    const buf = pinnedBuffer(bytes.length);
    buf.set(bytes);
    const iov = new BigUint64Array([this.libc.address(buf), BigInt(bytes.length)]);
    checked(this.libc.ptraceBuf(PTRACE.SETREGSET, this.tid, type, iov), operation, this.tid);
  }

  // ---- memory shortcuts ----

  peek(address: Address): bigint { return this.memory.peek(address); }
  poke(address: Address, value: bigint): void { this.memory.poke(address, value); }
  read(address: Address, length: number): Buffer { return this.memory.read(address, length); }
  write(address: Address, data: Uint8Array): void { this.memory.write(address, data); }
  readCString(address: Address, maxLength?: number): string { return this.memory.readCString(address, maxLength); }

  // ---- stop information ----

  /** PTRACE_GET_SYSCALL_INFO: entry, exit or seccomp details at a syscall stop. */
  getSyscallInfo(): SyscallInfo {
    checked(this.libc.ptraceBuf(PTRACE.GET_SYSCALL_INFO, this.tid, SYSCALL_INFO_SIZE, this.infoBuf), 'PTRACE_GET_SYSCALL_INFO', this.tid);
    return decodeSyscallInfo(this.infoBuf, this.infoWords);
  }

  /** PTRACE_SET_SYSCALL_INFO (Linux 6.16+), the counterpart of getSyscallInfo(): changes the
   * call at this syscall stop in one request. At an entry or seccomp stop (`op` 'entry' or
   * 'seccomp'), its number and six arguments (missing ones are 0; a number of -1 skips the
   * call); at an exit stop ('exit'), its result. `op` must be the stop's own: the kernel does
   * not change a stop's kind (InvalidArgumentError, EINVAL). On a kernel without the request,
   * InvalidArgumentError with errno EIO (see canSetSyscallInfo()). */
  setSyscallInfo(change: SyscallInfoChange): void {
    const buf = encodeSyscallInfo(change, AUDIT_ARCH, this.setInfoBuf ??= pinnedBuffer(SYSCALL_INFO_SIZE));
    checked(this.libc.ptraceBuf(PTRACE.SET_SYSCALL_INFO, this.tid, SYSCALL_INFO_SIZE, buf), 'PTRACE_SET_SYSCALL_INFO', this.tid);
  }

  /** Whether this kernel has PTRACE_SET_SYSCALL_INFO (Linux 6.16+), asked with an empty
   * request on this thread, which must be in a ptrace-stop: a kernel that knows the request
   * rejects it with EINVAL, one that does not with EIO. Any other failure is thrown. */
  canSetSyscallInfo(): boolean {
    if (this.libc.ptraceBuf(PTRACE.SET_SYSCALL_INFO, this.tid, 0, this.infoBuf) !== -1) return true;
    const errno = this.libc.errno();
    if (errno === ERRNO.EIO) return false;
    if (errno === ERRNO.EINVAL) return true;
    throw systemError('PTRACE_SET_SYSCALL_INFO', errno, this.tid);
  }

  /** @internal What the last fetchSyscallInfoRaw() got, without asking again (the tracer's
   * fast lane fetched it at this stop already). */
  fetchedSyscallInfoRaw(): { bytes: Buffer; words: BigUint64Array; args: BigUint64Array } {
    return this.infoView;
  }

  /** The raw syscall-info buffer, refreshed; for hot paths that decode only what they need. */
  fetchSyscallInfoRaw(): { bytes: Buffer; words: BigUint64Array; args: BigUint64Array } {
    // The buffer's address as a plain integer: koffi passes integers faster than buffers, and
    // this runs at every syscall stop.
    checked(this.libc.ptrace(PTRACE.GET_SYSCALL_INFO, this.tid, SYSCALL_INFO_SIZE, this.infoBlock.address), 'PTRACE_GET_SYSCALL_INFO', this.tid);
    return this.infoView;
  }

  getSigInfo(): SigInfo {
    const shared = sharedBuffers();
    checked(this.libc.ptrace(PTRACE.GETSIGINFO, this.tid, 0, shared.sigInfoAt), 'PTRACE_GETSIGINFO', this.tid);
    return decodeSigInfo(shared.sigInfo); // a copy
  }

  /** Replaces the pending signal's siginfo (at a signal-delivery-stop). */
  setSigInfo(info: SigInfo | Buffer): void {
    const buf = pinnedBuffer(SIGINFO_SIZE);
    buf.set(Buffer.isBuffer(info) ? info.subarray(0, SIGINFO_SIZE) : info.raw);
    checked(this.libc.ptraceBuf(PTRACE.SETSIGINFO, this.tid, 0, buf), 'PTRACE_SETSIGINFO', this.tid);
  }

  /** PTRACE_GETEVENTMSG: the new child's tid, the exit status, the former tid at exec... */
  getEventMessage(): bigint {
    const shared = sharedBuffers();
    checked(this.libc.ptrace(PTRACE.GETEVENTMSG, this.tid, 0, shared.messageAt), 'PTRACE_GETEVENTMSG', this.tid);
    return shared.message[0]!;
  }

  /** Changes the ptrace options of this thread (inherited by children traced later). */
  setOptions(options: number): void {
    checked(this.libc.ptrace(PTRACE.SETOPTIONS, this.tid, 0, options), 'PTRACE_SETOPTIONS', this.tid);
  }

  // ---- resuming ----

  /** Resumes; `signal` is delivered (at a signal-delivery-stop) or 0 to suppress it. */
  cont(signal: SignalArg = 0): void { this.resume(PTRACE.CONT, 'PTRACE_CONT', signal); }
  /** Resumes until the next syscall entry or exit. */
  syscall(signal: SignalArg = 0): void { this.resume(PTRACE.SYSCALL, 'PTRACE_SYSCALL', signal); }
  /** Executes one instruction. */
  singleStep(signal: SignalArg = 0): void { this.resume(PTRACE.SINGLESTEP, 'PTRACE_SINGLESTEP', signal); }
  /** Stops at the next syscall entry without running it (the syscall is emulated). */
  sysemu(signal: SignalArg = 0): void { this.resume(PTRACE.SYSEMU, 'PTRACE_SYSEMU', signal); }
  sysemuSingleStep(signal: SignalArg = 0): void { this.resume(PTRACE.SYSEMU_SINGLESTEP, 'PTRACE_SYSEMU_SINGLESTEP', signal); }

  /** At a group-stop: stay stopped but report a SIGCONT or another stop (SEIZE semantics). */
  listen(): void {
    checked(this.libc.ptrace(PTRACE.LISTEN, this.tid, 0, 0), 'PTRACE_LISTEN', this.tid);
    this.noteRequest(PTRACE.LISTEN);
  }

  /** Asks a running thread to stop; an `interrupt` stop follows. */
  interrupt(): void {
    checked(this.libc.ptrace(PTRACE.INTERRUPT, this.tid, 0, 0), 'PTRACE_INTERRUPT', this.tid);
  }

  /** Stops tracing this thread (it must be in a ptrace-stop), optionally delivering a signal. */
  detach(signal: SignalArg = 0): void {
    checked(this.libc.ptrace(PTRACE.DETACH, this.tid, 0, signalNumber(signal)), 'PTRACE_DETACH', this.tid);
    this.tracer.forget(this);
  }

  /** Sends a signal to this thread (tgkill). */
  signal(signal: SignalArg): void {
    checked(this.libc.syscall6(SYS_tgkill, this.pid, this.tid, signalNumber(signal), 0, 0, 0), 'tgkill', this.tid);
  }

  /** Sends SIGKILL to the whole process. Never throws for a process already gone. */
  kill(): void {
    if (this.libc.kill(this.pid, 9) === -1 && this.libc.errno() !== ERRNO.ESRCH) {
      throw systemError('kill', this.libc.errno(), this.tid);
    }
  }

  private resume(request: number, operation: string, signal: SignalArg): void {
    const r = this.libc.ptrace(request, this.tid, 0, typeof signal === 'number' ? signal : signalNumber(signal));
    if (r === -1) throw systemError(operation, this.libc.errno(), this.tid);
    this.markResumed(request);
  }

  /** The bookkeeping of a resuming request that succeeded (the resume methods', a batch's). */
  private markResumed(request: number): void {
    const book = this.bookkeeping;
    book.state = 'running';
    book.resumes++;
    // Only PTRACE_SYSCALL reports the exit of a call that has been entered.
    if (request !== PTRACE.SYSCALL) book.inSyscall = false;
  }

  /** @internal Records a request that succeeded on this thread, as the resume, listen() and
   * detach() methods do: for a request issued by other means (a ptrace-multi batch). */
  noteRequest(request: number): void {
    const book = this.bookkeeping;
    if (request === PTRACE.DETACH) {
      this.tracer.forget(this);
    } else if (request === PTRACE.LISTEN) {
      book.state = 'running';
      book.resumes++;
      book.listening = true;
    } else if (RESUMING.has(request)) {
      this.markResumed(request);
    }
  }

  toString(): string {
    return `Tracee(${this.tid})`;
  }
}

function readTgid(tid: number): number {
  const tgid = readProcStatusNumber(tid, 'Tgid');
  if (tgid !== undefined) return tgid;
  throw new TraceeGoneError(`tid ${tid} is gone`, { errno: ERRNO.ESRCH, operation: 'read /proc/TID/status', tid });
}

/** Out-buffers of the requests whose result is copied out at once (GETSIGINFO, GETEVENTMSG):
 * one set for every tracee of the thread, since a request completes before the next begins,
 * passed by address (koffi passes an integer faster than a buffer). */
let shared: { sigInfo: Buffer; sigInfoAt: number; message: BigUint64Array; messageAt: number } | undefined;
function sharedBuffers(): NonNullable<typeof shared> {
  if (shared === undefined) {
    const libc = getLibc();
    const sigInfo = pinnedBuffer(SIGINFO_SIZE);
    const message = new BigUint64Array(new ArrayBuffer(8));
    shared = { sigInfo, sigInfoAt: Number(libc.address(sigInfo)), message, messageAt: Number(libc.address(message)) };
  }
  return shared;
}
