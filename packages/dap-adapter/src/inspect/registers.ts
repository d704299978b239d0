// The Registers scope: general-purpose registers (eflags decoded, and each flag a child), the
// x87 and SSE control registers and stack (st0-st7 as long doubles), and xmm0-15 with the
// views gdb offers (v4_float, v2_double, v16_int8...).
import { DW_ATE, type ArrayType, type DwarfType } from '../symbols/index.js';
import { baseType, DOUBLE, FLOAT, LONG_DOUBLE, type Value } from '../values/value.js';
import type { FrameState } from './frame-state.js';

export type RegisterGroup = 'general' | 'floating-point' | 'vector';

export const REGISTER_GROUPS: readonly { readonly group: RegisterGroup; readonly name: string }[] = [
  { group: 'general', name: 'General Purpose Registers' },
  { group: 'floating-point', name: 'Floating Point Registers' },
  { group: 'vector', name: 'Vector Registers' },
];

/** DWARF numbers of the general registers in gdb's `info registers` order. */
const GENERAL: readonly (readonly [name: string, dwarf: number])[] = [
  ['rax', 0], ['rbx', 3], ['rcx', 2], ['rdx', 1], ['rsi', 4], ['rdi', 5], ['rbp', 6], ['rsp', 7],
  ['r8', 8], ['r9', 9], ['r10', 10], ['r11', 11], ['r12', 12], ['r13', 13], ['r14', 14], ['r15', 15],
  ['rip', 16], ['eflags', 49], ['fs_base', 58], ['gs_base', 59],
];

export const EFLAGS_BITS: readonly (readonly [bit: number, name: string])[] = [
  [0, 'CF'], [2, 'PF'], [4, 'AF'], [6, 'ZF'], [7, 'SF'], [8, 'TF'], [9, 'IF'], [10, 'DF'], [11, 'OF'], [14, 'NT'], [16, 'RF'],
  [17, 'VM'], [18, 'AC'], [19, 'VIF'], [20, 'VIP'], [21, 'ID'],
];

export const MXCSR_BITS: readonly (readonly [bit: number, name: string])[] = [
  [0, 'IE'], [1, 'DE'], [2, 'ZE'], [3, 'OE'], [4, 'UE'], [5, 'PE'], [6, 'DAZ'], [7, 'IM'], [8, 'DM'], [9, 'ZM'], [10, 'OM'],
  [11, 'UM'], [12, 'PM'], [15, 'FZ'],
];

export interface RegisterEntry {
  readonly name: string;
  readonly value: string;
  readonly type?: string;
  /** A register that can be changed, as a value of this frame. */
  readonly lvalue?: Value;
  /** Children: flag bits or vector views. */
  readonly expand?: RegisterExpansion;
  readonly memoryReference?: string;
}

export type RegisterExpansion =
  | { readonly kind: 'flags'; readonly value: bigint; readonly bits: readonly (readonly [number, string])[] }
  | { readonly kind: 'vector'; readonly register: number };

const hex = (value: bigint): string => `0x${value.toString(16)}`;

/** `[ PF ZF IF ]`: the set flags, lowest bit first, as gdb prints them. */
export function decodeFlags(value: bigint, bits: readonly (readonly [number, string])[]): string {
  const set = bits.filter(([bit]) => ((value >> BigInt(bit)) & 1n) === 1n).map(([, name]) => name);
  return `[ ${set.join(' ')}${set.length > 0 ? ' ' : ''}]`;
}

const LONG_REGISTER: DwarfType = baseType('long', 8, DW_ATE.signed);

export function registerEntries(frame: FrameState, group: RegisterGroup): RegisterEntry[] {
  switch (group) {
    case 'general': {
      const entries: RegisterEntry[] = [];
      for (const [name, number] of GENERAL) {
        const value = frame.frame.registers.get(number);
        if (value === undefined) continue;
        const lvalue: Value = { type: LONG_REGISTER, place: { kind: 'register', register: number, offset: 0 } };
        if (name === 'eflags') {
          entries.push({ name, value: `${hex(value)} ${decodeFlags(value, EFLAGS_BITS)}`, type: 'i386_eflags', lvalue, expand: { kind: 'flags', value, bits: EFLAGS_BITS } });
        } else if (name === 'rip') {
          const symbol = frame.symbolize(value);
          entries.push({ name, value: `${hex(value)}${symbol === undefined ? '' : ` <${symbol}>`}`, type: 'void (*)()', lvalue, memoryReference: hex(value) });
        } else {
          entries.push({ name, value: hex(value), type: name === 'rsp' || name === 'rbp' ? 'void *' : 'long', lvalue, memoryReference: hex(value) });
        }
      }
      if (frame.index === 0) {
        const registers = frame.tracee.getRegisters();
        for (const name of ['cs', 'ss', 'ds', 'es', 'fs', 'gs'] as const) entries.push({ name, value: hex(registers[name]), type: 'int' });
      }
      return entries;
    }
    case 'floating-point': {
      const fp = frame.fpRegisters();
      if (fp === undefined) return [];
      const entries: RegisterEntry[] = [];
      for (let index = 0; index < 8; index++) {
        entries.push({ name: `st${index}`, value: '', type: 'long double', lvalue: { type: LONG_DOUBLE, place: { kind: 'register', register: 33 + index, offset: 0 } } });
      }
      const fcw = BigInt(fp.readUInt16LE(0));
      const fsw = BigInt(fp.readUInt16LE(2));
      const mxcsr = BigInt(fp.readUInt32LE(24));
      entries.push({ name: 'fctrl', value: hex(fcw), type: 'int' });
      entries.push({ name: 'fstat', value: hex(fsw), type: 'int' });
      entries.push({ name: 'ftag', value: hex(BigInt(fp[4]!)), type: 'int' });
      entries.push({ name: 'fop', value: hex(BigInt(fp.readUInt16LE(6))), type: 'int' });
      entries.push({ name: 'mxcsr', value: `${hex(mxcsr)} ${decodeFlags(mxcsr, MXCSR_BITS)}`, type: 'i386_mxcsr', expand: { kind: 'flags', value: mxcsr, bits: MXCSR_BITS } });
      return entries;
    }
    case 'vector': {
      const fp = frame.fpRegisters();
      if (fp === undefined) return [];
      const entries: RegisterEntry[] = [];
      for (let index = 0; index < 16; index++) {
        const bytes = fp.subarray(160 + 16 * index, 176 + 16 * index);
        const value = bytes.readBigUInt64LE(8) << 64n | bytes.readBigUInt64LE(0);
        entries.push({ name: `xmm${index}`, value: hex(value), type: 'vec128', expand: { kind: 'vector', register: 17 + index } });
      }
      return entries;
    }
  }
}

function vector(element: DwarfType, count: number): ArrayType {
  return { kind: 'array', element, dimensions: [{ lowerBound: 0n, count: BigInt(count) }] };
}

/** gdb's views of an xmm register, each a value placed in the register. */
export function vectorViews(register: number): { name: string; value: Value }[] {
  const views: [string, DwarfType][] = [
    ['v4_float', vector(FLOAT, 4)],
    ['v2_double', vector(DOUBLE, 2)],
    ['v16_int8', vector(baseType('int8_t', 1, DW_ATE.signed), 16)],
    ['v8_int16', vector(baseType('int16_t', 2, DW_ATE.signed), 8)],
    ['v4_int32', vector(baseType('int32_t', 4, DW_ATE.signed), 4)],
    ['v2_int64', vector(baseType('int64_t', 8, DW_ATE.signed), 2)],
    ['uint128', baseType('uint128_t', 16, DW_ATE.unsigned)],
  ];
  return views.map(([name, type]) => ({ name, value: { type, place: { kind: 'register', register, offset: 0 } } }));
}
