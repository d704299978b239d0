// DAP's dataBreakpointInfo and setDataBreakpoints arguments, checked and turned into the
// engine's terms (a frame id is the session's: it becomes a thread and a frame index here).
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DataAccessType, DataBreakpointQuery, DataBreakpointSpec, EvaluationTarget } from '../engine/protocol.js';

export function dataBreakpointQuery(args: DebugProtocol.DataBreakpointInfoArguments, target: (frameId: number | undefined) => EvaluationTarget): DataBreakpointQuery {
  if (typeof args?.name !== 'string') throw new Error('dataBreakpointInfo: "name" must be a string');
  if (args.bytes !== undefined && (typeof args.bytes !== 'number' || !Number.isSafeInteger(args.bytes) || args.bytes <= 0)) {
    throw new Error('dataBreakpointInfo: "bytes" must be a positive integer');
  }
  const reference = typeof args.variablesReference === 'number' && args.variablesReference > 0 && args.asAddress !== true ? args.variablesReference : undefined;
  // A frame id only matters for an expression (a variablesReference names its own frame).
  const where = reference === undefined && typeof args.frameId === 'number' ? target(args.frameId) : {};
  return {
    name: args.name, ...where,
    ...(reference === undefined ? {} : { variablesReference: reference }),
    ...(args.asAddress === true ? { asAddress: true } : {}),
    ...(args.bytes === undefined ? {} : { bytes: args.bytes }),
  };
}

export function dataBreakpointSpecs(args: DebugProtocol.SetDataBreakpointsArguments): DataBreakpointSpec[] {
  const requested = args?.breakpoints;
  if (!Array.isArray(requested) || requested.some((bp) => typeof bp?.dataId !== 'string')) {
    throw new Error('setDataBreakpoints: "breakpoints" must be an array of { dataId }');
  }
  return requested.map((bp) => ({
    dataId: bp.dataId,
    ...(typeof bp.accessType === 'string' ? { accessType: bp.accessType as DataAccessType } : {}),
    ...(typeof bp.condition === 'string' ? { condition: bp.condition } : {}),
    ...(typeof bp.hitCondition === 'string' ? { hitCondition: bp.hitCondition } : {}),
  }));
}
