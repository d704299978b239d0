// Evaluates a parsed C expression in a frame, with C's rules: integer promotions and the usual
// arithmetic conversions, pointer arithmetic scaled by the pointee's size, arrays decaying to
// pointers, short-circuit && and ||, sizeof without side effects on the program.
import { DW_ATE, stripTypedefs, typeName, type ArrayType, type BaseType, type DwarfType, type PointerType } from '../symbols/index.js';
import { decodeFloat, encodeFloat } from '../values/float-format.js';
import * as x87 from '../values/extended-float.js';
import {
  arrayLength, assign, BOOL, byteSizeOf, CHAR, dereference, referent, DOUBLE, elementType, elementValue, FLOAT, floatOf, INT, integerBytes,
  integerOf, isSignedEnum, LONG, LONG_DOUBLE, pointerTo, scalarClass, UNSIGNED_INT, UNSIGNED_LONG, baseType, valueBytes, ValueError,
  type Value, type ValueHost,
} from '../values/value.js';
import { withDynamicType } from '../values/dynamic-type.js';
import { findMember } from '../values/record-parts.js';
import { visualizerFor } from '../visualizers/registry.js';
import type { BinaryOperator, Expression } from './parser.js';
import type { FrameScope } from './scope.js';

export class EvaluationError extends Error {}

export interface EvaluationContext {
  readonly scope: FrameScope;
  readonly host: ValueHost;
  /** `x = 5` is allowed (the debug console), not in watches, hovers and conditions. */
  readonly allowAssignment: boolean;
}

/** A number on its way through arithmetic. */
type Operand =
  | { readonly kind: 'int'; readonly value: bigint; readonly type: DwarfType }
  /** `extended`: the exact value of a long double (a number cannot hold it). */
  | { readonly kind: 'float'; readonly value: number; readonly type: DwarfType; readonly extended?: x87.Extended }
  | { readonly kind: 'pointer'; readonly value: bigint; readonly type: PointerType };

export function evaluateExpression(expression: Expression, context: EvaluationContext): Value {
  const result = new Evaluator(context).value(expression);
  // In a C++ frame a comparison is a bool (`true`), as gdb prints it there.
  if (result.type === TRUTH && context.scope.cplusplus) return { type: CPLUSPLUS_BOOL, place: { kind: 'bytes', bytes: valueBytes(result, context.host).subarray(0, 1) } };
  return result;
}

/** Whether a value is true in C (non-zero). */
export function isTruthy(value: Value, host: ValueHost): boolean {
  const operand = toOperand(value, host);
  return operand.kind === 'float' ? operand.value !== 0 : operand.value !== 0n;
}

/** Converts a value to `type` as a C assignment or cast does. */
export function convertValue(value: Value, type: DwarfType, host: ValueHost): Value {
  const target = stripTypedefs(type);
  if (target.kind === 'record' || target.kind === 'array') {
    if (sameType(stripTypedefs(value.type), target)) return { type, place: { kind: 'bytes', bytes: valueBytes(value, host) } };
    throw new EvaluationError(`cannot convert ${typeName(value.type)} to ${typeName(type)}`);
  }
  if (target.kind === 'void') return { type, place: { kind: 'bytes', bytes: Buffer.alloc(0) } };
  const operand = toOperand(value, host);
  const kind = scalarClass(target);
  if (kind === undefined) throw new EvaluationError(`cannot convert to ${typeName(type)}`);
  const size = byteSizeOf(target);
  if (kind === 'float') {
    if (size > 8) return { type, place: { kind: 'bytes', bytes: x87.toX87(extendedOf(operand)) } };
    const number = operand.kind === 'float' ? operand.value : Number(operand.kind === 'int' && isUnsigned(operand.type) ? BigInt.asUintN(64, operand.value) : operand.value);
    return { type, place: { kind: 'bytes', bytes: encodeFloat(number, size) } };
  }
  if (kind === 'bool') {
    const truth = operand.kind === 'float' ? operand.value !== 0 : operand.value !== 0n;
    return { type, place: { kind: 'bytes', bytes: integerBytes(truth ? 1n : 0n, size) } };
  }
  let integer: bigint;
  if (operand.kind === 'float') {
    if (!Number.isFinite(operand.value)) throw new EvaluationError(`cannot convert ${operand.value} to ${typeName(type)}`);
    integer = operand.extended !== undefined ? x87.toBigInt(operand.extended) : BigInt(Math.trunc(operand.value));
  } else {
    integer = operand.value;
  }
  return { type, place: { kind: 'bytes', bytes: integerBytes(integer, size) } };
}

/** An operand as an exact extended-precision value. */
function extendedOf(operand: Operand): x87.Extended {
  if (operand.kind === 'float') return operand.extended ?? x87.fromNumber(operand.value);
  return x87.fromBigInt(operand.kind === 'int' && isUnsigned(operand.type) ? BigInt.asUintN(64, operand.value) : operand.value);
}

function extendedArithmetic(operator: BinaryOperator, left: Operand, right: Operand): Value {
  const a = extendedOf(left);
  const b = extendedOf(right);
  const result = (value: x87.Extended): Value => ({ type: LONG_DOUBLE, place: { kind: 'bytes', bytes: x87.toX87(value) } });
  const compared = (test: (order: number) => boolean): Value => {
    const order = x87.compare(a, b);
    return truth(order !== undefined && test(order));
  };
  switch (operator) {
    case '+': return result(x87.add(a, b));
    case '-': return result(x87.subtract(a, b));
    case '*': return result(x87.multiply(a, b));
    case '/': return result(x87.divide(a, b));
    case '<': return compared((order) => order < 0);
    case '>': return compared((order) => order > 0);
    case '<=': return compared((order) => order <= 0);
    case '>=': return compared((order) => order >= 0);
    case '==': return compared((order) => order === 0);
    case '!=': return truth(x87.compare(a, b) !== 0);
    default: throw new EvaluationError(`Integer only operation ${operator}.`);
  }
}

function sameType(a: DwarfType, b: DwarfType): boolean {
  return a === b || typeName(a) === typeName(b);
}

function isUnsigned(type: DwarfType): boolean {
  const kind = scalarClass(type);
  return kind === 'unsigned' || kind === 'bool' || kind === 'pointer' || (kind === 'enum' && !isSignedEnum(stripTypedefs(type) as never));
}

/** The value as an operand: integer promotions applied, arrays and functions decayed to pointers. */
function toOperand(value: Value, host: ValueHost): Operand {
  const type = stripTypedefs(value.type);
  switch (type.kind) {
    case 'array': {
      if (value.place.kind !== 'memory') throw new EvaluationError('Attempt to take address of value not located in memory.');
      return { kind: 'pointer', value: value.place.address, type: pointerTo(elementType(type)) };
    }
    case 'function': {
      if (value.place.kind !== 'memory') throw new EvaluationError('Attempt to take address of value not located in memory.');
      return { kind: 'pointer', value: value.place.address, type: pointerTo(value.type) };
    }
    case 'pointer':
      return { kind: 'pointer', value: integerOf(value, host), type };
    case 'reference':
      return toOperand(dereference(value, host), host);
    case 'base':
      if (type.encoding === DW_ATE.float) {
        if (type.byteSize > 8) {
          const extended = x87.fromX87(valueBytes(value, host));
          return { kind: 'float', value: x87.toNumber(extended), type, extended };
        }
        return { kind: 'float', value: floatOf(value, host), type };
      }
      return promote(integerOf(value, host), value);
    case 'enum':
      return promote(integerOf(value, host), value);
    case 'unspecified':
      return { kind: 'int', value: integerOf({ ...value, type: UNSIGNED_LONG }, host), type: UNSIGNED_LONG };
    default:
      throw new EvaluationError(`a value of type ${typeName(value.type)} cannot be used as a number`);
  }
}

/** C's integer promotions: whatever fits in an int becomes an int. */
function promote(number: bigint, value: Value): Operand {
  const type = stripTypedefs(value.type);
  const size = value.bits !== undefined ? Math.ceil(value.bits.size / 8) : byteSizeOf(type);
  if (value.bits !== undefined && value.bits.size < 32) return { kind: 'int', value: number, type: INT };
  if (size < 4) return { kind: 'int', value: number, type: INT };
  if (type.kind === 'enum') return { kind: 'int', value: number, type: size > 4 ? (isSignedEnum(type) ? LONG : UNSIGNED_LONG) : isSignedEnum(type) ? INT : UNSIGNED_INT };
  if (type.kind === 'base' && (type.encoding === DW_ATE.boolean)) return { kind: 'int', value: number, type: INT };
  return { kind: 'int', value: number, type };
}

/** The usual arithmetic conversions of two integer types. */
function commonIntegerType(a: DwarfType, b: DwarfType): DwarfType {
  const sizeA = Math.max(byteSizeOf(a), 4);
  const sizeB = Math.max(byteSizeOf(b), 4);
  const unsignedA = isUnsigned(a);
  const unsignedB = isUnsigned(b);
  const size = Math.max(sizeA, sizeB);
  if (size > 8) return unsignedA || unsignedB ? baseType('unsigned __int128', 16, DW_ATE.unsigned) : baseType('__int128', 16, DW_ATE.signed);
  if (unsignedA === unsignedB) return size === 8 ? (unsignedA ? UNSIGNED_LONG : LONG) : unsignedA ? UNSIGNED_INT : INT;
  const unsignedSize = unsignedA ? sizeA : sizeB;
  const signedSize = unsignedA ? sizeB : sizeA;
  if (unsignedSize >= signedSize) return unsignedSize === 8 ? UNSIGNED_LONG : UNSIGNED_INT;
  return LONG; // a long holds every unsigned int
}

function commonFloatType(a: Operand, b: Operand): DwarfType {
  const sizes = [a, b].map((operand) => (operand.kind === 'float' ? byteSizeOf(operand.type) : 0));
  const largest = Math.max(...sizes);
  return largest > 8 ? LONG_DOUBLE : largest === 4 ? FLOAT : DOUBLE;
}

function integerValue(number: bigint, type: DwarfType): Value {
  const size = byteSizeOf(type);
  const wrapped = isUnsigned(type) ? BigInt.asUintN(size * 8, number) : BigInt.asIntN(size * 8, number);
  return { type, place: { kind: 'bytes', bytes: integerBytes(wrapped, size) } };
}

function floatValue(number: number, type: DwarfType): Value {
  return { type, place: { kind: 'bytes', bytes: encodeFloat(number, byteSizeOf(type)) } };
}

function operandValue(operand: Operand): Value {
  switch (operand.kind) {
    case 'int': return integerValue(operand.value, operand.type);
    case 'float': return floatValue(operand.value, operand.type);
    case 'pointer': return integerValue(operand.value, operand.type);
  }
}

/** The int that C's comparisons and logical operators give (C++ gives a bool: see asLanguageTruth). */
const TRUTH: BaseType = { kind: 'base', name: 'int', byteSize: 4, encoding: DW_ATE.signed }; // not INT: told apart by identity
const CPLUSPLUS_BOOL = baseType('bool', 1, DW_ATE.boolean);

function truth(value: boolean): Value {
  return integerValue(value ? 1n : 0n, TRUTH);
}

class Evaluator {
  constructor(private readonly context: EvaluationContext) {}

  private get host(): ValueHost {
    return this.context.host;
  }

  value(expression: Expression): Value {
    switch (expression.kind) {
      case 'integer':
        return integerValue(expression.value, literalType(expression.value, expression.suffix, expression.radix));
      case 'float':
        return floatValue(expression.value, expression.single ? FLOAT : DOUBLE);
      case 'char':
        return integerValue(BigInt.asIntN(8, BigInt(expression.value)), CHAR);
      case 'string': {
        const bytes = Buffer.concat([expression.bytes, Buffer.alloc(1)]);
        const type: ArrayType = { kind: 'array', element: CHAR, dimensions: [{ lowerBound: 0n, count: BigInt(bytes.length) }] };
        return { type, place: { kind: 'bytes', bytes } };
      }
      case 'name': {
        const found = this.context.scope.lookup(expression.name);
        if (found === undefined) throw new EvaluationError(`No symbol "${expression.name}" in current context.`);
        return shownAs(found, this.host);
      }
      case 'register': {
        const found = this.context.scope.register(expression.name);
        if (found === undefined) throw new EvaluationError(`Invalid register "$${expression.name}".`);
        return found;
      }
      case 'member': {
        let object = this.value(expression.object);
        if (expression.arrow) {
          const type = stripTypedefs(object.type);
          const smart = visualizerFor(type)?.pointee;
          // A smart pointer's `->` is its pointee's (std::unique_ptr, shared_ptr, optional...).
          if (smart !== undefined) object = referent(smart(object, this.host), this.host);
          else if (type.kind !== 'pointer') throw new EvaluationError(`The -> operator needs a pointer to a struct or union, not ${typeName(object.type)}.`);
          else object = dereference(withDynamicType(object, this.host), this.host);
        } else if (stripTypedefs(object.type).kind === 'pointer') {
          // gdb's (and lldb's) convenience: p.x on a pointer means p->x.
          object = dereference(withDynamicType(object, this.host), this.host);
        } else if (stripTypedefs(object.type).kind === 'reference') {
          // Through a reference, members are looked up in its static type (as gdb does; `->` uses the dynamic one).
          object = dereference(object, this.host);
        }
        const type = stripTypedefs(object.type);
        if (type.kind !== 'record') throw new EvaluationError(`Attempt to extract a component of a value that is not a structure (${typeName(object.type)}).`);
        const member = findMember(object, expression.name, this.host);
        if (member === undefined) throw new EvaluationError(`There is no member named ${expression.name}.`);
        return shownAs(member, this.host);
      }
      case 'index': {
        const array = this.value(expression.array);
        const index = this.value(expression.index);
        const arrayType = stripTypedefs(array.type);
        const subscript = visualizerFor(arrayType)?.index;
        if (subscript !== undefined) {
          // `v[1]` on a container with a visualizer (vector, deque, array, string...).
          const position = toOperand(index, this.host);
          if (position.kind !== 'int') throw new EvaluationError('array subscript is not an integer');
          return subscript(array, this.host, position.value);
        }
        if (arrayType.kind === 'array' && array.place.kind !== 'memory') {
          const position = toOperand(index, this.host);
          if (position.kind !== 'int') throw new EvaluationError('array subscript is not an integer');
          const count = arrayLength(arrayType);
          if (position.value < 0n || (count !== undefined && position.value >= BigInt(count))) throw new EvaluationError(`no such vector element ${position.value}`);
          return elementValue(array, Number(position.value));
        }
        return this.deref(this.arithmetic('+', array, index));
      }
      case 'unary':
        return this.unary(expression.operator, expression.operand);
      case 'sizeof-type':
        return this.sizeOf(this.context.scope.type(expression.type));
      case 'sizeof':
        return this.sizeOf(this.typeOnly(expression.operand));
      case 'cast': {
        const type = this.context.scope.type(expression.type);
        const operand = referent(this.value(expression.operand), this.host);
        if (expression.type.reference === true) {
          // `(T &)x`: the same object seen as a T, as C++ reinterprets an lvalue.
          if (operand.place.kind !== 'memory') throw new EvaluationError('Attempt to take address of value not located in memory.');
          return { type, place: operand.place };
        }
        return convertValue(operand, type, this.host);
      }
      case 'binary': {
        if (expression.operator === '&&' || expression.operator === '||') {
          const left = isTruthy(this.value(expression.left), this.host);
          if (expression.operator === '&&' && !left) return truth(false);
          if (expression.operator === '||' && left) return truth(true);
          return truth(isTruthy(this.value(expression.right), this.host));
        }
        return this.arithmetic(expression.operator, this.value(expression.left), this.value(expression.right));
      }
      case 'conditional':
        return isTruthy(this.value(expression.test), this.host) ? this.value(expression.then) : this.value(expression.otherwise);
      case 'assign': {
        if (!this.context.allowAssignment) throw new EvaluationError('assignments are allowed in the debug console only');
        const target = this.value(expression.target);
        const converted = convertValue(this.value(expression.value), target.type, this.host);
        assign(target, valueBytes(converted, this.host), this.host);
        return target;
      }
    }
  }

  /** The type of an expression for sizeof: names and members are looked up, memory is read only through pointers. */
  private typeOnly(expression: Expression): DwarfType {
    return this.value(expression).type;
  }

  private sizeOf(type: DwarfType): Value {
    const resolved = stripTypedefs(type);
    if (resolved.kind === 'void' || resolved.kind === 'function') return integerValue(1n, UNSIGNED_LONG);
    const size = byteSizeOf(type);
    if (size === 0 && resolved.kind !== 'record') throw new EvaluationError(`cannot take the size of ${typeName(type)}`);
    return integerValue(BigInt(size), UNSIGNED_LONG);
  }

  private deref(pointer: Value): Value {
    const type = stripTypedefs(pointer.type);
    if (type.kind === 'array') return elementValue(pointer, 0);
    if (type.kind !== 'pointer' && type.kind !== 'reference') throw new EvaluationError(`Attempt to take contents of a non-pointer value (${typeName(pointer.type)}).`);
    const target = stripTypedefs(type.target);
    if (target.kind === 'void') throw new EvaluationError('Attempt to take contents of a non-pointer value (void *).');
    return dereference(pointer, this.host);
  }

  private unary(operator: string, operandExpression: Expression): Value {
    if (operator === '&') {
      const operand = referent(this.value(operandExpression), this.host);
      if (operand.bits !== undefined) throw new EvaluationError('Attempt to take address of a bitfield.');
      if (operand.place.kind === 'register') throw new EvaluationError('Address requested for identifier which is in a register.');
      if (operand.place.kind !== 'memory') throw new EvaluationError('Attempt to take address of value not located in memory.');
      return integerValue(operand.place.address, pointerTo(operand.type));
    }
    if (operator === '*') {
      const operand = this.value(operandExpression);
      if (stripTypedefs(operand.type).kind === 'function') return operand;
      const smart = visualizerFor(operand.type)?.pointee;
      if (smart !== undefined) return shownAs(smart(operand, this.host), this.host);
      const decayed = stripTypedefs(operand.type).kind === 'array' ? operand : operandValue(toOperand(operand, this.host));
      return this.deref(decayed);
    }
    const operand = toOperand(this.value(operandExpression), this.host);
    switch (operator) {
      case '!':
        return truth(operand.kind === 'float' ? operand.value === 0 : operand.value === 0n);
      case '+':
        if (operand.kind === 'pointer') throw new EvaluationError('Argument to positive operation not a number.');
        return operandValue(operand);
      case '-':
        if (operand.kind === 'pointer') throw new EvaluationError('Argument to negate operation not a number.');
        if (operand.kind === 'float' && operand.extended !== undefined) {
          return { type: operand.type, place: { kind: 'bytes', bytes: x87.toX87(x87.subtract(x87.fromBigInt(0n), operand.extended)) } };
        }
        return operand.kind === 'float' ? floatValue(-operand.value, operand.type) : integerValue(-operand.value, operand.type);
      case '~':
        if (operand.kind !== 'int') throw new EvaluationError('Argument to complement operation not an integer.');
        return integerValue(~operand.value, operand.type);
      default:
        throw new EvaluationError(`unknown operator ${operator}`);
    }
  }

  private arithmetic(operator: BinaryOperator, leftValue: Value, rightValue: Value): Value {
    const left = toOperand(leftValue, this.host);
    const right = toOperand(rightValue, this.host);
    if (left.kind === 'pointer' || right.kind === 'pointer') return this.pointerArithmetic(operator, left, right);
    if (left.kind === 'float' || right.kind === 'float') {
      const type = commonFloatType(left, right);
      if (type === LONG_DOUBLE) return extendedArithmetic(operator, left, right);
      const a = Number(left.value);
      const b = Number(right.value);
      const compared = comparison(operator, a, b);
      if (compared) return compared;
      switch (operator) {
        case '+': return floatValue(a + b, type);
        case '-': return floatValue(a - b, type);
        case '*': return floatValue(a * b, type);
        case '/': return floatValue(a / b, type);
        default: throw new EvaluationError(`Integer only operation ${operator}.`);
      }
    }
    if (operator === '<<' || operator === '>>') {
      const type = left.type;
      const count = right.value;
      if (count < 0n) throw new EvaluationError('negative shift count');
      const bits = BigInt(byteSizeOf(type) * 8);
      if (operator === '<<') return integerValue(count >= bits ? 0n : left.value << count, type);
      return integerValue(count >= bits ? (left.value < 0n ? -1n : 0n) : left.value >> count, type);
    }
    const type = commonIntegerType(left.type, right.type);
    const bits = byteSizeOf(type) * 8;
    const unsigned = isUnsigned(type);
    const a = unsigned ? BigInt.asUintN(bits, left.value) : BigInt.asIntN(bits, left.value);
    const b = unsigned ? BigInt.asUintN(bits, right.value) : BigInt.asIntN(bits, right.value);
    const compared = comparison(operator, a, b);
    if (compared) return compared;
    switch (operator) {
      case '+': return integerValue(a + b, type);
      case '-': return integerValue(a - b, type);
      case '*': return integerValue(a * b, type);
      case '/':
        if (b === 0n) throw new EvaluationError('Division by zero');
        return integerValue(a / b, type);
      case '%':
        if (b === 0n) throw new EvaluationError('Division by zero');
        return integerValue(a % b, type);
      case '&': return integerValue(a & b, type);
      case '|': return integerValue(a | b, type);
      case '^': return integerValue(a ^ b, type);
      default: throw new EvaluationError(`unknown operator ${operator}`);
    }
  }

  private pointerArithmetic(operator: BinaryOperator, left: Operand, right: Operand): Value {
    const stride = (pointer: PointerType): bigint => {
      const target = stripTypedefs(pointer.target);
      const size = target.kind === 'void' || target.kind === 'function' ? 1 : byteSizeOf(target);
      if (size === 0) throw new EvaluationError(`arithmetic on a pointer to an incomplete type (${typeName(pointer)})`);
      return BigInt(size);
    };
    if (left.kind === 'pointer' && right.kind === 'pointer') {
      if (operator === '-') return integerValue((left.value - right.value) / stride(left.type), LONG);
      const compared = comparison(operator, left.value, right.value);
      if (compared !== undefined) return compared;
      throw new EvaluationError(`invalid operands to binary ${operator} (two pointers)`);
    }
    const pointer = left.kind === 'pointer' ? left : right as Extract<Operand, { kind: 'pointer' }>;
    const other = left.kind === 'pointer' ? right : left;
    if (other.kind === 'float') throw new EvaluationError(`invalid operands to binary ${operator} (a pointer and a floating-point number)`);
    const offset = other.value;
    if (operator === '+') return integerValue(BigInt.asUintN(64, pointer.value + offset * stride(pointer.type)), pointer.type);
    if (operator === '-' && left.kind === 'pointer') return integerValue(BigInt.asUintN(64, pointer.value - offset * stride(pointer.type)), pointer.type);
    const a = left.kind === 'pointer' ? left.value : BigInt.asUintN(64, offset);
    const b = right.kind === 'pointer' ? right.value : BigInt.asUintN(64, offset);
    const compared = comparison(operator, a, b);
    if (compared !== undefined) return compared;
    if (operator === '&' || operator === '|' || operator === '^' || operator === '%' || operator === '/') {
      throw new EvaluationError(`invalid operands to binary ${operator} (a pointer and an integer)`);
    }
    throw new EvaluationError(`invalid operands to binary ${operator}`);
  }
}

/**
 * A variable or member as an expression's value: a pointer to a polymorphic class retyped to the
 * object's dynamic class (gdb's `print object on`: `sp->w` reaches the derived class's member);
 * a reference to a class kept, so that it is shown as its dynamic class; any other reference
 * replaced by what it refers to (an `int &` is an int in arithmetic).
 */
function shownAs(value: Value, host: ValueHost): Value {
  const type = stripTypedefs(value.type);
  if (type.kind === 'reference') return stripTypedefs(type.target).kind === 'record' ? value : dereference(value, host);
  return withDynamicType(value, host);
}

/** The type of an integer literal (C11 6.4.4.1): the first of its list that holds the value. */
function literalType(value: bigint, suffix: string, radix: number): DwarfType {
  const unsignedSuffix = suffix.includes('u');
  const longSuffix = suffix.includes('l');
  const fits = (bits: number, signed: boolean): boolean => (signed ? value < 1n << BigInt(bits - 1) : value < 1n << BigInt(bits));
  if (!longSuffix) {
    if (!unsignedSuffix && fits(32, true)) return INT;
    if ((unsignedSuffix || radix !== 10) && fits(32, false)) return UNSIGNED_INT;
  }
  if (!unsignedSuffix && fits(64, true)) return LONG;
  return UNSIGNED_LONG;
}

export { BOOL, decodeFloat, ValueError };

/** The relational and equality operators (C's int 0 or 1) on two numbers or two bigints;
 * undefined for every other operator. */
function comparison<T extends number | bigint>(operator: BinaryOperator, a: T, b: T): Value | undefined {
  switch (operator) {
    case '<': return truth(a < b);
    case '>': return truth(a > b);
    case '<=': return truth(a <= b);
    case '>=': return truth(a >= b);
    case '==': return truth(a === b);
    case '!=': return truth(a !== b);
    default: return undefined;
  }
}
