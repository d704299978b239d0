// The header of a line-number program (.debug_line), versions 2 to 5: parameters of the state
// machine, the include directories and the file table (DWARF 5: self-describing entry formats).
import type { ByteReader } from '../../binary/byte-reader.js';
import type { AttributeValue } from '../units/attribute-value.js';
import { DW_FORM, DW_LNCT } from '../constants/index.js';
import { readForm, type FormContext } from '../units/form-reader.js';
import { readInitialLength } from '../initial-length.js';

export interface LineFileEntry {
  /** As written: absolute, or relative to its directory. */
  readonly name: string;
  readonly directoryIndex: number;
  /** DW_LNCT_MD5 as 32 hex digits, when the producer recorded it. */
  readonly md5?: string;
  readonly modificationTime?: bigint;
  readonly size?: bigint;
}

export interface LineProgramHeader {
  /** Offset of the header in .debug_line (the value of DW_AT_stmt_list). */
  readonly offset: number;
  /** Offset just past the program. */
  readonly end: number;
  /** Offset of the first opcode. */
  readonly programOffset: number;
  readonly version: number;
  readonly offsetSize: 4 | 8;
  /** DWARF 5 records it; earlier versions use the unit's. */
  readonly addressSize: number | undefined;
  readonly minimumInstructionLength: number;
  readonly maximumOperationsPerInstruction: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  readonly lineRange: number;
  readonly opcodeBase: number;
  /** Number of ULEB128 operands of standard opcode `i + 1`. */
  readonly standardOpcodeLengths: readonly number[];
  /** DWARF 5: index 0 is the compilation directory. DWARF 2-4: index 0 here is directory 1. */
  readonly includeDirectories: readonly string[];
  /** DWARF 5: index 0 is the primary source file. DWARF 2-4: index 0 here is file 1. */
  readonly files: readonly LineFileEntry[];
}

/** Turns string forms (strp, line_strp, strx) into text; provided by the owning unit. */
export type StringResolver = (value: AttributeValue) => string | undefined;

export function readLineProgramHeader(reader: ByteReader, resolveString: StringResolver): LineProgramHeader {
  const offset = reader.offset;
  const { length, offsetSize } = readInitialLength(reader);
  const end = reader.offset + length;
  if (end > reader.end) reader.fail(`line program length 0x${length.toString(16)} runs past the end of the section`, offset);
  const version = reader.u16();
  if (version < 2 || version > 5) reader.fail(`unknown line table version ${version}`, offset);
  let addressSize: number | undefined;
  if (version >= 5) {
    addressSize = reader.u8();
    reader.u8(); // segment_selector_size
  }
  const headerLength = reader.offsetOfSize(offsetSize);
  const programOffset = reader.offset + headerLength;
  if (programOffset > end) reader.fail('line program header longer than the program', offset);
  const minimumInstructionLength = reader.u8();
  const maximumOperationsPerInstruction = version >= 4 ? reader.u8() : 1;
  const defaultIsStmt = reader.u8() !== 0;
  const lineBase = reader.i8();
  const lineRange = reader.u8();
  const opcodeBase = reader.u8();
  if (lineRange === 0) reader.fail('line_range is 0', offset);
  if (maximumOperationsPerInstruction === 0) reader.fail('maximum_operations_per_instruction is 0', offset);
  const standardOpcodeLengths: number[] = [];
  for (let opcode = 1; opcode < opcodeBase; opcode++) standardOpcodeLengths.push(reader.u8());

  const tables = version >= 5
    ? readVersion5Tables(reader, { version, addressSize: addressSize ?? 8, offsetSize, unitOffset: offset, section: '.debug_info' }, resolveString)
    : readLegacyTables(reader);
  return {
    offset, end, programOffset, version, offsetSize, addressSize, minimumInstructionLength,
    maximumOperationsPerInstruction, defaultIsStmt, lineBase, lineRange, opcodeBase, standardOpcodeLengths,
    includeDirectories: tables.directories, files: tables.files,
  };
}

/** DWARF 2-4: NUL-terminated directory strings, then (name, dir, mtime, length) file entries. */
function readLegacyTables(reader: ByteReader): { directories: string[]; files: LineFileEntry[] } {
  const directories: string[] = [];
  for (let directory = reader.cstring(); directory !== ''; directory = reader.cstring()) directories.push(directory);
  const files: LineFileEntry[] = [];
  for (let name = reader.cstring(); name !== ''; name = reader.cstring()) files.push(readLegacyFileAttributes(reader, name));
  return { directories, files };
}

/** The part of a DWARF 2-4 file entry after its name (shared with DW_LNE_define_file). */
export function readLegacyFileAttributes(reader: ByteReader, name: string): LineFileEntry {
  return { name, directoryIndex: reader.uleb128(), modificationTime: reader.uleb128Big(), size: reader.uleb128Big() };
}

/** DWARF 5: an entry format (content type, form pairs) then the entries, for directories and files. */
function readVersion5Tables(reader: ByteReader, context: FormContext, resolveString: StringResolver): { directories: string[]; files: LineFileEntry[] } {
  const directories = readEntryTable(reader, context, resolveString).map((entry) => entry.name);
  const files = readEntryTable(reader, context, resolveString);
  return { directories, files };
}

function readEntryTable(reader: ByteReader, context: FormContext, resolveString: StringResolver): LineFileEntry[] {
  const formatCount = reader.u8();
  const format: { contentType: number; form: number }[] = [];
  for (let index = 0; index < formatCount; index++) format.push({ contentType: reader.uleb128(), form: reader.uleb128() });
  const count = reader.uleb128();
  // Every entry has a path (DWARF 5, 6.2.4.1), and every path form takes at least one byte: a
  // count larger than the bytes left, or an entry that takes none (a format without a path, or
  // of DW_FORM_flag_present only), is corrupt, and would otherwise have us build millions of
  // empty entries from a few bytes (found by fuzzing: 2 GB and a hang from a 242-byte table).
  if (count > reader.end - reader.offset) reader.fail(`${count} line table entries in ${reader.end - reader.offset} bytes`, reader.offset);
  const entries: LineFileEntry[] = [];
  for (let index = 0; index < count; index++) {
    const start = reader.offset;
    let name = '';
    let directoryIndex = 0;
    let md5: string | undefined;
    let modificationTime: bigint | undefined;
    let size: bigint | undefined;
    for (const { contentType, form } of format) {
      const at = reader.offset;
      if (form === DW_FORM.implicit_const) reader.fail('DW_FORM_implicit_const in a line table entry format', at);
      const value = readForm(reader, form, context);
      switch (contentType) {
        case DW_LNCT.path:
          name = resolveString(value) ?? '';
          break;
        case DW_LNCT.directory_index:
          if (value.kind !== 'constant') reader.fail('DW_LNCT_directory_index is not a constant', at);
          directoryIndex = Number(value.value);
          break;
        case DW_LNCT.MD5:
          if (value.kind === 'block') md5 = value.bytes.toString('hex');
          break;
        case DW_LNCT.timestamp:
          if (value.kind === 'constant') modificationTime = value.value;
          break;
        case DW_LNCT.size:
          if (value.kind === 'constant') size = value.value;
          break;
        default:
          break; // vendor content types (e.g. LLVM's source): their form told us how to skip them
      }
    }
    if (reader.offset === start) reader.fail('a line table entry that takes no bytes (its format has no path)', start);
    entries.push({ name, directoryIndex, md5, modificationTime, size });
  }
  return entries;
}
