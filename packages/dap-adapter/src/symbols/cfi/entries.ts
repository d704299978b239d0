// CIE and FDE records of .eh_frame (GNU/LSB format) and .debug_frame (DWARF versions 1, 3, 4).
import type { ByteReader } from '../binary/byte-reader.js';
import { DW_EH_PE } from './constants.js';
import { readEncodedPointer, readEncodedValue, type PointerBases } from './pointer-encoding.js';

export type FrameSectionKind = 'eh_frame' | 'debug_frame';

/** Common Information Entry: what the FDEs that point to it share. */
export interface CommonInformationEntry {
  readonly offset: number;
  readonly version: number;
  readonly augmentation: string;
  readonly addressSize: number;
  readonly codeAlignment: bigint;
  readonly dataAlignment: bigint;
  /** The column holding the return address (16, rip, on x86-64). */
  readonly returnAddressRegister: number;
  /** Encoding of FDE addresses ('R' augmentation); absptr otherwise. */
  readonly fdeEncoding: number;
  /** Encoding of the LSDA pointer in FDEs ('L'), or omit. */
  readonly lsdaEncoding: number;
  /** The personality routine's address ('P'), when present. */
  readonly personality: bigint | undefined;
  /** 'S': the frame is a signal trampoline; its pc is not a return address. */
  readonly isSignalFrame: boolean;
  /** 'z': FDEs carry an augmentation data length. */
  readonly hasAugmentationData: boolean;
  readonly initialInstructions: Buffer;
}

/** Frame Description Entry: the unwind rules of one function (or part of one). */
export interface FrameDescriptionEntry {
  readonly offset: number;
  readonly cie: CommonInformationEntry;
  /** The FDE covers [pcBegin, pcEnd), file addresses. */
  readonly pcBegin: bigint;
  readonly pcEnd: bigint;
  readonly lsda: bigint | undefined;
  readonly instructions: Buffer;
}

export type FrameEntryHeader =
  | { readonly kind: 'cie'; readonly offset: number; readonly end: number }
  | { readonly kind: 'fde'; readonly offset: number; readonly end: number; readonly cieOffset: number }
  /** A zero length word: the end of .eh_frame. */
  | { readonly kind: 'terminator'; readonly offset: number; readonly end: number };

/**
 * Reads the length and id of the entry at the reader's position and leaves the reader after the
 * id. The id tells CIEs from FDEs: 0 in .eh_frame, all ones in .debug_frame; an FDE's id points
 * to its CIE (backwards from the id field in .eh_frame, from the section start in .debug_frame).
 */
export function readEntryHeader(reader: ByteReader, kind: FrameSectionKind): FrameEntryHeader {
  const offset = reader.offset;
  let length = reader.u32();
  let is64 = false;
  if (length === 0xffffffff) {
    length = reader.u64AsNumber();
    is64 = true;
  }
  if (length === 0) return { kind: 'terminator', offset, end: reader.offset };
  const end = reader.offset + length;
  if (end > reader.end) reader.fail(`entry length 0x${length.toString(16)} runs past the end of the section`, offset);
  const idOffset = reader.offset;
  const id = is64 ? reader.u64() : BigInt(reader.u32());
  const cieId = kind === 'eh_frame' ? 0n : is64 ? 0xffffffffffffffffn : 0xffffffffn;
  if (id === cieId) return { kind: 'cie', offset, end };
  const cieOffset = kind === 'eh_frame' ? idOffset - Number(id) : Number(id);
  if (cieOffset < 0 || cieOffset >= reader.end) reader.fail(`FDE points to a CIE outside of the section (0x${id.toString(16)})`, offset);
  return { kind: 'fde', offset, end, cieOffset };
}

/** Parses a CIE whose header has just been read. */
export function readCie(reader: ByteReader, header: FrameEntryHeader, defaultAddressSize: number, bases: PointerBases): CommonInformationEntry {
  const version = reader.u8();
  if (version !== 1 && version !== 3 && version !== 4) reader.fail(`unknown CIE version ${version}`, header.offset);
  const augmentation = reader.cstring();
  let addressSize = defaultAddressSize;
  if (augmentation.includes('eh')) reader.skip(defaultAddressSize); // pre-"z" GNU: eh_ptr
  if (version >= 4) {
    addressSize = reader.u8();
    reader.u8(); // segment_selector_size
    if (addressSize !== 4 && addressSize !== 8) reader.fail(`unsupported CIE address size ${addressSize}`, header.offset);
  }
  const codeAlignment = reader.uleb128Big();
  const dataAlignment = reader.sleb128Big();
  const returnAddressRegister = version === 1 ? reader.u8() : reader.uleb128();

  let fdeEncoding: number = DW_EH_PE.absptr;
  let lsdaEncoding: number = DW_EH_PE.omit;
  let personality: bigint | undefined;
  let isSignalFrame = false;
  const hasAugmentationData = augmentation.startsWith('z');
  if (hasAugmentationData) {
    const dataLength = reader.uleb128();
    const dataEnd = reader.offset + dataLength;
    if (dataEnd > header.end) reader.fail('CIE augmentation data runs past the entry', header.offset);
    for (const letter of augmentation.slice(1)) {
      if (letter === 'L') lsdaEncoding = reader.u8();
      else if (letter === 'R') fdeEncoding = reader.u8();
      else if (letter === 'P') {
        const encoding = reader.u8();
        personality = readEncodedPointer(reader, encoding, addressSize, bases).value;
      } else if (letter === 'S') isSignalFrame = true;
      else break; // 'B', 'G' and unknown letters: the rest of the data is skipped by its length
    }
    reader.seek(dataEnd);
  } else if (augmentation !== '' && !augmentation.includes('eh')) {
    reader.fail(`unknown CIE augmentation "${augmentation}"`, header.offset);
  }
  if (reader.offset > header.end) reader.fail('CIE fields run past the entry', header.offset);
  return {
    offset: header.offset, version, augmentation, addressSize, codeAlignment, dataAlignment, returnAddressRegister,
    fdeEncoding, lsdaEncoding, personality, isSignalFrame, hasAugmentationData,
    initialInstructions: reader.bytes(header.end - reader.offset),
  };
}

/** Parses an FDE whose header has just been read, given its CIE. */
export function readFde(reader: ByteReader, header: FrameEntryHeader, cie: CommonInformationEntry, bases: PointerBases): FrameDescriptionEntry {
  const pcBegin = readEncodedPointer(reader, cie.fdeEncoding, cie.addressSize, bases).value;
  // The range is a length: same value format as the start, but never relative to anything.
  const pcRange = readEncodedValue(reader, cie.fdeEncoding & 0x0f, cie.addressSize);
  let lsda: bigint | undefined;
  if (cie.hasAugmentationData) {
    const dataLength = reader.uleb128();
    const dataEnd = reader.offset + dataLength;
    if (dataEnd > header.end) reader.fail('FDE augmentation data runs past the entry', header.offset);
    if (cie.lsdaEncoding !== DW_EH_PE.omit && dataLength > 0) {
      lsda = readEncodedPointer(reader, cie.lsdaEncoding, cie.addressSize, { ...bases, functionStart: pcBegin }).value;
    }
    reader.seek(dataEnd);
  }
  if (reader.offset > header.end) reader.fail('FDE fields run past the entry', header.offset);
  return {
    offset: header.offset, cie, pcBegin, pcEnd: (pcBegin + pcRange) & ((1n << 64n) - 1n), lsda,
    instructions: reader.bytes(header.end - reader.offset),
  };
}
