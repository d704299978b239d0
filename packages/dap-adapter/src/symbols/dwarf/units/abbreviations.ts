import type { ByteReader } from '../../binary/byte-reader.js';
import { DW_FORM } from '../constants/index.js';

export interface AttributeSpec {
  readonly name: number;
  readonly form: number;
  /** The value stored in the abbreviation itself for DW_FORM_implicit_const. */
  readonly implicitConst?: bigint;
}

export interface Abbreviation {
  readonly code: number;
  readonly tag: number;
  readonly hasChildren: boolean;
  readonly attributes: readonly AttributeSpec[];
}

export type AbbreviationTable = ReadonlyMap<number, Abbreviation>;

/** Parses the abbreviation table that starts at the reader's position (up to its 0 code). */
export function readAbbreviationTable(reader: ByteReader): AbbreviationTable {
  const table = new Map<number, Abbreviation>();
  for (;;) {
    const code = reader.uleb128();
    if (code === 0) break;
    const tag = reader.uleb128();
    const hasChildren = reader.u8() !== 0;
    const attributes: AttributeSpec[] = [];
    for (;;) {
      const name = reader.uleb128();
      const form = reader.uleb128();
      if (name === 0 && form === 0) break;
      if (form === DW_FORM.implicit_const) attributes.push({ name, form, implicitConst: reader.sleb128Big() });
      else attributes.push({ name, form });
    }
    table.set(code, { code, tag, hasChildren, attributes });
  }
  return table;
}
