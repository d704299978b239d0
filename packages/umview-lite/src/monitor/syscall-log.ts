// --strace: one line per syscall the monitor saw, with arguments decoded as strace does (by
// sysvm's formatter), its result, and the process events, each prefixed with the thread id.
import { signalName, type Stop } from '@umview/ptrace-core';
import type { SyscallLogger } from './syscall-logger.js';
import type { SyscallCall, SyscallReturn } from '@umview/sysvm';
import { beginSyscall, syscallMemory, type PendingSyscall } from '@umview/sysvm/format';

export class SyscallLog implements SyscallLogger {
  private readonly pending = new Map<number, PendingSyscall>();

  constructor(private readonly write: (line: string) => void) {}

  /** At entry, once the handlers decided: a skipped call is complete; one that runs is
   * logged at its return. */
  called(call: SyscallCall): void {
    const memory = syscallMemory(call.tracee.memory);
    const pending = beginSyscall({ nr: call.nr, args: call.args }, memory);
    if (call.decision.kind === 'skip') {
      this.write(`${call.tid} ${pending.finish(call.decision.result, memory)} (virtual)`);
      return;
    }
    if (call.name === 'exit_group' || call.name === 'exit') {
      this.write(`${call.tid} ${pending.text}) = ?`);
      return;
    }
    call.runToExit();
    this.pending.set(call.tid, pending);
  }

  returned(ret: SyscallReturn): void {
    const pending = this.pending.get(ret.tid);
    if (!pending) return;
    this.pending.delete(ret.tid);
    this.write(`${ret.tid} ${pending.finish(ret.effectiveResult, syscallMemory(ret.tracee.memory))}`);
  }

  process(stop: Stop): void {
    switch (stop.kind) {
      case 'signal':
        this.write(`${stop.tid} --- ${signalName(stop.signal)} ---`);
        break;
      case 'group-stop':
        this.write(`${stop.tid} --- stopped by ${signalName(stop.signal)} ---`);
        break;
      case 'exited':
        this.flush(stop.tid);
        this.write(`${stop.tid} +++ exited with ${stop.code} +++`);
        break;
      case 'killed':
        this.flush(stop.tid);
        this.write(`${stop.tid} +++ killed by ${signalName(stop.signal)}${stop.coreDumped ? ' (core dumped)' : ''} +++`);
        break;
      default:
        break;
    }
  }

  /** A call in progress when its thread died: strace prints it unfinished. */
  private flush(tid: number): void {
    const pending = this.pending.get(tid);
    if (!pending) return;
    this.pending.delete(tid);
    this.write(`${tid} ${pending.text} <unfinished ...>) = ?`);
  }
}
