import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@umview/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ElfFile, ElfType, findSeparateDebugFile, NotElfError, parseProcMaps, pltEntries, pltName, SectionType, type MemoryMapping,
} from '../../src/symbols/index.js';
import { compileFixture, hex, run } from './helpers.js';

const opened: ElfFile[] = [];
function open(path: string): ElfFile {
  const elf = ElfFile.open(path);
  opened.push(elf);
  return elf;
}
afterAll(() => opened.forEach((elf) => elf.close()));

const pie = compileFixture('sleeper.c', ['-g', '-O0']);
const fixedAddress = compileFixture('sleeper.c', ['-g', '-O0', '-no-pie'], 'sleeper-nopie');
const LIBC = '/lib/x86_64-linux-gnu/libc.so.6';

const sectionTypeNames: Record<number, string> = {
  [SectionType.NULL]: 'NULL', [SectionType.PROGBITS]: 'PROGBITS', [SectionType.SYMTAB]: 'SYMTAB',
  [SectionType.STRTAB]: 'STRTAB', [SectionType.RELA]: 'RELA', [SectionType.DYNAMIC]: 'DYNAMIC',
  [SectionType.NOTE]: 'NOTE', [SectionType.NOBITS]: 'NOBITS', [SectionType.DYNSYM]: 'DYNSYM',
  [SectionType.INIT_ARRAY]: 'INIT_ARRAY', [SectionType.FINI_ARRAY]: 'FINI_ARRAY', [SectionType.GNU_HASH]: 'GNU_HASH',
  [SectionType.HASH]: 'HASH', 19: 'RELR', 0x6fffffff: 'VERSYM', 0x6ffffffe: 'VERNEED', 0x6ffffffd: 'VERDEF',
};

/** readelf -SW: index, name, type, address, offset, size, entry size, link, info, alignment. */
function readelfSections(path: string): string[] {
  const rows: string[] = [];
  for (const line of run('readelf', ['-SW', path]).split('\n')) {
    const match = /^\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[A-Za-z]*\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(line);
    if (match === null || match[1] === '0') continue;
    const [, index, name, type, address, offset, size, entrySize, link, info, align] = match;
    rows.push([index, name, type, BigInt(`0x${address}`), parseInt(offset!, 16), parseInt(size!, 16), parseInt(entrySize!, 16), link, info, align].join(' '));
  }
  return rows;
}

describe('ELF headers and sections', () => {
  it.each([
    ['a PIE executable', pie],
    ['a fixed-address executable', fixedAddress],
    ['libc', LIBC],
  ])('lists the sections of %s as readelf -S does', (_label, path) => {
    const elf = open(path);
    const actual = elf.sections.slice(1).map((section) => [
      section.index, section.name, sectionTypeNames[section.type] ?? `0x${section.type.toString(16)}`, section.address,
      section.offset, section.size, section.entrySize, section.link, section.info, section.addressAlign,
    ].join(' '));
    expect(actual).toEqual(readelfSections(path));
    expect(actual.length).toBeGreaterThan(20);
  });

  it('tells a PIE (ET_DYN) from a fixed-address executable (ET_EXEC), with the entry point', () => {
    for (const [path, type] of [[pie, ElfType.DYN], [fixedAddress, ElfType.EXEC]] as const) {
      const elf = open(path);
      const header = run('readelf', ['-h', path]);
      expect(elf.header.type).toBe(type);
      expect(elf.isPositionIndependent).toBe(type === ElfType.DYN);
      expect(elf.isFixedAddressExecutable).toBe(type === ElfType.EXEC);
      expect(hex(elf.entryPoint)).toBe(/Entry point address:\s+(0x[0-9a-f]+)/.exec(header)![1]);
    }
  });

  it('reads the program headers and the interpreter as readelf -l does', () => {
    const elf = open(pie);
    const listing = run('readelf', ['-lW', pie]);
    expect(elf.interpreter()).toBe(/Requesting program interpreter: ([^\]]+)\]/.exec(listing)![1]);
    const loads = [...listing.matchAll(/^\s+LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)/gm)]
      .map((match) => `${BigInt(match[1]!)} ${BigInt(match[2]!)} ${BigInt(match[3]!)} ${BigInt(match[4]!)}`);
    const ours = elf.programHeaders.filter((header) => header.type === 1)
      .map((header) => `${header.offset} ${header.virtualAddress} ${header.fileSize} ${header.memorySize}`);
    expect(ours).toEqual(loads);
    // libc.so.6 can be run as a program, so it names an interpreter too.
    expect(open(LIBC).interpreter()).toBe(/Requesting program interpreter: ([^\]]+)\]/.exec(run('readelf', ['-lW', LIBC]))![1]);
  });

  it('reads the dynamic section and locates the DT_DEBUG slot', () => {
    const elf = open(pie);
    const listing = run('readelf', ['-dW', pie]);
    const tags = [...listing.matchAll(/^\s+(0x[0-9a-f]{16})\s+\(/gm)].map((match) => BigInt(match[1]!)).filter((tag) => tag !== 0n);
    expect(elf.dynamicEntries().map((entry) => entry.tag)).toEqual(tags);
    const dynamic = elf.section('.dynamic')!;
    const debugIndex = tags.indexOf(21n);
    expect(debugIndex).toBeGreaterThanOrEqual(0);
    expect(elf.debugStructureSlot()).toBe(dynamic.address + BigInt(debugIndex * 16 + 8));
    expect(open(LIBC).debugStructureSlot()).toBeUndefined(); // shared objects have no DT_DEBUG
  });

  it('reads the build-id as readelf -n prints it', () => {
    for (const path of [pie, LIBC]) {
      const expected = /Build ID: ([0-9a-f]+)/.exec(run('readelf', ['-n', path]))![1];
      expect(open(path).buildId()).toBe(expected);
    }
  });

  it('reads .gnu_debuglink and finds the separate debug file it names (with its CRC)', () => {
    const dir = tempDir('umview-debuglink-');
    const stripped = join(dir, 'sleeper');
    const debug = join(dir, 'sleeper.debug');
    copyFileSync(pie, stripped);
    execFileSync('objcopy', ['--only-keep-debug', stripped, debug]);
    execFileSync('objcopy', ['--strip-debug', '--remove-section=.note.gnu.build-id', `--add-gnu-debuglink=${debug}`, stripped]);
    const elf = open(stripped);
    const link = elf.debugLink()!;
    expect(link.fileName).toBe('sleeper.debug');
    const crcHex = /Separate debug info file: \S+\s+CRC value: (0x[0-9a-f]+)/i.exec(run('readelf', ['--string-dump=.gnu_debuglink', '-wk', stripped]));
    if (crcHex !== null) expect(link.crc).toBe(Number(crcHex[1]));
    expect(findSeparateDebugFile({ path: stripped, buildId: elf.buildId(), debugLink: link, debugRoots: [] })).toBe(debug);
    writeFileSync(debug, 'not the same file any more');
    expect(findSeparateDebugFile({ path: stripped, buildId: undefined, debugLink: link, debugRoots: [] })).toBeUndefined();
  });
});

describe('ELF symbols', () => {
  /**
   * nm's defined symbols as "name@value" (section and file symbols are not listed by nm). nm -D
   * appends the symbol version from .gnu.version, which is not part of the name.
   */
  function nmSymbols(path: string, dynamic: boolean): string[] {
    return run('nm', [...(dynamic ? ['-D'] : []), '--defined-only', path]).trim().split('\n')
      .map((line) => line.split(/\s+/))
      .map(([value, , name]) => `${dynamic ? name!.replace(/@.*$/, '') : name}@${BigInt(`0x${value}`)}`)
      .sort();
  }

  it.each([['an executable', pie], ['libc', LIBC]])('lists the defined symbols of %s as nm does', (_label, path) => {
    const elf = open(path);
    for (const table of ['symtab', 'dynsym'] as const) {
      const ours = elf.symbols.symbols
        .filter((symbol) => symbol.table === table && symbol.sectionIndex !== 0 && symbol.type !== 'section' && symbol.type !== 'file')
        .map((symbol) => `${symbol.name}@${symbol.value}`)
        .sort();
      const expected = table === 'symtab' && elf.section('.symtab') === undefined ? [] : nmSymbols(path, table === 'dynsym');
      expect(ours).toEqual(expected);
    }
  });

  it('looks symbols up by name and by an address inside them, with nm -S sizes', () => {
    const elf = open(pie);
    const sized = run('nm', ['-S', '--defined-only', pie]).trim().split('\n').map((line) => line.split(/\s+/))
      .filter((fields) => fields.length === 4 && /[Tt]/.test(fields[2]!));
    expect(sized.length).toBeGreaterThanOrEqual(2);
    for (const [value, size, , name] of sized) {
      const symbol = elf.symbolByName(name!)!;
      expect(symbol.value).toBe(BigInt(`0x${value}`));
      expect(symbol.size).toBe(BigInt(`0x${size}`));
      expect(symbol.type).toBe('func');
      const inside = symbol.value + symbol.size / 2n;
      expect(elf.symbolAt(inside)?.value).toBe(symbol.value);
    }
    const main = elf.symbolByName('main')!;
    expect(elf.symbolAt(main.value + main.size)?.name).not.toBe('main');
    expect(elf.symbolByName('no_such_symbol')).toBeUndefined();
  });

  it('finds the containing function in libc from .dynsym', () => {
    const elf = open(LIBC);
    const qsort = elf.symbolByName('qsort')!;
    expect(qsort.type).toBe('func');
    expect(qsort.binding).toBe('global');
    expect(elf.symbolAt(qsort.value + 1n)?.value).toBe(qsort.value);
  });
});

describe('PLT entries', () => {
  it.each([['with IBT (.plt.sec)', []], ['without IBT (.plt)', ['-fcf-protection=none', '-Wl,-z,lazy']]])('names them as objdump does, %s', (_label, extra) => {
    const path = compileFixture('sleeper.c', ['-g', '-O0', ...extra], `sleeper-plt${extra.length}`);
    const elf = open(path);
    const expected = [...run('objdump', ['-d', path]).matchAll(/^([0-9a-f]+) <(\w+@plt)>:$/gm)].map((match) => `${match[2]}@${BigInt(`0x${match[1]}`)}`).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect([...pltEntries(elf)].map(([address, name]) => `${name}@${address}`).sort()).toEqual(expected);
    const [address, name] = [...pltEntries(elf)][0]!;
    expect(pltName(elf, address + 4n)).toBe(`${name}+4`);
    expect(pltName(elf, elf.symbolByName('main')!.value)).toBeUndefined();
  });
});

describe('/proc/PID/maps and load bias', () => {
  async function runAndInspect(path: string): Promise<{ printedMain: bigint; mappings: MemoryMapping[] }> {
    const child = spawn(path, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('\n')) resolve(output.split('\n')[0]!);
        });
        child.on('error', reject);
        child.on('exit', () => reject(new Error('fixture exited early')));
      });
      const mappings = parseProcMaps(run('cat', [`/proc/${child.pid}/maps`]));
      return { printedMain: BigInt(line), mappings };
    } finally {
      child.stdin.end();
      child.kill();
    }
  }

  it('parses every line of a real maps file', async () => {
    const { mappings } = await runAndInspect(pie);
    const text = run('cat', ['/proc/self/maps']);
    expect(parseProcMaps(text)).toHaveLength(text.trim().split('\n').length);
    const own = mappings.filter((mapping) => mapping.path === realpathSync(pie));
    expect(own.length).toBeGreaterThanOrEqual(2);
    expect(own.some((mapping) => mapping.executable && mapping.readable && !mapping.writable)).toBe(true);
    expect(mappings.some((mapping) => mapping.path === '[stack]')).toBe(true);
  });

  it('computes the load bias of a running PIE and of libc in it', async () => {
    const { printedMain, mappings } = await runAndInspect(pie);
    const elf = open(pie);
    const bias = elf.loadBiasFromMappings(mappings, realpathSync(pie))!;
    expect(bias % 4096n).toBe(0n);
    expect(bias + elf.symbolByName('main')!.value).toBe(printedMain);
    // The code mapping alone gives the same bias.
    const code = mappings.find((candidate) => candidate.path === realpathSync(pie) && candidate.executable)!;
    expect(elf.loadBiasForMapping(code)).toBe(bias);
    const libcMappings = mappings.filter((mapping) => mapping.path?.endsWith('/libc.so.6'));
    const libc = open(LIBC);
    const libcBias = libc.loadBiasFromMappings(mappings, libcMappings[0]!.path!)!;
    const executable = libcMappings.find((mapping) => mapping.executable)!;
    const textSection = libc.section('.text')!;
    expect(libcBias + textSection.address).toBeGreaterThanOrEqual(executable.start);
    expect(libcBias + textSection.address).toBeLessThan(executable.end);
  });

  it('gives a zero bias for a fixed-address executable', async () => {
    const { printedMain, mappings } = await runAndInspect(fixedAddress);
    const elf = open(fixedAddress);
    expect(elf.loadBiasFromMappings(mappings, realpathSync(fixedAddress))).toBe(0n);
    expect(elf.symbolByName('main')!.value).toBe(printedMain);
  });
});

describe('non-ELF input', () => {
  it('throws NotElfError for a text file and an empty file', () => {
    const dir = tempDir('umview-notelf-');
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, this is not an executable\n');
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    expect(() => ElfFile.open(text)).toThrow(NotElfError);
    expect(() => ElfFile.open(empty)).toThrow(NotElfError);
    expect(() => ElfFile.fromBuffer(Buffer.from('#!/bin/sh\necho hi\n'))).toThrow(NotElfError);
  });
});
