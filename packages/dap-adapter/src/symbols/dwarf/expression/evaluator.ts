// The DWARF expression stack machine (DWARF 5 §2.5-2.6), for variable locations, frame bases
// and CFI rules. Values are 64-bit ("generic type" of an 8-byte address target): arithmetic
// wraps, comparisons and division are signed as the standard specifies.
import { DwarfExpressionError } from '../../errors.js';
import { DW_OP } from '../constants/index.js';
import { decodeExpression, X86_64_EXPRESSION_FORMAT, type ExpressionFormat, type Operation } from './decode.js';
import type { ExpressionContext, Location, LocationPiece } from './location.js';

/** Evaluation stops after this many operations: branches can loop forever on hostile data. */
const MAX_STEPS = 100_000;
const MASK = (1n << 64n) - 1n;

type SimpleLocation = Exclude<Location, { kind: 'composite' }>;

export interface EvaluationOptions {
  readonly format?: ExpressionFormat;
  /** Values pushed before the first operation (CFI DW_CFA_expression pushes the CFA). */
  readonly initialStack?: readonly bigint[];
}

/** Evaluates a location expression to where the object is. */
export function evaluateLocation(expression: Buffer, context: ExpressionContext, options: EvaluationOptions = {}): Location {
  return new Machine(context, options.format ?? X86_64_EXPRESSION_FORMAT).run(expression, options.initialStack ?? []);
}

/**
 * Evaluates an expression that computes a value (a CFA, a frame base, a CFI val_expression):
 * the top of the stack, or the contents of the register it names (DW_OP_regN as a frame base).
 */
export function evaluateValue(expression: Buffer, context: ExpressionContext, options: EvaluationOptions = {}): bigint {
  const location = evaluateLocation(expression, context, options);
  switch (location.kind) {
    case 'memory': return location.address;
    case 'register': return readRegister(context, location.register);
    case 'implicit-value':
      if (location.bytes.length > 8) throw new DwarfExpressionError('value wider than 64 bits');
      return fromBytes(location.bytes);
    default:
      throw new DwarfExpressionError(`expression yields a ${location.kind} location, not a value`);
  }
}

class Machine {
  private stack: bigint[] = [];
  /** A location set by DW_OP_regN, stack_value, implicit_value...: it ends a simple description. */
  private pending: SimpleLocation | undefined;
  private readonly pieces: LocationPiece[] = [];
  private steps = 0;

  constructor(private readonly context: ExpressionContext, private readonly format: ExpressionFormat) {}

  run(expression: Buffer, initialStack: readonly bigint[]): Location {
    this.stack = initialStack.map((value) => value & MASK);
    const operations = decodeExpression(expression, this.format);
    const indexByOffset = new Map(operations.map((operation, index) => [operation.offset, index]));
    let index = 0;
    while (index < operations.length) {
      if (++this.steps > MAX_STEPS) throw new DwarfExpressionError('expression does not terminate');
      const operation = operations[index]!;
      const result = this.step(operation);
      if (result === 'optimized-out') return { kind: 'optimized-out' };
      if (typeof result === 'number') {
        // A branch: the target is a byte offset; it must be the start of an operation or the end.
        if (result === expression.length) break;
        const target = indexByOffset.get(result);
        if (target === undefined) throw new DwarfExpressionError(`branch to offset ${result}, not an operation`, operation.offset);
        index = target;
      } else {
        index++;
      }
    }
    if (this.pieces.length > 0) return { kind: 'composite', pieces: this.pieces };
    return this.simpleLocation() ?? { kind: 'optimized-out' };
  }

  /** Executes one operation; returns a branch target offset, or 'optimized-out' to stop. */
  private step(operation: Operation): number | 'optimized-out' | undefined {
    const { opcode, operands } = operation;
    const operand = (position: number): bigint => operands[position]!;
    if (opcode >= DW_OP.lit0 && opcode <= DW_OP.lit31) return this.push(BigInt(opcode - DW_OP.lit0));
    if (opcode >= DW_OP.reg0 && opcode <= DW_OP.reg31) return this.setPending({ kind: 'register', register: opcode - DW_OP.reg0 });
    if (opcode >= DW_OP.breg0 && opcode <= DW_OP.breg31) return this.push(this.register(opcode - DW_OP.breg0) + operand(0));
    switch (opcode) {
      case DW_OP.addr: return this.push(operand(0) + this.context.loadBias);
      case DW_OP.addrx:
      case DW_OP.GNU_addr_index:
        return this.push(this.indexedAddress(operand(0), operation) + this.context.loadBias);
      case DW_OP.constx:
      case DW_OP.GNU_const_index:
        return this.push(this.indexedAddress(operand(0), operation));
      case DW_OP.const1u: case DW_OP.const1s: case DW_OP.const2u: case DW_OP.const2s:
      case DW_OP.const4u: case DW_OP.const4s: case DW_OP.const8u: case DW_OP.const8s:
      case DW_OP.constu: case DW_OP.consts:
        return this.push(operand(0));

      case DW_OP.dup: return this.push(this.peek(0, operation));
      case DW_OP.drop: this.pop(operation); return undefined;
      case DW_OP.over: return this.push(this.peek(1, operation));
      case DW_OP.pick: return this.push(this.peek(Number(operand(0)), operation));
      case DW_OP.swap: {
        const top = this.pop(operation);
        const second = this.pop(operation);
        this.push(top);
        return this.push(second);
      }
      case DW_OP.rot: {
        const top = this.pop(operation);
        const second = this.pop(operation);
        const third = this.pop(operation);
        this.push(top);
        this.push(third);
        return this.push(second);
      }

      case DW_OP.deref: return this.push(this.load(this.pop(operation), this.format.addressSize, operation));
      case DW_OP.deref_size: return this.push(this.load(this.pop(operation), Number(operand(0)), operation));
      case DW_OP.xderef: {
        const address = this.pop(operation);
        this.pop(operation); // address space identifier: Linux has one address space
        return this.push(this.load(address, this.format.addressSize, operation));
      }
      case DW_OP.xderef_size: {
        const address = this.pop(operation);
        this.pop(operation);
        return this.push(this.load(address, Number(operand(0)), operation));
      }
      case DW_OP.deref_type:
      case DW_OP.GNU_deref_type:
        return this.push(this.load(this.pop(operation), Number(operand(0)), operation));
      case DW_OP.xderef_type: {
        const address = this.pop(operation);
        this.pop(operation);
        return this.push(this.load(address, Number(operand(0)), operation));
      }

      case DW_OP.abs: {
        const value = signed(this.pop(operation));
        return this.push(value < 0n ? -value : value);
      }
      case DW_OP.neg: return this.push(-this.pop(operation));
      case DW_OP.not: return this.push(~this.pop(operation));
      case DW_OP.and: return this.binary(operation, (a, b) => a & b);
      case DW_OP.or: return this.binary(operation, (a, b) => a | b);
      case DW_OP.xor: return this.binary(operation, (a, b) => a ^ b);
      case DW_OP.plus: return this.binary(operation, (a, b) => a + b);
      case DW_OP.minus: return this.binary(operation, (a, b) => a - b);
      case DW_OP.mul: return this.binary(operation, (a, b) => a * b);
      case DW_OP.div: return this.binary(operation, (a, b) => {
        if (b === 0n) throw new DwarfExpressionError('division by zero', operation.offset);
        return signed(a) / signed(b);
      });
      case DW_OP.mod: return this.binary(operation, (a, b) => {
        if (b === 0n) throw new DwarfExpressionError('modulo by zero', operation.offset);
        return a % b;
      });
      case DW_OP.shl: return this.binary(operation, (a, b) => (b >= 64n ? 0n : a << b));
      case DW_OP.shr: return this.binary(operation, (a, b) => (b >= 64n ? 0n : a >> b));
      case DW_OP.shra: return this.binary(operation, (a, b) => signed(a) >> (b >= 64n ? 63n : b));
      case DW_OP.plus_uconst: return this.push(this.pop(operation) + operand(0));

      case DW_OP.eq: return this.binary(operation, (a, b) => (signed(a) === signed(b) ? 1n : 0n));
      case DW_OP.ne: return this.binary(operation, (a, b) => (signed(a) !== signed(b) ? 1n : 0n));
      case DW_OP.lt: return this.binary(operation, (a, b) => (signed(a) < signed(b) ? 1n : 0n));
      case DW_OP.le: return this.binary(operation, (a, b) => (signed(a) <= signed(b) ? 1n : 0n));
      case DW_OP.gt: return this.binary(operation, (a, b) => (signed(a) > signed(b) ? 1n : 0n));
      case DW_OP.ge: return this.binary(operation, (a, b) => (signed(a) >= signed(b) ? 1n : 0n));
      case DW_OP.skip: return operation.next + Number(operand(0));
      case DW_OP.bra: return this.pop(operation) !== 0n ? operation.next + Number(operand(0)) : undefined;

      case DW_OP.regx: return this.setPending({ kind: 'register', register: Number(operand(0)) });
      case DW_OP.bregx: return this.push(this.register(Number(operand(0))) + operand(1));
      case DW_OP.fbreg: {
        if (this.context.frameBase === undefined) throw new DwarfExpressionError('DW_OP_fbreg without a frame base', operation.offset);
        return this.push(this.context.frameBase + operand(0));
      }
      case DW_OP.call_frame_cfa: {
        if (this.context.cfa === undefined) throw new DwarfExpressionError('DW_OP_call_frame_cfa without a CFA', operation.offset);
        return this.push(this.context.cfa);
      }
      case DW_OP.push_object_address: {
        if (this.context.objectAddress === undefined) throw new DwarfExpressionError('DW_OP_push_object_address without an object', operation.offset);
        return this.push(this.context.objectAddress);
      }
      case DW_OP.form_tls_address:
      case DW_OP.GNU_push_tls_address: {
        if (this.context.tlsAddress === undefined) throw new DwarfExpressionError('thread-local storage address unavailable', operation.offset);
        return this.push(this.context.tlsAddress(this.pop(operation)));
      }

      case DW_OP.implicit_value: return this.setPending({ kind: 'implicit-value', bytes: operation.block! });
      case DW_OP.stack_value: return this.setPending({ kind: 'implicit-value', bytes: toBytes(this.pop(operation)) });
      case DW_OP.implicit_pointer:
      case DW_OP.GNU_implicit_pointer:
        return this.setPending({ kind: 'implicit-pointer', dieOffset: Number(operand(0)), byteOffset: operand(1) });
      case DW_OP.piece: return this.addPiece(Number(operand(0)) * 8, 0, operation);
      case DW_OP.bit_piece: return this.addPiece(Number(operand(0)), Number(operand(1)), operation);

      case DW_OP.entry_value:
      case DW_OP.GNU_entry_value: {
        const value = this.context.entryValue?.(operation.block!);
        return value === undefined ? 'optimized-out' : this.push(value);
      }
      case DW_OP.const_type:
      case DW_OP.GNU_const_type: {
        const bytes = operation.block!;
        return this.push(bytes.length === 0 ? 0n : fromBytes(bytes.subarray(0, 8)));
      }
      case DW_OP.regval_type:
      case DW_OP.GNU_regval_type:
        return this.push(this.register(Number(operand(0))));
      case DW_OP.convert:
      case DW_OP.GNU_convert:
      case DW_OP.reinterpret:
      case DW_OP.GNU_reinterpret:
        return undefined; // typed stack entries are kept as 64-bit integers
      case DW_OP.GNU_parameter_ref:
        return 'optimized-out'; // refers to a caller's value that only call-site data could give
      case DW_OP.nop:
      case DW_OP.GNU_uninit:
        return undefined;
      default:
        throw new DwarfExpressionError(`unsupported operation 0x${opcode.toString(16)}`, operation.offset);
    }
  }

  private push(value: bigint): undefined {
    this.stack.push(value & MASK);
    return undefined;
  }

  private pop(operation: Operation): bigint {
    const value = this.stack.pop();
    if (value === undefined) throw new DwarfExpressionError('stack underflow', operation.offset);
    return value;
  }

  private peek(depth: number, operation: Operation): bigint {
    const value = this.stack[this.stack.length - 1 - depth];
    if (value === undefined) throw new DwarfExpressionError('stack underflow', operation.offset);
    return value;
  }

  private binary(operation: Operation, apply: (second: bigint, top: bigint) => bigint): undefined {
    const top = this.pop(operation);
    const second = this.pop(operation);
    return this.push(apply(second, top));
  }

  private setPending(location: SimpleLocation): undefined {
    this.pending = location;
    return undefined;
  }

  /** The location described so far: a pending register/implicit location, else the stack top as an address. */
  private simpleLocation(): SimpleLocation | undefined {
    if (this.pending !== undefined) return this.pending;
    const top = this.stack[this.stack.length - 1];
    return top === undefined ? undefined : { kind: 'memory', address: top };
  }

  private addPiece(sizeInBits: number, bitOffset: number, operation: Operation): undefined {
    const location = this.simpleLocation() ?? { kind: 'optimized-out' };
    if (this.pending === undefined && location.kind === 'memory') this.pop(operation);
    this.pieces.push({ location, sizeInBits, bitOffset });
    this.pending = undefined;
    return undefined;
  }

  private register(number: number): bigint {
    return readRegister(this.context, number);
  }

  private indexedAddress(index: bigint, operation: Operation): bigint {
    if (this.context.addressAtIndex === undefined) throw new DwarfExpressionError('DW_OP_addrx without an address table', operation.offset);
    return this.context.addressAtIndex(Number(index));
  }

  private load(address: bigint, size: number, operation: Operation): bigint {
    if (size < 1 || size > 8) throw new DwarfExpressionError(`cannot dereference ${size} bytes`, operation.offset);
    let bytes: Buffer;
    try {
      bytes = this.context.readMemory(address, size);
    } catch (error) {
      throw new DwarfExpressionError(`cannot read ${size} bytes at 0x${address.toString(16)}: ${(error as Error).message}`, operation.offset);
    }
    if (bytes.length < size) throw new DwarfExpressionError(`short read at 0x${address.toString(16)}`, operation.offset);
    return fromBytes(bytes.subarray(0, size));
  }
}

function readRegister(context: ExpressionContext, number: number): bigint {
  try {
    return context.readRegister(number) & MASK;
  } catch (error) {
    if (error instanceof DwarfExpressionError) throw error;
    throw new DwarfExpressionError(`cannot read register ${number}: ${(error as Error).message}`);
  }
}

function signed(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

function fromBytes(bytes: Buffer): bigint {
  let value = 0n;
  for (let index = bytes.length - 1; index >= 0; index--) value = (value << 8n) | BigInt(bytes[index]!);
  return value;
}

function toBytes(value: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value & MASK);
  return bytes;
}
