// `next` and `stepIn`: run until the thread reaches the start of a different source line.
//
// The thread executes one instruction at a time inside the current line (the others stay
// stopped), except for calls: `next` runs over a call at full speed to a temporary breakpoint
// at its return address, accepted only when the stack pointer is back where it was before the
// call, so that a recursive call of the same function returning there does not end the step.
// `stepIn` enters the callee and runs to the end of its prologue, when it has line information;
// callees without it (libc without debug info, PLT stubs) are stepped over the same way.
//
// A step stops only at the start of an is_stmt row of another line (or of the same line in the
// caller after a return): landing in the middle of a line means stepping on to its end.
import type { ModuleMap } from '../modules/module-map.js';
import type { RunControl } from '../engine/run-control.js';
import type { ThreadState } from '../engine/thread-state.js';
import { callerOf } from '../stack/call-stack.js';
import type { SoftwareBreakpoints } from '../breakpoints/software-breakpoints.js';
import { decodeInstruction, MAX_INSTRUCTION_LENGTH, type DecodedInstruction } from './instruction.js';
import { linePositionAt, type LinePosition } from './line-ranges.js';
import { afterPrologue } from './prologue.js';

export type LineStepMode = 'over' | 'into';

/** How many instructions of a PLT stub are followed to see where it jumps. */
const PLT_STEPS = 8;

export interface StepContext {
  readonly run: RunControl;
  readonly modules: ModuleMap;
  readonly breakpoints: SoftwareBreakpoints;
}

export class LineStep {
  private position: LinePosition | undefined;

  constructor(private readonly context: StepContext, private readonly thread: ThreadState, private readonly mode: LineStepMode) {}

  start(): void {
    this.position = linePositionAt(this.context.modules, this.thread.pc);
    if (this.position === undefined) this.leaveCodeWithoutLines();
    else this.step();
  }

  /** Stepping by instruction (DAP granularity "instruction"): one instruction, or over a call when `over`. */
  stepOneInstruction(over: boolean): void {
    const registers = this.thread.registers();
    const rsp = registers.rsp;
    const instruction = this.decode(registers.rip);
    const { run } = this.context;
    const done = (): void => run.report({ reason: 'step', thread: this.thread });
    if (over && instruction.kind === 'call') run.runUntil({ thread: this.thread, address: instruction.nextPc, accept: (r) => r.rsp >= rsp, reached: done });
    else run.stepInstruction(this.thread, done);
  }

  private step(): void {
    const registers = this.thread.registers();
    const pc = registers.rip;
    const rsp = registers.rsp;
    const instruction = this.decode(pc);
    const { run } = this.context;
    if (instruction.kind === 'call' && this.mode === 'over') {
      run.runUntil({ thread: this.thread, address: instruction.nextPc, accept: (r) => r.rsp >= rsp, reached: () => this.afterStep(false) });
    } else if (instruction.kind === 'call') {
      run.stepInstruction(this.thread, () => this.enteredCall(instruction.nextPc, rsp, 0));
    } else {
      run.stepInstruction(this.thread, () => this.afterStep(instruction.kind === 'return'));
    }
  }

  private afterStep(returned: boolean): void {
    const pc = this.thread.pc;
    const current = this.position!;
    if (!returned && pc >= current.start && pc < current.end) {
      this.step();
      return;
    }
    const position = linePositionAt(this.context.modules, pc);
    if (position === undefined) {
      this.leaveCodeWithoutLines();
      return;
    }
    const otherLine = position.line !== current.line || position.file !== current.file || position.table !== current.table;
    if (position.isStatementStart && (otherLine || returned)) {
      this.context.run.report({ reason: 'step', thread: this.thread });
      return;
    }
    // The middle of a line (back in the caller after a return, or a jump into it), or the same
    // line again (a loop on one line): step on to the end of it.
    this.position = position;
    this.step();
  }

  /** `stepIn` executed a call: the thread is at the callee's first instruction. */
  private enteredCall(returnAddress: bigint, rspBeforeCall: bigint, pltSteps: number): void {
    const { modules, run } = this.context;
    const pc = this.thread.pc;
    const module = modules.moduleAt(pc);
    const fn = module === undefined ? undefined : safely(() => module.symbols.functionAt(pc - module.bias));
    if (module !== undefined && fn !== undefined && linePositionAt(modules, pc) !== undefined) {
      const body = afterPrologue(module, fn) + module.bias;
      if (body === pc) run.report({ reason: 'step', thread: this.thread });
      else run.runUntil({ thread: this.thread, address: body, accept: () => true, reached: () => run.report({ reason: 'step', thread: this.thread }) });
      return;
    }
    if (module !== undefined && pltSteps < PLT_STEPS && inPlt(module.symbols.elf.sectionContaining(pc - module.bias)?.name)) {
      // A PLT stub jumps to the function through the GOT: follow it to see where it lands.
      run.stepInstruction(this.thread, () => this.enteredCall(returnAddress, rspBeforeCall, pltSteps + 1));
      return;
    }
    // No line information in the callee: come back out of it.
    run.runUntil({ thread: this.thread, address: returnAddress, accept: (r) => r.rsp >= rspBeforeCall, reached: () => this.afterStep(false) });
  }

  /** The thread is in code without line information: run to its caller, then go on stepping. */
  private leaveCodeWithoutLines(): void {
    const { run, modules } = this.context;
    const frames = callerOf(this.thread.tracee, modules);
    const cfa = frames?.frame.cfa;
    if (frames === undefined || cfa === undefined) {
      // Nowhere to return to (the entry point): one instruction is the best "step".
      run.stepInstruction(this.thread, () => run.report({ reason: 'step', thread: this.thread }));
      return;
    }
    run.runUntil({
      thread: this.thread, address: frames.caller.pc, accept: (r) => r.rsp >= cfa, reached: () => {
        this.position = linePositionAt(modules, this.thread.pc);
        if (this.position === undefined) this.leaveCodeWithoutLines();
        else this.afterStep(true);
      },
    });
  }

  private decode(pc: bigint): DecodedInstruction {
    const bytes = Buffer.alloc(MAX_INSTRUCTION_LENGTH);
    const length = this.thread.tracee.memory.readAvailable(pc, bytes);
    return decodeInstruction(this.context.breakpoints.unpatch(pc, bytes.subarray(0, length)), pc);
  }
}

function inPlt(section: string | undefined): boolean {
  return section === '.plt' || section === '.plt.sec' || section === '.plt.got';
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
