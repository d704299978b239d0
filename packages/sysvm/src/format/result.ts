// The ` = ...` part of a line: the value in the style its syscall calls for, or the error.
import { decodeFlags } from './decoders/index.js';
import { errnoMessage, errnoName, isRestartErrno, MAX_ERRNO } from './errno-text.js';
import { formatHex, formatOctal } from './escape.js';
import type { ArgContext, ResultSpec } from './types.js';

/** True when `result` is a -errno (the kernel never returns addresses in the top 4095). */
export function isErrorResult(result: bigint): boolean {
  return result < 0n && result >= -BigInt(MAX_ERRNO);
}

/** ` = -1 ENOENT (No such file or directory)`, ` = ? ERESTARTSYS (...)`. */
export function formatErrorResult(errno: number): string {
  const message = errnoMessage(errno);
  const value = isRestartErrno(errno) ? '?' : '-1';
  return ` = ${value} ${errnoName(errno)}${message ? ` (${message})` : ''}`;
}

/** The result text (with its leading ` = `) for a spec; `ctx` gives custom comments the
 * arguments and memory. */
export function formatResultValue(spec: ResultSpec, result: bigint, ctx: ArgContext): string {
  if (spec.kind === 'none') return ' = ?';
  if (isErrorResult(result)) return formatErrorResult(Number(-result));
  switch (spec.kind) {
    case 'variant':
      return formatResultValue(spec.pick(ctx.call.args), result, ctx);
    case 'ulong':
      return ` = ${BigInt.asUintN(64, result)}`;
    case 'hex':
      return ` = ${formatHex(BigInt.asUintN(64, result))}`;
    case 'octal':
      return ` = ${formatOctal(BigInt.asUintN(64, result))}`;
    case 'flags': {
      if (result === 0n && spec.zeroPlain) return ' = 0';
      return ` = ${formatHex(BigInt.asUintN(64, result))} (${spec.prefix ?? 'flags'} ${decodeFlags(spec.decoder, result)})`;
    }
    case 'custom': {
      const aux = spec.aux(ctx);
      return aux ? ` = ${result} (${aux})` : ` = ${result}`;
    }
    default:
      return ` = ${result}`;
  }
}
