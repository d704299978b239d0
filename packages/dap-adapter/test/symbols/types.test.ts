import { afterAll, describe, expect, it } from 'vitest';
import {
  declarationOf, sizeOfType, stripTypedefs, SymbolFile, typeName, type DwarfType, type RecordType, type VariableInfo,
} from '../../src/symbols/index.js';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { compileFixture, gdbBatch } from './helpers.js';

const opened: SymbolFile[] = [];
afterAll(() => opened.forEach((file) => file.close()));

const GLOBALS = [
  'g_node', 'g_points', 'g_value', 'g_color', 'g_big', 'g_size', 'g_op', 'g_message', 'g_buffer', 'g_matrix',
  'g_const', 'g_volatile', 'g_restricted', 'g_float', 'g_double', 'g_bool', 'g_uchar', 'g_longlong', 'g_flags',
  'g_row', 'g_argv_like', 'g_opaque', 'g_incomplete',
];

interface GdbMember {
  offset: number;
  bit: number | undefined;
  size: number;
  text: string;
  /** For a member gdb expands inline (a nested struct or union): the name on its closing line. */
  closingName?: string;
}

/** Top-level members of `ptype /o` output: offset, bit, size and the declaration text. */
function parsePtypeOffsets(output: string): GdbMember[] {
  const members: GdbMember[] = [];
  const expanded: GdbMember[] = [];
  for (const line of output.split('\n')) {
    const member = /^\/\*\s+(\d+)(?::\s*(\d+))?\s+\|\s+(\d+) \*\/ {4}(\S.*)$/.exec(line)
      ?? /^\/\*\s+()()(\d+) \*\/ {4}(\S.*)$/.exec(line); // union members: size only
    if (member !== null) {
      const entry: GdbMember = {
        offset: member[1] === '' ? 0 : Number(member[1]), bit: member[2] === undefined || member[2] === '' ? undefined : Number(member[2]),
        size: Number(member[3]), text: member[4]!,
      };
      members.push(entry);
      if (entry.text.endsWith('{')) expanded.push(entry);
      continue;
    }
    const closing = /^ {31}\} ?(\w*);$/.exec(line);
    if (closing !== null) expanded.shift()!.closingName = closing[1]!;
  }
  return members;
}

describe.each([
  { label: 'DWARF 5', flags: ['-g', '-O0'] },
  { label: 'DWARF 4', flags: ['-g', '-gdwarf-4', '-O0'] },
  { label: 'DWARF 5 type units (DW_UT_type, ref_sig8)', flags: ['-g', '-fdebug-types-section', '-O0'] },
  { label: 'DWARF 4 .debug_types', flags: ['-g', '-gdwarf-4', '-fdebug-types-section', '-O0'] },
])('types ($label)', ({ flags }) => {
  skipEachWhen(missing.tool('gdb'));

  const program = compileFixture('types.c', flags);
  const file = SymbolFile.open(program);
  opened.push(file);
  const main = file.functionByName('main')!;
  const globals = new Map<string, VariableInfo>(file.variablesAt(main.lowPc).globals.map((variable) => [variable.name!, variable]));
  const typeOfGlobal = (name: string): DwarfType => file.typeOf(globals.get(name)!);

  it('names the type of every global as gdb whatis does, with gdb\'s sizeof', () => {
    const output = gdbBatch(program, [...GLOBALS.map((name) => `whatis ${name}`), ...GLOBALS.map((name) => `print sizeof(${name})`)]);
    const names = [...output.matchAll(/^type = (.*)$/gm)].map((match) => match[1]);
    const sizes = [...output.matchAll(/^\$\d+ = (\d+)$/gm)].map((match) => Number(match[1]));
    expect(names).toHaveLength(GLOBALS.length);
    expect(GLOBALS.map((name) => typeName(typeOfGlobal(name)))).toEqual(names);
    expect(GLOBALS.map((name) => sizeOfType(typeOfGlobal(name)))).toEqual(sizes);
  });

  it.each(['struct node', 'struct flags', 'union value', 'struct point'])('lays out %s as gdb ptype /o does', (typeSpelling) => {
    const expected = parsePtypeOffsets(gdbBatch(program, [`ptype /o ${typeSpelling}`]));
    const holder = { 'struct node': 'g_node', 'struct flags': 'g_flags', 'union value': 'g_value', 'struct point': 'g_points' }[typeSpelling]!;
    let record = stripTypedefs(typeOfGlobal(holder));
    if (record.kind === 'array') record = stripTypedefs(record.element);
    expect(record.kind).toBe('record');
    const members = (record as RecordType).members;
    expect(members.map((member) => {
      const nested = stripTypedefs(member.type);
      const expands = nested.kind === 'record';
      const text = expands
        ? `${nested.keyword}${nested.name === undefined ? '' : ` ${nested.name}`} {`
        : `${declarationOf(member.type, member.name ?? '')}${member.bitSize === undefined ? '' : ` : ${member.bitSize}`};`;
      return {
        offset: member.byteOffset,
        bit: member.bitOffset === undefined ? undefined : member.bitOffset % 8,
        size: sizeOfType(member.type),
        text,
        ...(expands ? { closingName: member.name ?? '' } : {}),
      };
    })).toEqual(expected);
    expect(members.length).toBeGreaterThan(1);
  });

  it('reads bitfield positions as gdb computes them', () => {
    const flagsType = stripTypedefs(typeOfGlobal('g_flags')) as RecordType;
    const bits = Object.fromEntries(flagsType.members.map((member) => [member.name, [member.bitOffset, member.bitSize]]));
    expect(bits).toEqual({ ready: [0, 1], mode: [1, 3], level: [4, 5], tail: [undefined, undefined], wide: [24, 40] });
  });

  it.each(['color', 'big'])('reads the enumerators of enum %s as gdb ptype shows them', (name) => {
    const output = gdbBatch(program, [`ptype enum ${name}`]);
    const body = /\{(.*)\}/.exec(output)![1]!;
    let next = 0n;
    const expected = body.split(', ').map((item) => {
      const [enumerator, value] = item.split(' = ');
      const actual = value === undefined ? next : BigInt(value);
      next = actual + 1n;
      return { name: enumerator, value: actual };
    });
    const holder = name === 'color' ? 'g_color' : 'g_big';
    const type = stripTypedefs(typeOfGlobal(holder));
    expect(type.kind === 'enum' ? type.enumerators : undefined).toEqual(expected);
  });

  it('types functions and function pointers as gdb does', () => {
    const add = file.functionByName('add')!;
    const output = gdbBatch(program, ['whatis add', 'whatis main', 'whatis g_node.callback']);
    const names = [...output.matchAll(/^type = (.*)$/gm)].map((match) => match[1]);
    const node = stripTypedefs(typeOfGlobal('g_node')) as RecordType;
    const callback = node.members.find((member) => member.name === 'callback')!;
    expect([typeName(file.typeOf(add.die)), typeName(file.typeOf(main.die)), typeName(callback.type)]).toEqual(names);
  });

  it('resolves a self-referencing struct to the same object', () => {
    const node = stripTypedefs(typeOfGlobal('g_node')) as RecordType;
    const next = node.members.find((member) => member.name === 'next')!.type;
    expect(next.kind === 'pointer' ? next.target : undefined).toBe(node);
  });
});
