// Stop decoding: from a wait status, and what the kernel tells at the stop (the syscall info,
// the siginfo, the event message), to one typed Stop (see stops.ts).
//
// The kind is decided from the whole wait status before WSTOPSIG is looked at, as ptrace(2)
// requires: a syscall stop (SIGTRAP|0x80), an event stop (status >> 16), a group-stop and a
// signal-delivery-stop can all carry the same signal number. The decoder also keeps each
// thread's bookkeeping (state, in or out of a syscall, the call's number) that the decoding of
// its next stops needs; what a stop does to the set of tracees (a new child, an exec that
// replaced a thread, an exit) it hands to its host, the wait loop.
import { AUDIT_ARCH } from './arch/index.js';
import { PtraceError, TraceeGoneError } from './errors.js';
import { PTRACE_EVENT, SYSCALL_INFO_OP } from './native/constants.js';
import { SIGNALS, STOP_SIGNALS } from './native/signals.js';
import { readArgs } from './syscall-info.js';
import type { Tracee } from './tracee.js';
import type { Stop } from './stops.js';
import * as ws from './wait-status.js';

/** What the decoder asks of the wait loop. */
export interface StopDecoderHost {
  /** The thread whose syscall info the fast lane fetched at this stop already (one
   * PTRACE_GET_SYSCALL_INFO per stop, not two). */
  readonly prefetched: Tracee | undefined;
  /** The thread exited or was killed: it is no longer traced. */
  gone(tracee: Tracee): void;
  /** A fork, vfork or clone event of `parent` names `childTid`: the child's Tracee. */
  childCreated(parent: Tracee, childTid: number, kind: 'fork' | 'vfork' | 'clone'): Tracee;
  /** `leader` completed an exec that `formerTid` called (the same tid unless a non-leader
   * thread exec'd). */
  execCompleted(leader: Tracee, formerTid: number): void;
}

/** The Stop of `tracee` for this wait status; undefined when the thread was killed between
 * the wait and the requests that decoding makes (its exit is reported next). */
export function decodeStop(host: StopDecoderHost, tracee: Tracee, status: number): Stop | undefined {
  const tid = tracee.tid;
  const book = tracee.bookkeeping;
  if (ws.exited(status)) {
    host.gone(tracee);
    return { kind: 'exited', tid, tracee, status, code: ws.exitCode(status) };
  }
  if (ws.signaled(status)) {
    host.gone(tracee);
    return { kind: 'killed', tid, tracee, status, signal: ws.termSignal(status), coreDumped: ws.coreDumped(status) };
  }
  book.state = 'stopped';
  const signal = ws.stopSignal(status);
  if (ws.stopEvent(status) !== PTRACE_EVENT.STOP) book.listening = false;
  let stop: Stop;
  try {
    if (signal === (SIGNALS.SIGTRAP | 0x80)) {
      stop = syscallStop(tracee, status);
    } else {
      const event = ws.stopEvent(status);
      stop = event === 0
        ? { kind: 'signal', tid, tracee, status, signal, siginfo: tracee.getSigInfo() }
        : eventStop(host, tracee, status, event, signal);
    }
  } catch (error) {
    // Killed between the wait and our request: its exit will be reported next.
    if (error instanceof TraceeGoneError) return undefined;
    throw error;
  }
  book.lastStop = stop;
  return stop;
}

function syscallStop(tracee: Tracee, status: number): Stop {
  const { bytes, words } = tracee.fetchSyscallInfoRaw();
  const tid = tracee.tid;
  const book = tracee.bookkeeping;
  const op = bytes[0];
  if (op === SYSCALL_INFO_OP.ENTRY) {
    const nr = Number(words[3]);
    book.inSyscall = true;
    book.syscallNr = nr;
    return {
      kind: 'syscall-enter', tid, tracee, status, nr, args: readArgs(words, 4), arch: bytes.readUInt32LE(4),
      ip: words[1]!, sp: words[2]!,
    };
  }
  if (op === SYSCALL_INFO_OP.EXIT) {
    const result = BigInt.asIntN(64, words[3]!);
    const isError = bytes[32] !== 0;
    // The entry was not seen (the tracee was spawned or attached inside this call, or ran it
    // under PTRACE_CONT): the kernel still has the number in orig_rax.
    const nr = book.inSyscall ? book.syscallNr : tracee.getRegisters().syscallNumber;
    book.inSyscall = false;
    book.syscallNr = nr;
    return { kind: 'syscall-exit', tid, tracee, status, nr, result, isError };
  }
  // Kernels before 5.3 have no PTRACE_GET_SYSCALL_INFO: tell entry from exit by alternation.
  const regs = tracee.getRegisters();
  book.inSyscall = !book.inSyscall;
  if (book.inSyscall) {
    book.syscallNr = regs.syscallNumber;
    const args = [0, 1, 2, 3, 4, 5].map((i) => regs.syscallArg(i));
    return { kind: 'syscall-enter', tid, tracee, status, nr: book.syscallNr, args, arch: AUDIT_ARCH, ip: regs.pc, sp: regs.sp };
  }
  const result = regs.syscallResult;
  return { kind: 'syscall-exit', tid, tracee, status, nr: book.syscallNr, result, isError: result < 0n && result >= -4095n };
}

function eventStop(host: StopDecoderHost, tracee: Tracee, status: number, event: number, signal: number): Stop {
  const tid = tracee.tid;
  const book = tracee.bookkeeping;
  switch (event) {
    case PTRACE_EVENT.FORK:
    case PTRACE_EVENT.VFORK:
    case PTRACE_EVENT.CLONE: {
      const kind = event === PTRACE_EVENT.FORK ? 'fork' : event === PTRACE_EVENT.VFORK ? 'vfork' : 'clone';
      const child = host.childCreated(tracee, Number(tracee.getEventMessage()), kind);
      return { kind, tid, tracee, status, child };
    }
    case PTRACE_EVENT.EXEC: {
      const formerTid = Number(tracee.getEventMessage());
      host.execCompleted(tracee, formerTid);
      return { kind: 'exec', tid, tracee, status, formerTid };
    }
    case PTRACE_EVENT.VFORK_DONE:
      return { kind: 'vfork-done', tid, tracee, status, childTid: Number(tracee.getEventMessage()) };
    case PTRACE_EVENT.EXIT:
      return { kind: 'exiting', tid, tracee, status, exitStatus: Number(tracee.getEventMessage()) };
    case PTRACE_EVENT.SECCOMP: {
      const { bytes, words } = host.prefetched === tracee ? tracee.fetchedSyscallInfoRaw() : tracee.fetchSyscallInfoRaw();
      book.inSyscall = true;
      if (bytes[0] === SYSCALL_INFO_OP.SECCOMP) {
        const nr = Number(words[3]);
        book.syscallNr = nr;
        return {
          kind: 'seccomp', tid, tracee, status, nr, args: readArgs(words, 4), arch: bytes.readUInt32LE(4),
          data: bytes.readUInt32LE(80), ip: words[1]!, sp: words[2]!,
        };
      }
      // Kernels before 5.3: the registers tell the call.
      const regs = tracee.getRegisters();
      book.syscallNr = regs.syscallNumber;
      const args = [0, 1, 2, 3, 4, 5].map((i) => regs.syscallArg(i));
      return {
        kind: 'seccomp', tid, tracee, status, nr: book.syscallNr, args, arch: AUDIT_ARCH,
        data: Number(tracee.getEventMessage()), ip: regs.pc, sp: regs.sp,
      };
    }
    case PTRACE_EVENT.STOP: {
      if (STOP_SIGNALS.has(signal)) return { kind: 'group-stop', tid, tracee, status, signal };
      const cause = book.awaitingAttachStop ? 'attach'
        : book.isNewChild ? 'new-child'
        : book.listening ? 'continued'
        : 'interrupt';
      book.awaitingAttachStop = false;
      book.isNewChild = false;
      book.listening = false;
      return { kind: 'interrupt', tid, tracee, status, cause };
    }
    default:
      throw new PtraceError(`unknown ptrace event ${event} (tid ${tid})`, { errno: 0, operation: 'waitpid', tid });
  }
}
