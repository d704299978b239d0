// One argument, from its spec and register value to text. Arguments the kernel reads are
// printed at entry; those it writes are printed at exit, and only if the call succeeded
// (otherwise strace shows the address: the memory holds whatever it held before).
import { decodeFlags } from './decoders/index.js';
import { fileMode, permissionMode } from './decoders/files.js';
import { signalName } from './decoders/process.js';
import { formatAddress, formatHex, quoteBuffer } from './escape.js';
import { printIovecArray } from './printers/iovec.js';
import { structPrinter } from './printers/index.js';
import { int32, printCString, printPath, readBytes } from './printers/read.js';
import type { ArgContext, ArgRef, ArgSpec, ScalarKind } from './types.js';

/** A spec with its variants resolved. */
export type ResolvedArgSpec = Exclude<ArgSpec, { kind: 'variant' } | { kind: 'ignored' }>;

/** Resolves variant specs against the arguments; undefined when the argument is not shown. */
export function resolveSpec(spec: ArgSpec, args: readonly bigint[]): ResolvedArgSpec | undefined {
  let current: ArgSpec | undefined = spec;
  while (current?.kind === 'variant') current = current.pick(args);
  if (current === undefined || current.kind === 'ignored') return undefined;
  return current;
}

/** When strace prints an argument: at entry (the kernel reads it) or at exit (it writes it). */
export function phaseOf(spec: ResolvedArgSpec): 'entry' | 'exit' {
  switch (spec.kind) {
    case 'buf_out': case 'cstring_out': case 'fd_pair':
      return 'exit';
    case 'struct': case 'int_ptr': case 'iovec':
      return spec.dir === 'in' ? 'entry' : 'exit';
    case 'custom':
      return spec.at;
    default:
      return 'entry';
  }
}

/** Pointers to data whose value at entry matters for the exit text (inout integers). */
export function needsCapture(spec: ResolvedArgSpec): boolean {
  return spec.kind === 'int_ptr' && spec.dir === 'inout';
}

/** Reads the integer an int_ptr points to, for showing `[before => after]` at exit. */
export function captureValue(spec: ResolvedArgSpec, ctx: ArgContext): bigint | undefined {
  if (spec.kind !== 'int_ptr' || ctx.value === 0n) return undefined;
  return readInt(ctx, ctx.value, spec.size);
}

function refValue(ref: ArgRef, ctx: ArgContext): bigint {
  return ref === 'result' ? ctx.result ?? 0n : ctx.call.args[ref] ?? 0n;
}

function readInt(ctx: ArgContext, addr: bigint, size: 4 | 8): bigint | undefined {
  const buf = readBytes(ctx.mem, addr, size);
  if (buf === undefined) return undefined;
  return size === 4 ? BigInt(buf.readInt32LE(0)) : buf.readBigInt64LE(0);
}

function formatScalar(kind: ScalarKind, v: bigint): string {
  switch (kind) {
    case 'int': case 'fd': case 'pid': return int32(v);
    case 'uint': return String(BigInt.asUintN(32, v));
    case 'long': case 'ssize': case 'off': return String(BigInt.asIntN(64, v));
    case 'ulong': case 'size': return String(BigInt.asUintN(64, v));
    case 'ptr': return formatAddress(v);
    case 'hex': return formatHex(BigInt.asUintN(64, v));
    case 'dirfd': return BigInt.asIntN(32, v) === -100n ? 'AT_FDCWD' : int32(v);
    case 'uid': return BigInt.asUintN(32, v) === 0xffffffffn ? '-1' : String(BigInt.asUintN(32, v));
    case 'mode': return permissionMode(v);
    case 'file_mode': return fileMode(v);
    case 'signal': return signalName(v);
  }
}

/** The text of one argument (undefined: a custom printer chose to show nothing). */
export function formatArg(spec: ResolvedArgSpec, ctx: ArgContext): string | undefined {
  const v = ctx.value;
  // Output data of a failed call was not written: show where it would have gone.
  const unwritten = ctx.phase === 'exit' && ctx.failed;
  switch (spec.kind) {
    case 'path':
      return printPath(ctx.mem, v);
    case 'string':
      return printCString(ctx.mem, v, spec.max ?? ctx.stringLimit);
    case 'buf_in':
    case 'buf_out': {
      if (v === 0n) return 'NULL';
      if (spec.kind === 'buf_out' && unwritten) return formatAddress(v);
      const total = BigInt.asUintN(64, refValue(spec.len, ctx));
      const take = Number(total < BigInt(ctx.stringLimit) ? total : BigInt(ctx.stringLimit));
      const bytes = readBytes(ctx.mem, v, take);
      return bytes === undefined ? formatAddress(v) : quoteBuffer(bytes, total, ctx.stringLimit, spec.hex);
    }
    case 'cstring_out':
      return unwritten ? formatAddress(v) : printPath(ctx.mem, v);
    case 'flags':
      return decodeFlags(spec.decoder, v);
    case 'struct': {
      if (v === 0n) return 'NULL';
      const printer = structPrinter(spec.struct);
      if (unwritten && spec.dir !== 'in' && !printer.onError) return formatAddress(v);
      return printer.print(v, ctx, spec.count === undefined ? undefined : refValue(spec.count, ctx));
    }
    case 'iovec': {
      if (unwritten) return formatAddress(v);
      const count = Number(BigInt.asIntN(32, refValue(spec.count, ctx)));
      return printIovecArray(v, count, ctx, spec.dir === 'out' ? ctx.result ?? 0n : undefined);
    }
    case 'int_ptr':
      return formatIntPtr(spec, ctx, unwritten);
    case 'fd_pair': {
      if (unwritten) return formatAddress(v);
      const buf = readBytes(ctx.mem, v, 8);
      return buf === undefined ? formatAddress(v) : `[${buf.readInt32LE(0)}, ${buf.readInt32LE(4)}]`;
    }
    case 'argv':
      return formatArgv(ctx);
    case 'envp':
      return formatEnvp(ctx);
    case 'custom':
      return spec.print(ctx);
    default:
      return formatScalar(spec.kind, v);
  }
}

function formatIntPtr(spec: Extract<ResolvedArgSpec, { kind: 'int_ptr' }>, ctx: ArgContext, unwritten: boolean): string {
  const v = ctx.value;
  if (v === 0n) return 'NULL';
  if (unwritten && spec.dir === 'out') return formatAddress(v);
  const now = readInt(ctx, v, spec.size);
  if (now === undefined) return formatAddress(v);
  const show = (x: bigint): string => (spec.decoder ? decodeFlags(spec.decoder, x) : String(x));
  const before = spec.dir === 'inout' ? ctx.captured?.get(ctx.index) : undefined;
  if (before !== undefined && before !== now && !unwritten) {
    return spec.outside ? `[${show(before)}] => [${show(now)}]` : `[${show(before)} => ${show(now)}]`;
  }
  return `[${show(unwritten && before !== undefined ? before : now)}]`;
}

/** strace lists at most this many argv strings, then `...`. */
const MAX_ARGV = 32;

/** Reads a NULL-terminated pointer array (at most `max` entries), a page at a time so that an
 * array ending just before an unmapped page is still read. */
function readPointers(ctx: ArgContext, addr: bigint, max: number): bigint[] | undefined {
  const out: bigint[] = [];
  let at = addr;
  while (out.length < max) {
    const pageLeft = 4096 - Number(at % 4096n);
    const count = Math.max(1, Math.min(max - out.length, Math.floor(pageLeft / 8)));
    const buf = readBytes(ctx.mem, at, count * 8);
    if (buf === undefined) return out.length === 0 ? undefined : out;
    for (let i = 0; i < count; i++) {
      const p = buf.readBigUInt64LE(i * 8);
      if (p === 0n) return out;
      out.push(p);
    }
    at += BigInt(count * 8);
  }
  return out;
}

function formatArgv(ctx: ArgContext): string {
  if (ctx.value === 0n) return 'NULL';
  const pointers = readPointers(ctx, ctx.value, MAX_ARGV + 1);
  if (pointers === undefined) return formatAddress(ctx.value);
  const shown = pointers.slice(0, MAX_ARGV).map((p) => printCString(ctx.mem, p, ctx.stringLimit));
  return `[${shown.join(', ')}${pointers.length > MAX_ARGV ? ', ...' : ''}]`;
}

function formatEnvp(ctx: ArgContext): string {
  if (ctx.value === 0n) return 'NULL';
  const pointers = readPointers(ctx, ctx.value, 1 << 16);
  if (pointers === undefined) return formatAddress(ctx.value);
  const n = pointers.length;
  return `${formatAddress(ctx.value)} /* ${n} var${n === 1 ? '' : 's'} */`;
}
