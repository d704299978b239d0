import type { ByteReader } from '../../binary/byte-reader.js';
import type { AttributeValue } from './attribute-value.js';
import { DW_FORM } from '../constants/index.js';

/** What decoding a form depends on: the unit's format and where it sits. */
export interface FormContext {
  readonly version: number;
  readonly addressSize: number;
  readonly offsetSize: 4 | 8;
  /** Section offset of the unit header (unit-relative references are made absolute with it). */
  readonly unitOffset: number;
  readonly section: '.debug_info' | '.debug_types';
}

/** Bound on DW_FORM_indirect chains, so hostile data cannot recurse without end. */
const MAX_INDIRECTION = 4;

/** Decodes one attribute value of the given form at the reader's position. */
export function readForm(reader: ByteReader, form: number, context: FormContext, implicitConst?: bigint, depth = 0): AttributeValue {
  const start = reader.offset;
  switch (form) {
    case DW_FORM.addr:
      return { kind: 'address', value: reader.unsigned(context.addressSize) };
    case DW_FORM.addrx:
    case DW_FORM.GNU_addr_index:
      return { kind: 'address-index', index: reader.uleb128() };
    case DW_FORM.addrx1: return { kind: 'address-index', index: reader.u8() };
    case DW_FORM.addrx2: return { kind: 'address-index', index: reader.u16() };
    case DW_FORM.addrx3: return { kind: 'address-index', index: reader.u24() };
    case DW_FORM.addrx4: return { kind: 'address-index', index: reader.u32() };

    case DW_FORM.data1: return { kind: 'constant', value: BigInt(reader.u8()), signed: false, size: 1 };
    case DW_FORM.data2: return { kind: 'constant', value: BigInt(reader.u16()), signed: false, size: 2 };
    case DW_FORM.data4: return { kind: 'constant', value: BigInt(reader.u32()), signed: false, size: 4 };
    case DW_FORM.data8: return { kind: 'constant', value: reader.u64(), signed: false, size: 8 };
    case DW_FORM.data16: return { kind: 'block', bytes: reader.bytes(16) };
    case DW_FORM.udata: return { kind: 'constant', value: reader.uleb128Big(), signed: false, size: 0 };
    case DW_FORM.sdata: return { kind: 'constant', value: reader.sleb128Big(), signed: true, size: 0 };
    case DW_FORM.implicit_const:
      if (implicitConst === undefined) return reader.fail('DW_FORM_implicit_const outside of an abbreviation', start);
      return { kind: 'constant', value: implicitConst, signed: true, size: 0 };

    case DW_FORM.block1: return { kind: 'block', bytes: reader.bytes(reader.u8()) };
    case DW_FORM.block2: return { kind: 'block', bytes: reader.bytes(reader.u16()) };
    case DW_FORM.block4: return { kind: 'block', bytes: reader.bytes(reader.u32()) };
    case DW_FORM.block: return { kind: 'block', bytes: reader.bytes(reader.uleb128()) };
    case DW_FORM.exprloc: return { kind: 'expression', bytes: reader.bytes(reader.uleb128()) };

    case DW_FORM.flag: return { kind: 'flag', value: reader.u8() !== 0 };
    case DW_FORM.flag_present: return { kind: 'flag', value: true };

    case DW_FORM.string: return { kind: 'string', value: reader.cstring() };
    case DW_FORM.strp: return { kind: 'string-offset', section: '.debug_str', offset: reader.offsetOfSize(context.offsetSize) };
    case DW_FORM.line_strp: return { kind: 'string-offset', section: '.debug_line_str', offset: reader.offsetOfSize(context.offsetSize) };
    case DW_FORM.strp_sup:
    case DW_FORM.GNU_strp_alt:
      return { kind: 'supplementary-string', offset: reader.offsetOfSize(context.offsetSize) };
    case DW_FORM.strx:
    case DW_FORM.GNU_str_index:
      return { kind: 'string-index', index: reader.uleb128() };
    case DW_FORM.strx1: return { kind: 'string-index', index: reader.u8() };
    case DW_FORM.strx2: return { kind: 'string-index', index: reader.u16() };
    case DW_FORM.strx3: return { kind: 'string-index', index: reader.u24() };
    case DW_FORM.strx4: return { kind: 'string-index', index: reader.u32() };

    case DW_FORM.ref1: return localReference(context, reader.u8());
    case DW_FORM.ref2: return localReference(context, reader.u16());
    case DW_FORM.ref4: return localReference(context, reader.u32());
    case DW_FORM.ref8: return localReference(context, reader.u64AsNumber());
    case DW_FORM.ref_udata: return localReference(context, reader.uleb128());
    case DW_FORM.ref_addr:
      // DWARF 2 sized ref_addr like an address; later versions like an offset.
      return {
        kind: 'reference',
        section: '.debug_info',
        offset: context.version <= 2 ? Number(reader.unsigned(context.addressSize)) : reader.offsetOfSize(context.offsetSize),
      };
    case DW_FORM.ref_sup4: return { kind: 'supplementary-reference', offset: reader.u32() };
    case DW_FORM.ref_sup8: return { kind: 'supplementary-reference', offset: reader.u64AsNumber() };
    case DW_FORM.GNU_ref_alt: return { kind: 'supplementary-reference', offset: reader.offsetOfSize(context.offsetSize) };
    case DW_FORM.ref_sig8: return { kind: 'type-signature', signature: reader.u64() };

    case DW_FORM.sec_offset: return { kind: 'section-offset', offset: reader.offsetOfSize(context.offsetSize) };
    case DW_FORM.loclistx: return { kind: 'location-list-index', index: reader.uleb128() };
    case DW_FORM.rnglistx: return { kind: 'range-list-index', index: reader.uleb128() };

    case DW_FORM.indirect: {
      const actual = reader.uleb128();
      if (depth >= MAX_INDIRECTION) return reader.fail('DW_FORM_indirect chain too long', start);
      return readForm(reader, actual, context, implicitConst, depth + 1);
    }
    default:
      return reader.fail(`unknown attribute form 0x${form.toString(16)}`, start);
  }
}

function localReference(context: FormContext, unitRelative: number): AttributeValue {
  return { kind: 'reference', section: context.section, offset: context.unitOffset + unitRelative };
}
