// From a variable's location description to where its value is in the stopped program.
import { evaluateLocation, evaluateValue } from '../expression/evaluator.js';
import type { ExpressionContext, Location } from '../expression/location.js';
import type { FunctionInfo } from '../functions/function-index.js';
import { expressionAt, type LocationDescription } from '../locations/location-description.js';

/**
 * The value of a function's DW_AT_frame_base at `pc` (a file address), for DW_OP_fbreg. gcc uses
 * DW_OP_call_frame_cfa, so `context.cfa` must be set (from the CFI row of the pc).
 */
export function evaluateFrameBase(fn: FunctionInfo, pc: bigint, context: ExpressionContext): bigint | undefined {
  const description = fn.frameBase;
  if (description === undefined) return undefined;
  const expression = expressionAt(description, pc);
  return expression === undefined ? undefined : evaluateValue(expression, context);
}

/**
 * Where the value described by `description` is when the program is stopped at `pc` (a file
 * address: location lists are chosen with it). Constants become implicit values of `byteSize`
 * bytes (8 when the size is unknown).
 */
export function locate(description: LocationDescription, pc: bigint, context: ExpressionContext, byteSize = 8): Location {
  switch (description.kind) {
    case 'none':
      return { kind: 'optimized-out' };
    case 'constant': {
      if (Buffer.isBuffer(description.value)) return { kind: 'implicit-value', bytes: description.value };
      const bytes = Buffer.alloc(Math.max(byteSize, 8));
      bytes.writeBigUInt64LE(BigInt.asUintN(64, description.value));
      return { kind: 'implicit-value', bytes: bytes.subarray(0, byteSize) };
    }
    default: {
      const expression = expressionAt(description, pc);
      if (expression === undefined || expression.length === 0) return { kind: 'optimized-out' };
      return evaluateLocation(expression, context);
    }
  }
}
