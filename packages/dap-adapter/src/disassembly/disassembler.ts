// The `disassemble` request: instructions around an address, decoded by iced-x86 from the
// debuggee's memory (our int3s taken out), with the function each belongs to, the source line
// it comes from, and branch targets named (`call 0x401136 <add>`).
//
// Going backwards is the hard part of x86 (instructions have any length from 1 to 15 bytes):
// the instructions before an address are found by decoding forward from a known boundary, the
// start of the function (symbol) that holds them; without one, from the earliest nearby byte
// whose decoding lands exactly on the address. Unreadable memory gives placeholder entries, so
// that the client always gets the number of instructions it asked for.
import { Code, Decoder, DecoderOptions, FlowControl, Formatter, FormatterSyntax, Instruction, OpKind } from 'iced-x86';
import type { ModuleMap } from '../modules/module-map.js';
import type { DisassembledInstructionInfo } from '../engine/protocol.js';
import { symbolize } from '../inspect/frame-state.js';
import { pltName } from '../symbols/index.js';
import { demangle } from '../symbols/elf/demangle.js';

export type DisassemblyFlavor = 'att' | 'intel';

/** Reads debuggee memory into `buffer` (int3s of ours replaced by the original bytes); returns how many bytes were readable. */
export type CodeReader = (address: bigint, buffer: Buffer) => number;

const MAX_INSTRUCTION = 15;
/** How far back from an address a function start is trusted as the place to decode from. */
const MAX_ANCHOR_DISTANCE = 64n * 1024n;

let formatters: Partial<Record<DisassemblyFlavor, Formatter>> = {};
let scratch: Instruction | undefined;

function formatter(flavor: DisassemblyFlavor): Formatter {
  let found = formatters[flavor];
  if (found === undefined) {
    found = new Formatter(flavor === 'intel' ? FormatterSyntax.Intel : FormatterSyntax.Gas);
    found.branchLeadingZeros = false;
    found.showBranchSize = false;
    found.hexPrefix = '0x';
    found.hexSuffix = '';
    found.uppercaseHex = false;
    formatters = { ...formatters, [flavor]: found };
  }
  return found;
}

interface Decoded {
  readonly address: bigint;
  readonly length: number;
  readonly bytes: Buffer;
  readonly text: string;
  readonly invalid: boolean;
}

export class Disassembler {
  constructor(private readonly read: CodeReader, private readonly modules: ModuleMap, private readonly flavor: DisassemblyFlavor = 'att') {}

  disassemble(address: bigint, instructionOffset: number, count: number, resolveSymbols = true): DisassembledInstructionInfo[] {
    if (count <= 0) return [];
    const decoded: Decoded[] = [];
    let start = address;
    if (instructionOffset < 0) {
      const before = this.instructionsBefore(address, -instructionOffset);
      decoded.push(...before.slice(0, count));
    } else if (instructionOffset > 0) {
      const skipped = this.decodeForward(address, instructionOffset);
      const last = skipped[skipped.length - 1];
      start = last === undefined ? address : last.address + BigInt(last.length);
    }
    if (decoded.length < count) decoded.push(...this.decodeForward(start, count - decoded.length));
    return decoded.slice(0, count).map((instruction) => this.describe(instruction, resolveSymbols));
  }

  /** `count` instructions from `address` on; placeholders where memory cannot be read. */
  decodeForward(address: bigint, count: number): Decoded[] {
    const out: Decoded[] = [];
    let at = address;
    while (out.length < count) {
      const wanted = Math.min(64 * 1024, (count - out.length) * MAX_INSTRUCTION + MAX_INSTRUCTION);
      const buffer = Buffer.alloc(wanted);
      const readable = this.read(at, buffer);
      if (readable === 0) {
        out.push(placeholder(at));
        at += 1n;
        continue;
      }
      const instructions = decodeRange(buffer.subarray(0, readable), at, this.flavor, count - out.length, readable < wanted);
      if (instructions.length === 0) {
        out.push(placeholder(at));
        at += 1n;
        continue;
      }
      out.push(...instructions);
      const last = instructions[instructions.length - 1]!;
      at = last.address + BigInt(last.length);
    }
    return out;
  }

  /** The `count` instructions that end exactly at `address` (placeholders first if there are not enough). */
  private instructionsBefore(address: bigint, count: number): Decoded[] {
    const found: Decoded[] = [];
    let cursor = address;
    while (found.length < count) {
      const needed = count - found.length;
      const anchor = this.anchorBefore(cursor);
      let run = anchor === undefined ? undefined : this.decodeUpTo(anchor, cursor);
      if (run === undefined || run.length === 0) run = this.heuristicRun(cursor, needed);
      if (run === undefined || run.length === 0) break;
      found.unshift(...run);
      cursor = run[0]!.address;
    }
    const result = found.slice(Math.max(0, found.length - count));
    let first = result[0]?.address ?? address;
    while (result.length < count) {
      first -= 1n;
      result.unshift(placeholder(first));
    }
    return result;
  }

  /** The start of the function or symbol before `cursor`, if near enough to decode from. */
  private anchorBefore(cursor: bigint): bigint | undefined {
    const module = this.modules.moduleAt(cursor - 1n);
    if (module === undefined) return undefined;
    let start: bigint | undefined;
    try {
      const symbol = module.symbols.nearestSymbol(cursor - 1n - module.bias);
      if (symbol !== undefined && symbol.value > 0n) start = symbol.value + module.bias;
    } catch {
      start = undefined;
    }
    if (start === undefined || start >= cursor || cursor - start > MAX_ANCHOR_DISTANCE) return undefined;
    return start;
  }

  /** Decodes [from, to): the instructions, if the last one ends exactly at `to`. */
  private decodeUpTo(from: bigint, to: bigint): Decoded[] | undefined {
    const size = Number(to - from);
    const buffer = Buffer.alloc(size);
    if (this.read(from, buffer) < size) return undefined;
    const instructions = decodeRange(buffer, from, this.flavor, Number.MAX_SAFE_INTEGER, false);
    const last = instructions[instructions.length - 1];
    if (last === undefined || last.address + BigInt(last.length) !== to) return undefined;
    return instructions;
  }

  /** No usable function start: the earliest nearby start whose decoding lands on `cursor`. */
  private heuristicRun(cursor: bigint, needed: number): Decoded[] | undefined {
    const span = BigInt(Math.min(needed * 8 + MAX_INSTRUCTION, 512));
    for (let back = span; back > 0n; back--) {
      if (cursor < back) continue;
      const run = this.decodeUpTo(cursor - back, cursor);
      if (run !== undefined && run.every((instruction) => !instruction.invalid)) return run;
    }
    return undefined;
  }

  private describe(instruction: Decoded, resolveSymbols: boolean): DisassembledInstructionInfo {
    const address = `0x${instruction.address.toString(16)}`;
    if (instruction.invalid && instruction.length === 0) return { address, instruction: '??', presentationHint: 'invalid' };
    const info: DisassembledInstructionInfo = {
      address,
      instructionBytes: [...instruction.bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' '),
      instruction: resolveSymbols ? nameBranchTargets(instruction.text, this.modules) : instruction.text.replace(/\u0000.*$/, ''),
      ...(instruction.invalid ? { presentationHint: 'invalid' as const } : {}),
    };
    if (!resolveSymbols) return info;
    const module = this.modules.moduleAt(instruction.address);
    if (module === undefined) return info;
    const fileAddress = instruction.address - module.bias;
    try {
      const plt = pltName(module.symbols.elf, fileAddress);
      const symbol = plt === undefined ? module.symbols.nearestSymbol(fileAddress) : undefined;
      if (plt !== undefined) info.symbol = plt.replace(/\+\d+$/, '');
      else if (symbol !== undefined && symbol.name !== '') info.symbol = demangle(symbol.name);
      const position = module.symbols.lineForAddress(fileAddress);
      if (position !== undefined && position.line > 0) {
        info.path = position.file;
        info.line = position.line;
        if (position.column > 0) info.column = position.column;
      }
    } catch {
      // corrupt debug information: the instruction alone
    }
    return info;
  }
}

function placeholder(address: bigint): Decoded {
  return { address, length: 0, bytes: Buffer.alloc(0), text: '??', invalid: true };
}

/**
 * Decodes up to `limit` instructions from `bytes` loaded at `address`. When the bytes stop at
 * unreadable memory (`truncated`), an instruction cut by the end is left out.
 */
function decodeRange(bytes: Buffer, address: bigint, flavor: DisassemblyFlavor, limit: number, truncated: boolean): Decoded[] {
  const out: Decoded[] = [];
  const decoder = new Decoder(64, bytes, DecoderOptions.None);
  scratch ??= new Instruction();
  const instruction = scratch;
  const format = formatter(flavor);
  try {
    decoder.ip = address;
    while (out.length < limit && decoder.canDecode) {
      const offset = decoder.position;
      decoder.decodeOut(instruction);
      const invalid = instruction.code === Code.INVALID;
      const length = Math.max(instruction.length, 1);
      if (invalid && truncated && offset + MAX_INSTRUCTION > bytes.length) break;
      let text = invalid ? '(bad)' : format.format(instruction);
      if (!invalid && isBranch(instruction)) text += `\u0000${instruction.nearBranchTarget.toString()}`;
      out.push({ address: address + BigInt(offset), length, bytes: bytes.subarray(offset, offset + length), text, invalid });
      if (invalid) decoder.position = offset + 1;
    }
  } finally {
    decoder.free();
  }
  return out;
}

function isBranch(instruction: Instruction): boolean {
  const flow = instruction.flowControl;
  return (flow === FlowControl.Call || flow === FlowControl.UnconditionalBranch || flow === FlowControl.ConditionalBranch)
    && (instruction.op0Kind === OpKind.NearBranch64 || instruction.op0Kind === OpKind.NearBranch32);
}

/** Replaces the branch-target marker left by decodeRange with ` <symbol>` (or nothing). */
export function nameBranchTargets(text: string, modules: ModuleMap): string {
  const marker = text.indexOf('\u0000');
  if (marker < 0) return text;
  const target = BigInt(text.slice(marker + 1));
  const symbol = symbolize(modules, target);
  return `${text.slice(0, marker)}${symbol === undefined ? '' : ` <${symbol}>`}`;
}
