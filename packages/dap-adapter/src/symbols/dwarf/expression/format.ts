// Human-readable DWARF expressions in the style of llvm-dwarfdump ("DW_OP_breg7 RSP+8",
// "DW_OP_entry_value(DW_OP_reg5 RDI), DW_OP_stack_value"): for logs, hover text and tests.
import { DW_OP } from '../constants/index.js';
import { x86_64RegisterName } from '../x86_64-registers.js';
import { decodeExpression, X86_64_EXPRESSION_FORMAT, type ExpressionFormat, type Operation } from './decode.js';

const opcodeNames = new Map<number, string>(Object.entries(DW_OP).map(([name, value]) => [value, `DW_OP_${name}`]));

/** Operations whose operands are signed (printed in decimal); the others print in hex. */
const signedOperands = new Set<number>([
  DW_OP.const1s, DW_OP.const2s, DW_OP.const4s, DW_OP.const8s, DW_OP.consts, DW_OP.fbreg, DW_OP.skip, DW_OP.bra,
]);

export function operationName(opcode: number): string {
  if (opcode >= DW_OP.lit0 && opcode <= DW_OP.lit31) return `DW_OP_lit${opcode - DW_OP.lit0}`;
  if (opcode >= DW_OP.reg0 && opcode <= DW_OP.reg31) return `DW_OP_reg${opcode - DW_OP.reg0}`;
  if (opcode >= DW_OP.breg0 && opcode <= DW_OP.breg31) return `DW_OP_breg${opcode - DW_OP.breg0}`;
  return opcodeNames.get(opcode) ?? `DW_OP_unknown_0x${opcode.toString(16)}`;
}

export function formatExpression(bytes: Buffer, format: ExpressionFormat = X86_64_EXPRESSION_FORMAT): string {
  return decodeExpression(bytes, format).map((operation) => formatOperation(operation, format)).join(', ');
}

function formatOperation(operation: Operation, format: ExpressionFormat): string {
  const { opcode, operands } = operation;
  const name = operationName(opcode);
  const register = (number: bigint): string => x86_64RegisterName(Number(number)).toUpperCase();
  const withSign = (value: bigint): string => (value < 0n ? `${value}` : `+${value}`);
  if (opcode >= DW_OP.reg0 && opcode <= DW_OP.reg31) return `${name} ${register(BigInt(opcode - DW_OP.reg0))}`;
  if (opcode >= DW_OP.breg0 && opcode <= DW_OP.breg31) return `${name} ${register(BigInt(opcode - DW_OP.breg0))}${withSign(operands[0]!)}`;
  switch (opcode) {
    case DW_OP.regx: return `${name} ${register(operands[0]!)}`;
    case DW_OP.bregx: return `${name} ${register(operands[0]!)}${withSign(operands[1]!)}`;
    case DW_OP.entry_value:
    case DW_OP.GNU_entry_value:
      return `${name}(${formatExpression(operation.block!, format)})`;
    case DW_OP.implicit_value:
      return `${name} 0x${operands[0]!.toString(16)} ${[...operation.block!].map((byte) => `0x${byte.toString(16).padStart(2, '0')}`).join(' ')}`;
    case DW_OP.implicit_pointer:
    case DW_OP.GNU_implicit_pointer:
      return `${name} 0x${operands[0]!.toString(16)} ${withSign(operands[1]!)}`;
    default:
      break;
  }
  if (operands.length === 0) return name;
  const rendered = operands.map((value) => (signedOperands.has(opcode) ? value.toString() : `0x${value.toString(16)}`));
  return `${name} ${rendered.join(' ')}`;
}
