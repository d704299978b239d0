// What a data breakpoint watches, found from what dataBreakpointInfo names: a value in memory
// (a variable, a member, an element, an expression with an address) or a bare address range.
import type { DataBreakpointQuery } from '../engine/protocol.js';
import type { FrameEnvironment } from '../inspect/frame-state.js';
import { FrameState } from '../inspect/frame-state.js';
import type { Inspector } from '../inspect/inspector.js';
import { sizeOfType, typeName } from '../symbols/index.js';
import { formatValue } from '../values/format-value.js';
import { integerOf, type Value } from '../values/value.js';
import type { DataTarget, WatchScope } from './data-breakpoints.js';

/** What finding a target needs of the engine: the stopped program's frames and values. */
export interface TargetContext {
  readonly inspector: Inspector;
  readonly environment: FrameEnvironment;
  /** Every thread is stopped (frames and variable references exist). */
  readonly stopped: boolean;
  /** The thread and frame an expression is evaluated in (the query's, or the last stop's); throws when the program runs. */
  where(query: DataBreakpointQuery): { threadId: number; frameIndex: number };
}

/** What a dataBreakpointInfo query names; throws with the message the user sees when it cannot be watched. */
export function queryTarget(query: DataBreakpointQuery, context: TargetContext): DataTarget {
  const { inspector, environment } = context;
  if (query.asAddress === true) {
    const frame = context.stopped ? () => { const { threadId, frameIndex } = context.where(query); return inspector.frame(threadId, frameIndex); } : undefined;
    return addressTarget(query.name, query.bytes, frame, inspector);
  }
  if (query.variablesReference !== undefined && query.variablesReference !== 0) {
    if (!context.stopped) throw new Error('the debuggee is running');
    const { value, frame } = inspector.childValue(query.variablesReference, query.name);
    return valueTarget(value, frame, query.name, inspector, environment);
  }
  const { threadId, frameIndex } = context.where(query);
  const { value, frame } = inspector.valueIn(threadId, frameIndex, query.name);
  return valueTarget(value, frame, query.name, inspector, environment);
}

/** The x86-64 red zone: a leaf function's locals may sit this far below the stack pointer. */
const RED_ZONE = 128n;

/** The memory a value occupies, as a target; throws with a message the user sees when it has none. */
export function valueTarget(value: Value, frame: FrameState | undefined, name: string, inspector: Inspector, environment: FrameEnvironment): DataTarget {
  if (value.bits !== undefined) throw new Error(`${name} is a bit-field: a data breakpoint watches whole bytes (watch the word that holds it)`);
  if (value.place.kind !== 'memory') {
    const where = value.place.kind === 'register' ? 'lives in a register' : value.place.kind === 'unavailable' ? `is ${value.place.reason}` : 'is a computed value';
    throw new Error(`${name} ${where}: only a value in memory can be watched`);
  }
  const size = sizeOfType(value.type);
  if (size === undefined || size <= 0) throw new Error(`${name} has no size (${typeName(value.type)})`);
  const { type } = value;
  const address = value.place.address;
  return {
    address, size, name,
    ...(frame === undefined ? {} : scopeOf(address, frame, inspector)),
    format: (bytes, thread) => formatValue({ type, place: { kind: 'bytes', bytes } }, FrameState.innermost(thread.tracee, environment)),
  };
}

/** `bytes` bytes at an address given as a number or as an expression whose value is one (`&buffer[4]`, `p`). */
export function addressTarget(text: string, bytes: number | undefined, frame: (() => FrameState) | undefined, inspector: Inspector): DataTarget {
  const size = bytes ?? 1;
  if (!Number.isSafeInteger(size) || size <= 0) throw new Error(`cannot watch ${String(bytes)} bytes`);
  let address: bigint;
  if (/^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(text)) {
    address = BigInt(text.trim());
  } else {
    if (frame === undefined) throw new Error(`"${text}" is not an address`);
    const at = frame();
    address = integerOf(inspector.evaluateInFrame(at, text), at);
  }
  return { address, size, name: `*(char (*)[${size}]) 0x${address.toString(16)}` };
}

/**
 * A value in the stack of its frame's thread, between the innermost stack pointer and the
 * frame's CFA, belongs to that frame: it is watched until the frame returns (gdb's scope).
 */
function scopeOf(address: bigint, frame: FrameState, inspector: Inspector): { scope?: WatchScope } {
  const threadId = frame.tracee.tid;
  let sp: bigint;
  let cfa: bigint | undefined;
  let returnAddress: bigint;
  try {
    sp = frame.tracee.getRegisters().rsp;
    cfa = frame.cfa;
    if (cfa === undefined || address < sp - RED_ZONE || address >= cfa) return {};
    returnAddress = inspector.frame(threadId, frame.index + 1).pc;
  } catch {
    return {}; // no caller known: it stays until the user removes it
  }
  return { scope: { threadId, cfa, returnAddress } };
}
