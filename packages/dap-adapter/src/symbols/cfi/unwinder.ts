// Stack unwinding: from the registers of one frame to those of its caller, with CFI where an FDE
// covers the pc and the rbp frame-pointer chain otherwise, across modules loaded at different
// biases (the executable, libc, ld.so).
import { evaluateLocation, evaluateValue } from '../dwarf/expression/evaluator.js';
import type { ExpressionContext } from '../dwarf/expression/location.js';
import { X86_64, X86_64_CALLEE_SAVED } from '../dwarf/x86_64-registers.js';
import { SymbolsError } from '../errors.js';
import type { CallFrameInfo } from './call-frame-info.js';
import type { RegisterRule, UnwindRow } from './unwind-row.js';

/** Registers by DWARF number (see x86_64-registers.ts); 16 is rip. */
export type RegisterSet = ReadonlyMap<number, bigint>;

/** Reads target memory at a run-time address; throws when the memory is not readable. */
export type MemoryReader = (address: bigint, size: number) => Buffer;

/** A loaded module: its CFI (file addresses) and how far it was moved at load time. */
export interface UnwindModule {
  readonly cfi: CallFrameInfo | undefined;
  readonly loadBias: bigint;
}

/** Maps a run-time pc to the module that contains it. */
export type ModuleLookup = (pc: bigint) => UnwindModule | undefined;

export type UnwindMethod = 'cfi' | 'frame-pointer';

export interface UnwindFrame {
  /** Run-time pc: the current instruction for frame 0, a return address for the others. */
  readonly pc: bigint;
  /** Registers known in this frame (callee-saved ones recovered, caller-saved ones dropped). */
  readonly registers: RegisterSet;
  /** The frame's canonical frame address, once it has been unwound from. */
  cfa?: bigint;
  /** How this frame's caller was found. */
  method?: UnwindMethod;
  /** The pc to use for symbol and line lookups: pc - 1 in callers (inside the call instruction). */
  readonly lookupPc: bigint;
  /** Whether this frame was interrupted by a signal (its pc is not a return address). */
  isSignalFrame?: boolean;
}

export type UnwindStopReason =
  /** The return address is undefined (`_start`, thread start) or 0: a normal end. */
  | 'outermost'
  /** No CFI and no usable frame pointer. */
  | 'no-unwind-info'
  /** A saved register or the return address could not be read. */
  | 'memory-error'
  /** The caller's frame would not be above this one: the stack is corrupt or the CFI wrong. */
  | 'not-progressing'
  | 'frame-limit'
  /** The CFI could not be used (malformed, needs a register that is unknown). */
  | 'invalid-cfi';

export interface UnwindResult {
  readonly frames: UnwindFrame[];
  readonly stopReason: UnwindStopReason;
  /** Details for the abnormal stop reasons. */
  readonly message?: string;
}

export interface UnwindOptions {
  readonly maxFrames?: number;
}

export type StepResult = { readonly caller: UnwindFrame } | { readonly stop: UnwindStopReason; readonly message?: string };

/** Unwinds from the registers of the innermost frame (rip, rsp and whatever else is known). */
export function unwindStack(registers: RegisterSet, readMemory: MemoryReader, lookup: ModuleLookup, options: UnwindOptions = {}): UnwindResult {
  const maxFrames = options.maxFrames ?? 256;
  const pc = registers.get(X86_64.rip);
  if (pc === undefined) return { frames: [], stopReason: 'no-unwind-info', message: 'rip is unknown' };
  const frames: UnwindFrame[] = [{ pc, registers, lookupPc: pc }];
  for (;;) {
    if (frames.length >= maxFrames) return { frames, stopReason: 'frame-limit' };
    const result = unwindStep(frames[frames.length - 1]!, readMemory, lookup);
    if ('stop' in result) return { frames, stopReason: result.stop, message: result.message };
    frames.push(result.caller);
  }
}

/** Computes the caller of `frame`; fills in the frame's `cfa`, `method` and `isSignalFrame`. */
export function unwindStep(frame: UnwindFrame, readMemory: MemoryReader, lookup: ModuleLookup): StepResult {
  const module = lookup(frame.lookupPc);
  const row = module?.cfi?.rowFor(frame.lookupPc - module.loadBias);
  try {
    if (module !== undefined && row !== undefined) return unwindWithCfi(frame, row, module.loadBias, readMemory);
    return unwindWithFramePointer(frame, readMemory);
  } catch (error) {
    if (error instanceof MemoryError) return { stop: 'memory-error', message: error.message };
    if (error instanceof SymbolsError || error instanceof UnusableCfiError) return { stop: 'invalid-cfi', message: error.message };
    throw error;
  }
}

function unwindWithCfi(frame: UnwindFrame, row: UnwindRow, loadBias: bigint, readMemory: MemoryReader): StepResult {
  const context = (cfa?: bigint): ExpressionContext => ({
    readRegister: (number) => requireRegister(frame.registers, number),
    readMemory: (address, size) => read(readMemory, address, size),
    loadBias,
    cfa,
  });
  let cfa: bigint;
  switch (row.cfa.kind) {
    case 'register-offset':
      cfa = BigInt.asUintN(64, requireRegister(frame.registers, row.cfa.register) + row.cfa.offset);
      break;
    case 'expression':
      cfa = evaluateValue(row.cfa.expression, context());
      break;
    default:
      return { stop: 'invalid-cfi', message: `no CFA rule at 0x${frame.pc.toString(16)}` };
  }
  frame.cfa = cfa;
  frame.method = 'cfi';
  frame.isSignalFrame = row.isSignalFrame;

  const returnRule = row.registers.get(row.returnAddressRegister) ?? { kind: 'undefined' };
  if (returnRule.kind === 'undefined') return { stop: 'outermost' };

  // Unspecified callee-saved registers keep their value (the psABI "same value" default);
  // caller-saved ones are unknown in the caller unless a rule recovers them.
  const caller = new Map<number, bigint>();
  for (const number of X86_64_CALLEE_SAVED) {
    const value = frame.registers.get(number);
    if (value !== undefined) caller.set(number, value);
  }
  caller.set(X86_64.rsp, cfa); // the CFA is by definition the caller's stack pointer before the call
  for (const [number, rule] of row.registers) {
    const value = recover(rule, number, frame.registers, cfa, context(cfa), readMemory);
    if (value === undefined) caller.delete(number);
    else caller.set(number, value);
  }
  const returnAddress = caller.get(row.returnAddressRegister);
  if (returnAddress === undefined || returnAddress === 0n) return { stop: 'outermost' };
  caller.set(X86_64.rip, returnAddress);
  if (row.returnAddressRegister !== X86_64.rip) caller.delete(row.returnAddressRegister);

  const callerSp = caller.get(X86_64.rsp)!;
  const sp = frame.registers.get(X86_64.rsp);
  if (!row.isSignalFrame && sp !== undefined && callerSp <= sp && returnAddress === frame.pc) {
    return { stop: 'not-progressing', message: `frame at 0x${frame.pc.toString(16)} unwinds to itself` };
  }
  // After a signal frame the "return address" is the interrupted instruction itself.
  return { caller: { pc: returnAddress, registers: caller, lookupPc: row.isSignalFrame ? returnAddress : returnAddress - 1n } };
}

function recover(
  rule: RegisterRule,
  number: number,
  registers: RegisterSet,
  cfa: bigint,
  context: ExpressionContext,
  readMemory: MemoryReader,
): bigint | undefined {
  switch (rule.kind) {
    case 'undefined': return undefined;
    case 'same-value': return registers.get(number);
    case 'offset': return readWord(readMemory, BigInt.asUintN(64, cfa + rule.offset));
    case 'val-offset': return BigInt.asUintN(64, cfa + rule.offset);
    case 'register': return registers.get(rule.register);
    case 'expression': {
      const location = evaluateLocation(rule.expression, context, { initialStack: [cfa] });
      if (location.kind !== 'memory') throw new UnusableCfiError(`DW_CFA_expression for register ${number} is not an address`);
      return readWord(readMemory, location.address);
    }
    case 'val-expression':
      return evaluateValue(rule.expression, context, { initialStack: [cfa] });
  }
}

/**
 * Without CFI: assume the classic prologue `push rbp; mov rbp, rsp`, so [rbp] holds the
 * caller's rbp and [rbp + 8] the return address. Stops when rbp is 0 (the outermost frame).
 */
function unwindWithFramePointer(frame: UnwindFrame, readMemory: MemoryReader): StepResult {
  const rbp = frame.registers.get(X86_64.rbp);
  const sp = frame.registers.get(X86_64.rsp);
  if (rbp === undefined || rbp === 0n) return { stop: 'no-unwind-info', message: `no CFI at 0x${frame.pc.toString(16)} and no frame pointer` };
  if (sp !== undefined && rbp < sp) return { stop: 'no-unwind-info', message: `no CFI at 0x${frame.pc.toString(16)} and rbp is below rsp` };
  const callerRbp = readWord(readMemory, rbp);
  const returnAddress = readWord(readMemory, rbp + 8n);
  frame.cfa = rbp + 16n;
  frame.method = 'frame-pointer';
  if (returnAddress === 0n) return { stop: 'outermost' };
  const caller = new Map<number, bigint>();
  for (const number of X86_64_CALLEE_SAVED) {
    const value = frame.registers.get(number);
    if (value !== undefined) caller.set(number, value);
  }
  caller.set(X86_64.rbp, callerRbp);
  caller.set(X86_64.rsp, rbp + 16n);
  caller.set(X86_64.rip, returnAddress);
  return { caller: { pc: returnAddress, registers: caller, lookupPc: returnAddress - 1n } };
}

/** Target memory needed for the step could not be read. */
class MemoryError extends Error {}
/** The CFI needs something this frame does not have (an unknown register...). */
class UnusableCfiError extends Error {}

function read(readMemory: MemoryReader, address: bigint, size: number): Buffer {
  let bytes: Buffer;
  try {
    bytes = readMemory(address, size);
  } catch (error) {
    throw new MemoryError(`cannot read ${size} bytes at 0x${address.toString(16)}: ${(error as Error).message}`);
  }
  if (bytes.length < size) throw new MemoryError(`short read at 0x${address.toString(16)}`);
  return bytes;
}

function readWord(readMemory: MemoryReader, address: bigint): bigint {
  return read(readMemory, address, 8).readBigUInt64LE(0);
}

function requireRegister(registers: RegisterSet, number: number): bigint {
  const value = registers.get(number);
  if (value === undefined) throw new UnusableCfiError(`register ${number} is unknown in this frame`);
  return value;
}
