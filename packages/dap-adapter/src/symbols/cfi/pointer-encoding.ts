// Decoding of DW_EH_PE_* encoded pointers: a value format (low nibble) and what it is relative
// to (bits 4-6). Results are file addresses when the bases given are file addresses.
import type { ByteReader } from '../binary/byte-reader.js';
import { DW_EH_PE } from './constants.js';

export interface PointerBases {
  /** File address of the first byte of the reader's buffer (for DW_EH_PE_pcrel). */
  readonly sectionAddress: bigint;
  /** For DW_EH_PE_datarel: the .eh_frame_hdr address in a header table, the GOT elsewhere. */
  readonly dataAddress?: bigint;
  readonly textAddress?: bigint;
  readonly functionStart?: bigint;
}

export interface EncodedPointer {
  readonly value: bigint;
  /** DW_EH_PE_indirect: `value` is the address of the pointer, not the pointer. */
  readonly indirect: boolean;
}

const MASK = (1n << 64n) - 1n;

/** Size in bytes of a fixed-size format, or undefined for LEB128 and absptr of unknown size. */
export function encodedSize(encoding: number, addressSize: number): number | undefined {
  switch (encoding & 0x0f) {
    case DW_EH_PE.absptr: return addressSize;
    case DW_EH_PE.udata2: case DW_EH_PE.sdata2: return 2;
    case DW_EH_PE.udata4: case DW_EH_PE.sdata4: return 4;
    case DW_EH_PE.udata8: case DW_EH_PE.sdata8: return 8;
    default: return undefined;
  }
}

/** Reads the value part only (no base applied): used for FDE address ranges. */
export function readEncodedValue(reader: ByteReader, encoding: number, addressSize: number): bigint {
  const at = reader.offset;
  switch (encoding & 0x0f) {
    case DW_EH_PE.absptr: return reader.unsigned(addressSize);
    case DW_EH_PE.uleb128: return reader.uleb128Big();
    case DW_EH_PE.udata2: return BigInt(reader.u16());
    case DW_EH_PE.udata4: return BigInt(reader.u32());
    case DW_EH_PE.udata8: return reader.u64();
    case DW_EH_PE.sleb128: return reader.sleb128Big();
    case DW_EH_PE.sdata2: return BigInt(reader.i16());
    case DW_EH_PE.sdata4: return BigInt(reader.i32());
    case DW_EH_PE.sdata8: return reader.i64();
    default: return reader.fail(`unknown pointer encoding 0x${encoding.toString(16)}`, at);
  }
}

/** Reads a pointer and applies its base. Call only with an encoding other than DW_EH_PE_omit. */
export function readEncodedPointer(reader: ByteReader, encoding: number, addressSize: number, bases: PointerBases): EncodedPointer {
  const application = encoding & 0x70;
  if (application === DW_EH_PE.aligned) {
    const misalignment = reader.offset % addressSize;
    if (misalignment !== 0) reader.skip(addressSize - misalignment);
  }
  const fieldAddress = bases.sectionAddress + BigInt(reader.offset);
  const value = readEncodedValue(reader, encoding, addressSize);
  let base = 0n;
  switch (application) {
    case DW_EH_PE.absptr:
    case DW_EH_PE.aligned:
      break;
    case DW_EH_PE.pcrel: base = fieldAddress; break;
    case DW_EH_PE.datarel: base = bases.dataAddress ?? reader.fail('DW_EH_PE_datarel without a data base'); break;
    case DW_EH_PE.textrel: base = bases.textAddress ?? reader.fail('DW_EH_PE_textrel without a text base'); break;
    case DW_EH_PE.funcrel: base = bases.functionStart ?? reader.fail('DW_EH_PE_funcrel without a function start'); break;
    default: reader.fail(`unknown pointer application 0x${application.toString(16)}`);
  }
  return { value: (base + value) & MASK, indirect: (encoding & DW_EH_PE.indirect) !== 0 };
}
