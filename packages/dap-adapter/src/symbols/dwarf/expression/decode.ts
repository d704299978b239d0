// Splits a DWARF expression into operations with decoded operands. Shared by the evaluator and
// the formatter; any malformed byte sequence becomes a DwarfExpressionError.
import { ByteReader } from '../../binary/byte-reader.js';
import { DwarfExpressionError } from '../../errors.js';
import { DW_OP } from '../constants/index.js';

export interface ExpressionFormat {
  readonly addressSize: number;
  /** Size of DIE references in DW_OP_call_ref / implicit_pointer (4 in 32-bit DWARF). */
  readonly offsetSize: 4 | 8;
}

export const X86_64_EXPRESSION_FORMAT: ExpressionFormat = { addressSize: 8, offsetSize: 4 };

export interface Operation {
  /** Byte offset of the opcode in the expression (branch targets are byte offsets). */
  readonly offset: number;
  readonly opcode: number;
  /** Integer operands in order (constants, register numbers, offsets, sizes, type DIE offsets). */
  readonly operands: readonly bigint[];
  /** Byte operands: DW_OP_implicit_value data, entry_value sub-expression, const_type value. */
  readonly block?: Buffer;
  /** Byte offset of the next operation. */
  readonly next: number;
}

export function decodeExpression(bytes: Buffer, format: ExpressionFormat = X86_64_EXPRESSION_FORMAT): Operation[] {
  const reader = new ByteReader(bytes, (offset, reason) => new DwarfExpressionError(`malformed expression: ${reason}`, offset));
  const operations: Operation[] = [];
  while (!reader.atEnd()) {
    const offset = reader.offset;
    const opcode = reader.u8();
    const { operands, block } = readOperands(reader, opcode, format);
    operations.push({ offset, opcode, operands, block, next: reader.offset });
  }
  return operations;
}

function readOperands(reader: ByteReader, opcode: number, format: ExpressionFormat): { operands: bigint[]; block?: Buffer } {
  if (opcode >= DW_OP.lit0 && opcode <= DW_OP.lit31) return { operands: [] };
  if (opcode >= DW_OP.reg0 && opcode <= DW_OP.reg31) return { operands: [] };
  if (opcode >= DW_OP.breg0 && opcode <= DW_OP.breg31) return { operands: [reader.sleb128Big()] };
  switch (opcode) {
    case DW_OP.addr: return { operands: [reader.unsigned(format.addressSize)] };
    case DW_OP.const1u: return { operands: [BigInt(reader.u8())] };
    case DW_OP.const1s: return { operands: [BigInt(reader.i8())] };
    case DW_OP.const2u: return { operands: [BigInt(reader.u16())] };
    case DW_OP.const2s: return { operands: [BigInt(reader.i16())] };
    case DW_OP.const4u: return { operands: [BigInt(reader.u32())] };
    case DW_OP.const4s: return { operands: [BigInt(reader.i32())] };
    case DW_OP.const8u: return { operands: [reader.u64()] };
    case DW_OP.const8s: return { operands: [reader.i64()] };
    case DW_OP.constu:
    case DW_OP.plus_uconst:
    case DW_OP.regx:
    case DW_OP.piece:
    case DW_OP.addrx:
    case DW_OP.constx:
    case DW_OP.GNU_addr_index:
    case DW_OP.GNU_const_index:
    case DW_OP.convert:
    case DW_OP.GNU_convert:
    case DW_OP.reinterpret:
    case DW_OP.GNU_reinterpret:
      return { operands: [reader.uleb128Big()] };
    case DW_OP.consts:
    case DW_OP.fbreg:
      return { operands: [reader.sleb128Big()] };
    case DW_OP.pick:
    case DW_OP.deref_size:
    case DW_OP.xderef_size:
      return { operands: [BigInt(reader.u8())] };
    case DW_OP.skip:
    case DW_OP.bra:
      return { operands: [BigInt(reader.i16())] };
    case DW_OP.call2: return { operands: [BigInt(reader.u16())] };
    case DW_OP.call4: return { operands: [BigInt(reader.u32())] };
    case DW_OP.call_ref:
    case DW_OP.GNU_variable_value:
      return { operands: [reader.unsigned(format.offsetSize)] };
    case DW_OP.bregx: return { operands: [reader.uleb128Big(), reader.sleb128Big()] };
    case DW_OP.bit_piece: return { operands: [reader.uleb128Big(), reader.uleb128Big()] };
    case DW_OP.implicit_value: {
      const length = reader.uleb128();
      return { operands: [BigInt(length)], block: reader.bytes(length) };
    }
    case DW_OP.implicit_pointer:
    case DW_OP.GNU_implicit_pointer:
      return { operands: [reader.unsigned(format.offsetSize), reader.sleb128Big()] };
    case DW_OP.entry_value:
    case DW_OP.GNU_entry_value: {
      const length = reader.uleb128();
      return { operands: [BigInt(length)], block: reader.bytes(length) };
    }
    case DW_OP.const_type:
    case DW_OP.GNU_const_type: {
      const type = reader.uleb128Big();
      const length = reader.u8();
      return { operands: [type, BigInt(length)], block: reader.bytes(length) };
    }
    case DW_OP.regval_type:
    case DW_OP.GNU_regval_type:
      return { operands: [reader.uleb128Big(), reader.uleb128Big()] };
    case DW_OP.deref_type:
    case DW_OP.GNU_deref_type:
    case DW_OP.xderef_type:
      return { operands: [BigInt(reader.u8()), reader.uleb128Big()] };
    case DW_OP.GNU_parameter_ref: return { operands: [BigInt(reader.u32())] };
    case DW_OP.deref: case DW_OP.dup: case DW_OP.drop: case DW_OP.over: case DW_OP.swap: case DW_OP.rot:
    case DW_OP.xderef: case DW_OP.abs: case DW_OP.and: case DW_OP.div: case DW_OP.minus: case DW_OP.mod:
    case DW_OP.mul: case DW_OP.neg: case DW_OP.not: case DW_OP.or: case DW_OP.plus: case DW_OP.shl:
    case DW_OP.shr: case DW_OP.shra: case DW_OP.xor: case DW_OP.eq: case DW_OP.ge: case DW_OP.gt:
    case DW_OP.le: case DW_OP.lt: case DW_OP.ne: case DW_OP.nop: case DW_OP.push_object_address:
    case DW_OP.form_tls_address: case DW_OP.GNU_push_tls_address: case DW_OP.call_frame_cfa:
    case DW_OP.stack_value: case DW_OP.GNU_uninit:
      return { operands: [] };
    default:
      throw new DwarfExpressionError(`unknown DWARF expression opcode 0x${opcode.toString(16)}`, reader.offset - 1);
  }
}
