// The line-number state machine (DWARF 5 §6.2.2): runs a line program and returns its rows,
// grouped in sequences (a run of increasing addresses closed by DW_LNE_end_sequence).
import type { ByteReader } from '../../binary/byte-reader.js';
import { DW_LNE, DW_LNS } from '../constants/index.js';
import { readLegacyFileAttributes, type LineFileEntry, type LineProgramHeader } from './line-program-header.js';

export interface LineRow {
  readonly address: bigint;
  readonly opIndex: number;
  /** File register: an index into the header's file table (1-based before DWARF 5). */
  readonly file: number;
  readonly line: number;
  readonly column: number;
  readonly isStmt: boolean;
  readonly basicBlock: boolean;
  /** The first address past the sequence; this row describes no instruction. */
  readonly endSequence: boolean;
  readonly prologueEnd: boolean;
  readonly epilogueBegin: boolean;
  readonly isa: number;
  readonly discriminator: number;
}

export interface LineSequence {
  readonly start: bigint;
  /** Address of the end_sequence row: the sequence covers [start, end). */
  readonly end: bigint;
  /** The rows in program order, the end_sequence row last. */
  readonly rows: readonly LineRow[];
}

export interface LineProgramResult {
  readonly sequences: LineSequence[];
  /** Files added by DW_LNE_define_file (DWARF 2-4), numbered after the header's. */
  readonly definedFiles: LineFileEntry[];
}

const ADDRESS_MASK = (1n << 64n) - 1n;

/** Runs the program between `header.programOffset` and `header.end`. */
export function runLineProgram(reader: ByteReader, header: LineProgramHeader, unitAddressSize: number): LineProgramResult {
  const sequences: LineSequence[] = [];
  const definedFiles: LineFileEntry[] = [];
  const minimumLength = BigInt(header.minimumInstructionLength);
  const maxOps = header.maximumOperationsPerInstruction;

  let rows: LineRow[] = [];
  let address = 0n;
  let opIndex = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStmt = header.defaultIsStmt;
  let basicBlock = false;
  let prologueEnd = false;
  let epilogueBegin = false;
  let isa = 0;
  let discriminator = 0;

  const reset = (): void => {
    address = 0n; opIndex = 0; file = 1; line = 1; column = 0; isStmt = header.defaultIsStmt;
    basicBlock = false; prologueEnd = false; epilogueBegin = false; isa = 0; discriminator = 0;
  };
  const emit = (endSequence: boolean): void => {
    rows.push({ address, opIndex, file, line, column, isStmt, basicBlock, endSequence, prologueEnd, epilogueBegin, isa, discriminator });
    basicBlock = false; prologueEnd = false; epilogueBegin = false; discriminator = 0;
  };
  // "operation advance": VLIW targets advance an index inside the instruction; x86 has maxOps 1.
  const advance = (operations: number): void => {
    if (maxOps === 1) {
      address = (address + minimumLength * BigInt(operations)) & ADDRESS_MASK;
    } else {
      const total = opIndex + operations;
      address = (address + minimumLength * BigInt(Math.floor(total / maxOps))) & ADDRESS_MASK;
      opIndex = total % maxOps;
    }
  };

  reader.seek(header.programOffset);
  const program = reader.slice(header.end - header.programOffset);
  while (!program.atEnd()) {
    const opcode = program.u8();
    if (opcode >= header.opcodeBase) {
      const adjusted = opcode - header.opcodeBase;
      advance(Math.floor(adjusted / header.lineRange));
      line += header.lineBase + (adjusted % header.lineRange);
      emit(false);
      continue;
    }
    if (opcode === 0) {
      const length = program.uleb128();
      const start = program.offset;
      const extended = program.slice(length);
      program.skip(length);
      if (length === 0) continue;
      const sub = extended.u8();
      switch (sub) {
        case DW_LNE.end_sequence: {
          emit(true);
          sequences.push({ start: rows[0]!.address, end: address, rows });
          rows = [];
          reset();
          break;
        }
        case DW_LNE.set_address:
          address = extended.unsigned(length - 1 === 4 || length - 1 === 8 ? length - 1 : (header.addressSize ?? unitAddressSize));
          opIndex = 0;
          break;
        case DW_LNE.define_file:
          definedFiles.push(readLegacyFileAttributes(extended, extended.cstring()));
          break;
        case DW_LNE.set_discriminator:
          discriminator = extended.uleb128();
          break;
        default:
          break; // unknown extended opcodes carry their length: skipped
      }
      program.seek(start + length);
      continue;
    }
    switch (opcode) {
      case DW_LNS.copy: emit(false); break;
      case DW_LNS.advance_pc: advance(program.uleb128()); break;
      case DW_LNS.advance_line: line += program.sleb128(); break;
      case DW_LNS.set_file: file = program.uleb128(); break;
      case DW_LNS.set_column: column = program.uleb128(); break;
      case DW_LNS.negate_stmt: isStmt = !isStmt; break;
      case DW_LNS.set_basic_block: basicBlock = true; break;
      case DW_LNS.const_add_pc: advance(Math.floor((255 - header.opcodeBase) / header.lineRange)); break;
      case DW_LNS.fixed_advance_pc: address = (address + BigInt(program.u16())) & ADDRESS_MASK; opIndex = 0; break;
      case DW_LNS.set_prologue_end: prologueEnd = true; break;
      case DW_LNS.set_epilogue_begin: epilogueBegin = true; break;
      case DW_LNS.set_isa: isa = program.uleb128(); break;
      default: {
        // An opcode this reader does not know, from a newer standard: the header says how many
        // ULEB128 operands it has.
        const operands = header.standardOpcodeLengths[opcode - 1] ?? 0;
        for (let index = 0; index < operands; index++) program.uleb128();
      }
    }
  }
  // Rows after the last end_sequence belong to no complete sequence: they are dropped.
  return { sequences, definedFiles };
}
