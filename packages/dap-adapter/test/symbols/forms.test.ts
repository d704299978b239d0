// Attribute forms that gcc does not emit (strx1-4, addrx1-4, ref_sup, indirect...), on
// hand-encoded bytes; the forms gcc does emit are covered by the tests on real programs.
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/symbols/binary/byte-reader.js';
import { DW_FORM, CorruptDwarfError } from '../../src/symbols/index.js';
import { readForm, type FormContext } from '../../src/symbols/dwarf/units/form-reader.js';

const context32: FormContext = { version: 5, addressSize: 8, offsetSize: 4, unitOffset: 0x100, section: '.debug_info' };
const context64: FormContext = { ...context32, offsetSize: 8 };

function decode(form: number, bytes: number[], context = context32, implicitConst?: bigint): { value: unknown; consumed: number } {
  const reader = new ByteReader(Buffer.from(bytes), (offset, reason) => new CorruptDwarfError('.debug_info', offset, reason));
  const value = readForm(reader, form, context, implicitConst);
  return { value, consumed: reader.offset };
}

describe('attribute forms', () => {
  it.each([
    [DW_FORM.strx1, [0x12], 0x12, 1],
    [DW_FORM.strx2, [0x34, 0x12], 0x1234, 2],
    [DW_FORM.strx3, [0x56, 0x34, 0x12], 0x123456, 3],
    [DW_FORM.strx4, [0x78, 0x56, 0x34, 0x12], 0x12345678, 4],
    [DW_FORM.strx, [0xe5, 0x8e, 0x26], 624485, 3],
  ])('reads string index form 0x%s', (form, bytes, index, consumed) => {
    expect(decode(form, bytes)).toEqual({ value: { kind: 'string-index', index }, consumed });
  });

  it.each([
    [DW_FORM.addrx1, [0x02], 2, 1],
    [DW_FORM.addrx2, [0x02, 0x01], 0x102, 2],
    [DW_FORM.addrx3, [0x03, 0x02, 0x01], 0x10203, 3],
    [DW_FORM.addrx4, [0x04, 0x03, 0x02, 0x01], 0x1020304, 4],
    [DW_FORM.addrx, [0x7f], 127, 1],
  ])('reads address index form 0x%s', (form, bytes, index, consumed) => {
    expect(decode(form, bytes)).toEqual({ value: { kind: 'address-index', index }, consumed });
  });

  it('reads constants with their size and signedness', () => {
    expect(decode(DW_FORM.data1, [0xff]).value).toEqual({ kind: 'constant', value: 255n, signed: false, size: 1 });
    expect(decode(DW_FORM.data8, [1, 0, 0, 0, 0, 0, 0, 0x80]).value).toEqual({ kind: 'constant', value: 0x8000000000000001n, signed: false, size: 8 });
    expect(decode(DW_FORM.sdata, [0x7f]).value).toEqual({ kind: 'constant', value: -1n, signed: true, size: 0 });
    expect(decode(DW_FORM.implicit_const, [], context32, -42n)).toEqual({ value: { kind: 'constant', value: -42n, signed: true, size: 0 }, consumed: 0 });
    const sixteen = [...Array(16).keys()];
    expect(decode(DW_FORM.data16, sixteen)).toEqual({ value: { kind: 'block', bytes: Buffer.from(sixteen) }, consumed: 16 });
  });

  it('makes unit-relative references absolute and keeps section references as they are', () => {
    expect(decode(DW_FORM.ref1, [0x20]).value).toEqual({ kind: 'reference', section: '.debug_info', offset: 0x120 });
    expect(decode(DW_FORM.ref_udata, [0x80, 0x01]).value).toEqual({ kind: 'reference', section: '.debug_info', offset: 0x180 });
    expect(decode(DW_FORM.ref_addr, [0x10, 0, 0, 0]).value).toEqual({ kind: 'reference', section: '.debug_info', offset: 0x10 });
    expect(decode(DW_FORM.ref_addr, [0x10, 0, 0, 0, 0, 0, 0, 0], context64)).toEqual({ value: { kind: 'reference', section: '.debug_info', offset: 0x10 }, consumed: 8 });
    expect(decode(DW_FORM.ref_addr, [0x10, 0, 0, 0, 0, 0, 0, 0], { ...context32, version: 2 }).consumed).toBe(8); // address-sized in DWARF 2
    expect(decode(DW_FORM.ref_sup4, [4, 0, 0, 0]).value).toEqual({ kind: 'supplementary-reference', offset: 4 });
    expect(decode(DW_FORM.ref_sup8, [8, 0, 0, 0, 0, 0, 0, 0]).value).toEqual({ kind: 'supplementary-reference', offset: 8 });
    expect(decode(DW_FORM.ref_sig8, [1, 2, 3, 4, 5, 6, 7, 8]).value).toEqual({ kind: 'type-signature', signature: 0x0807060504030201n });
  });

  it('reads offsets into other sections with the offset size of the format', () => {
    expect(decode(DW_FORM.strp, [5, 0, 0, 0]).value).toEqual({ kind: 'string-offset', section: '.debug_str', offset: 5 });
    expect(decode(DW_FORM.line_strp, [5, 0, 0, 0, 0, 0, 0, 0], context64)).toEqual({ value: { kind: 'string-offset', section: '.debug_line_str', offset: 5 }, consumed: 8 });
    expect(decode(DW_FORM.strp_sup, [6, 0, 0, 0]).value).toEqual({ kind: 'supplementary-string', offset: 6 });
    expect(decode(DW_FORM.sec_offset, [7, 0, 0, 0]).value).toEqual({ kind: 'section-offset', offset: 7 });
    expect(decode(DW_FORM.loclistx, [3]).value).toEqual({ kind: 'location-list-index', index: 3 });
    expect(decode(DW_FORM.rnglistx, [4]).value).toEqual({ kind: 'range-list-index', index: 4 });
  });

  it('follows DW_FORM_indirect and reads blocks, flags and strings', () => {
    expect(decode(DW_FORM.indirect, [DW_FORM.data2, 0x34, 0x12])).toEqual({ value: { kind: 'constant', value: 0x1234n, signed: false, size: 2 }, consumed: 3 });
    expect(decode(DW_FORM.block1, [2, 0xaa, 0xbb]).value).toEqual({ kind: 'block', bytes: Buffer.from([0xaa, 0xbb]) });
    expect(decode(DW_FORM.exprloc, [1, 0x9c]).value).toEqual({ kind: 'expression', bytes: Buffer.from([0x9c]) });
    expect(decode(DW_FORM.flag_present, [])).toEqual({ value: { kind: 'flag', value: true }, consumed: 0 });
    expect(decode(DW_FORM.string, [0x68, 0x69, 0]).value).toEqual({ kind: 'string', value: 'hi' });
  });

  it('rejects unknown forms, endless indirection and truncated values with CorruptDwarfError', () => {
    expect(() => decode(0x7f, [])).toThrow(CorruptDwarfError);
    expect(() => decode(DW_FORM.indirect, Array(10).fill(DW_FORM.indirect))).toThrow(CorruptDwarfError);
    expect(() => decode(DW_FORM.data4, [1, 2])).toThrow(CorruptDwarfError);
    expect(() => decode(DW_FORM.block4, [0xff, 0xff, 0xff, 0x7f])).toThrow(CorruptDwarfError);
    expect(() => decode(DW_FORM.string, [0x68])).toThrow(CorruptDwarfError);
  });
});
