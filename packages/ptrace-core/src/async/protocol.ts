// Messages between AsyncTracer (main thread) and the tracer worker. Everything here must
// survive structured cloning: stops lose their Tracee objects (the main side rebuilds them
// from tids), Registers travel as bytes, errors as plain records rebuilt into their classes.
import {
  InvalidArgumentError, MemoryAccessError, NotTraceableError, PermissionError, PtraceError,
  SpawnError, TraceeGoneError, UnsupportedPlatformError,
} from '../errors.js';
import type { Stop } from '../stops.js';

/** Tracee methods the main thread may call in the worker. */
export const TRACEE_METHODS = [
  'getRegisters', 'setRegisters', 'getFpRegisters', 'setFpRegisters', 'getXState', 'setXState',
  'peekUser', 'pokeUser', 'peek', 'poke', 'read', 'write', 'readCString', 'getSyscallInfo', 'setSyscallInfo', 'canSetSyscallInfo', 'getSigInfo', 'setSigInfo', 'getEventMessage', 'setOptions',
  'cont', 'syscall', 'singleStep', 'sysemu', 'sysemuSingleStep', 'listen', 'interrupt', 'detach',
  'signal', 'kill',
] as const;
export type TraceeMethod = (typeof TRACEE_METHODS)[number];

export type Request =
  | { id: number; op: 'spawn'; program: string; args: string[]; options: unknown }
  | { id: number; op: 'command'; name: string; args: unknown[] }
  | { id: number; op: 'attach'; pid: number; options: unknown }
  | { id: number; op: 'tracee'; tid: number; method: TraceeMethod; args: unknown[] }
  | { id: number; op: 'close' };

export interface TraceeInfo {
  tid: number;
  pid: number;
  stdio: { stdin?: number; stdout?: number; stderr?: number };
}

/** A stop as it crosses threads: the tracee is named by tid; a fork's child travels as info. */
export type WireStop = DistributiveOmit<Stop, 'tracee' | 'child'> & { pid: number; child?: TraceeInfo };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type Reply =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: WireError }
  | { type: 'stop'; stop: WireStop }
  | { type: 'event'; event: unknown }
  | { type: 'ready'; sentinelPid: number }
  | { type: 'fatal'; error: WireError };

export interface WireError {
  name: string;
  message: string;
  stack?: string;
  errno?: number;
  operation?: string;
  tid?: number;
  address?: bigint;
  transferred?: number;
  path?: string;
}

export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const e = error as Error & Partial<WireError>;
  return {
    name: e.name, message: e.message, stack: e.stack, errno: e.errno, operation: e.operation,
    tid: e.tid, address: e.address, transferred: e.transferred, path: e.path,
  };
}

export function fromWireError(wire: WireError): Error {
  const details = { errno: wire.errno ?? 0, operation: wire.operation ?? 'worker', tid: wire.tid };
  let error: Error;
  switch (wire.name) {
    case 'TraceeGoneError': error = new TraceeGoneError(wire.message, details); break;
    case 'PermissionError': error = new PermissionError(wire.message, details); break;
    case 'NotTraceableError': error = new NotTraceableError(wire.message, details); break;
    case 'InvalidArgumentError': error = new InvalidArgumentError(wire.message, details); break;
    case 'MemoryAccessError':
      error = new MemoryAccessError(wire.message, { ...details, address: wire.address ?? 0n, transferred: wire.transferred ?? 0 });
      break;
    case 'SpawnError': error = new SpawnError(wire.message, { ...details, path: wire.path ?? '' }); break;
    case 'PtraceError': error = new PtraceError(wire.message, details); break;
    case 'UnsupportedPlatformError': error = new UnsupportedPlatformError(wire.message); break;
    default: error = Object.assign(new Error(wire.message), { name: wire.name });
  }
  if (wire.stack) error.stack = `${error.name}: ${error.message}\n    (in the tracer worker)\n${wire.stack.split('\n').slice(1).join('\n')}`;
  return error;
}
