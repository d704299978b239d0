// Shared by the symbol reader tests: fixture compilation and the command-line oracles.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC, tempDir } from '@umview/test-fixtures';
import type { MemoryMapping } from '../../src/symbols/index.js';

export const fixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/symbols');

export function fixture(name: string): string {
  return join(fixturesDir, name);
}

/** One-file fixture through the shared compile cache. */
export function compileFixture(name: string, flags: string[], outputName?: string): string {
  return compileC(fixture(name), { flags, name: outputName ?? `${name.replace(/\.c$/, '')}-${flags.join('').replace(/[^a-z0-9]/gi, '')}` });
}

let programDir: string | undefined;

/** A program linked from several C files (compileC takes one), built into a temporary folder. */
export function compileProgram(name: string, sources: string[], flags: string[]): string {
  programDir ??= tempDir('umview-symbols-');
  const output = join(programDir, name);
  if (!existsSync(output)) {
    // Built in the temporary folder so that by-products (split DWARF .dwo files) land there too.
    execFileSync('cc', [...flags, '-o', output, ...sources.map(fixture)], { cwd: programDir, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return output;
}

/**
 * Runs a tool and returns its stdout (the tools are oracles: their output is the expected value).
 * A non-zero exit with output is accepted: readelf exits 1 after warnings about libc.so.6.
 */
export function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error !== undefined || (result.status !== 0 && result.stdout === '')) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr}`);
  }
  return result.stdout;
}

/** gdb in batch mode on a program that is not run; `commands` are -ex arguments. */
export function gdbBatch(program: string, commands: string[]): string {
  return run('gdb', ['-nx', '-batch', ...commands.flatMap((command) => ['-ex', command]), program]);
}

export const hex = (value: bigint): string => `0x${value.toString(16)}`;

/** One DIE as llvm-dwarfdump --debug-info prints it. */
export interface DumpedDie {
  readonly offset: number;
  readonly tag: string;
  readonly depth: number;
  /** Attribute name (without DW_AT_) -> the text inside the parentheses. */
  readonly attributes: ReadonlyMap<string, string>;
}

/** Parses `llvm-dwarfdump --debug-info`: DIEs with their attributes (multi-line values joined). */
export function dumpDies(program: string): DumpedDie[] {
  const dies: DumpedDie[] = [];
  let current: { offset: number; tag: string; depth: number; attributes: Map<string, string> } | undefined;
  let lastAttribute: string | undefined;
  for (const line of run('llvm-dwarfdump', ['--debug-info', program]).split('\n')) {
    const header = /^0x([0-9a-f]+):( +)(DW_TAG_\w+|NULL)/.exec(line);
    if (header !== null) {
      current = { offset: parseInt(header[1]!, 16), tag: header[3]!, depth: (header[2]!.length - 1) / 2, attributes: new Map() };
      if (current.tag !== 'NULL') dies.push(current);
      lastAttribute = undefined;
      continue;
    }
    const attribute = /^\s+DW_AT_(\w+)\s+\((.*)$/.exec(line);
    if (attribute !== null && current !== undefined) {
      lastAttribute = attribute[1]!;
      current.attributes.set(lastAttribute, attribute[2]!.replace(/\)$/, ''));
      continue;
    }
    if (lastAttribute !== undefined && current !== undefined && /^\s+\S/.test(line)) {
      current.attributes.set(lastAttribute, `${current.attributes.get(lastAttribute)}\n${line.trim()}`);
    }
  }
  return dies;
}

/** The `[start, end)` ranges in an attribute value, empty ones left out. */
export function dumpedRanges(value: string | undefined): { start: bigint; end: bigint }[] {
  if (value === undefined) return [];
  return [...value.matchAll(/\[(0x[0-9a-f]+), (0x[0-9a-f]+)\)/g)]
    .map((match) => ({ start: BigInt(match[1]!), end: BigInt(match[2]!) }))
    .filter((range) => range.end > range.start);
}

/** The quoted name in a reference value such as `0x00000581 "square"`. */
export function quotedName(value: string | undefined): string | undefined {
  return value === undefined ? undefined : /"([^"]*)"/.exec(value)?.[1];
}

/** A DIE's code ranges: low/high pc or DW_AT_ranges. */
export function dumpedPcRanges(die: DumpedDie): { start: bigint; end: bigint }[] {
  const low = die.attributes.get('low_pc');
  const high = die.attributes.get('high_pc');
  if (low !== undefined && high !== undefined) {
    const start = BigInt(low);
    // llvm-dwarfdump prints the absolute end for constant-class high_pc.
    const end = BigInt(high.split(' ')[0]!);
    return end > start ? [{ start, end }] : [];
  }
  return dumpedRanges(die.attributes.get('ranges'));
}

/** Registers from gdb's `info registers`, by name. */
export function parseGdbRegisters(output: string): Record<string, bigint> {
  const registers: Record<string, bigint> = {};
  for (const match of output.matchAll(/^(\w+)\s+(0x[0-9a-f]+)\s/gm)) registers[match[1]!] = BigInt(match[2]!);
  return registers;
}

/** gdb's `info proc mappings` as the fields of /proc/PID/maps. */
export function parseGdbMappings(output: string): MemoryMapping[] {
  const mappings: MemoryMapping[] = [];
  for (const match of output.matchAll(/^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+([r-][w-][x-][ps])\s*(\S*)\s*$/gm)) {
    const permissions = match[4]!;
    mappings.push({
      start: BigInt(match[1]!), end: BigInt(match[2]!), offset: BigInt(match[3]!),
      readable: permissions[0] === 'r', writable: permissions[1] === 'w', executable: permissions[2] === 'x', shared: permissions[3] === 's',
      device: '', inode: 0, path: match[5] === '' ? undefined : match[5], deleted: false,
    });
  }
  return mappings;
}

/** `x/Ngx` output as a memory reader over the dumped words (throws outside of them). */
export function parseGdbMemoryDump(output: string): (address: bigint, size: number) => Buffer {
  const words = new Map<bigint, bigint>();
  for (const match of output.matchAll(/^(0x[0-9a-f]+)(?: <[^>]*>)?:\s+((?:0x[0-9a-f]+\s*)+)$/gm)) {
    let address = BigInt(match[1]!);
    for (const word of match[2]!.trim().split(/\s+/)) {
      words.set(address, BigInt(word));
      address += 8n;
    }
  }
  return (address, size) => {
    const bytes = Buffer.alloc(size);
    for (let index = 0; index < size; index++) {
      const at = address + BigInt(index);
      const word = words.get(at - (at % 8n));
      if (word === undefined) throw new Error(`0x${at.toString(16)} was not dumped`);
      bytes[index] = Number((word >> (8n * (at % 8n))) & 0xffn);
    }
    return bytes;
  };
}

/** gdb `info scope` entries: name -> "fbreg N" | "static 0xADDR", and the length. */
export function gdbScope(program: string, where: string): Map<string, { location: string; length: number }> {
  const output = gdbBatch(program, [`info scope ${where}`]);
  const symbols = new Map<string, { location: string; length: number }>();
  for (const match of output.matchAll(/^Symbol (\w+) is (?:a complex DWARF expression:\s+0: DW_OP_fbreg (-?\d+)\s+|in static storage at address (0x[0-9a-f]+)), length (\d+)\./gm)) {
    symbols.set(match[1]!, { location: match[2] !== undefined ? `fbreg ${match[2]}` : `static ${match[3]}`, length: Number(match[4]) });
  }
  return symbols;
}

