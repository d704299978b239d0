// The DWARF expression evaluator on hand-assembled expressions (DWARF 5 §2.5 semantics); the
// tests against gcc output are in locations.test.ts and cfi.test.ts.
import { describe, expect, it } from 'vitest';
import {
  DW_OP, DwarfExpressionError, evaluateLocation, evaluateValue, formatExpression, type ExpressionContext,
} from '../../src/symbols/index.js';

const uleb = (value: number): number[] => {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
};
const sleb = (value: number): number[] => {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
};
const i16 = (value: number): number[] => [value & 0xff, (value >> 8) & 0xff];
const u64 = (value: bigint): number[] => [...Array(8).keys()].map((index) => Number((value >> BigInt(8 * index)) & 0xffn));
const lit = (value: number): number => DW_OP.lit0 + value;
const expr = (...parts: (number | number[])[]): Buffer => Buffer.from(parts.flat());

const memory = new Map<bigint, number>();
for (let index = 0n; index < 64n; index++) memory.set(0x1000n + index, Number(index) + 1); // bytes 1, 2, 3...

const context: ExpressionContext = {
  readRegister: (number) => {
    if (number > 20) throw new Error(`no register ${number}`);
    return 0x1000n + BigInt(number) * 0x10n;
  },
  readMemory: (address, size) => {
    const bytes = Buffer.alloc(size);
    for (let index = 0; index < size; index++) {
      const value = memory.get(address + BigInt(index));
      if (value === undefined) throw new Error(`unmapped 0x${address.toString(16)}`);
      bytes[index] = value;
    }
    return bytes;
  },
  cfa: 0x7fff0000n,
  frameBase: 0x7fff0010n,
  loadBias: 0x555555554000n,
  addressAtIndex: (index) => 0x4000n + BigInt(index) * 8n,
};

const value = (bytes: Buffer, extra: Partial<ExpressionContext> = {}): bigint => evaluateValue(bytes, { ...context, ...extra });
const stackValue = (bytes: Buffer): bigint => {
  const location = evaluateLocation(Buffer.concat([bytes, expr(DW_OP.stack_value)]), context);
  if (location.kind !== 'implicit-value') throw new Error(location.kind);
  return location.bytes.readBigUInt64LE(0);
};

describe('DWARF expression evaluation', () => {
  it('pushes literals and constants of every width and signedness', () => {
    expect(value(expr(lit(17)))).toBe(17n);
    expect(value(expr(DW_OP.const1u, 0xff))).toBe(255n);
    expect(value(expr(DW_OP.const1s, 0xff))).toBe(2n ** 64n - 1n);
    expect(value(expr(DW_OP.const2s, i16(-2)))).toBe(2n ** 64n - 2n);
    expect(value(expr(DW_OP.const4u, [1, 0, 0, 0x80]))).toBe(0x80000001n);
    expect(value(expr(DW_OP.const8u, u64(0x1122334455667788n)))).toBe(0x1122334455667788n);
    expect(value(expr(DW_OP.constu, uleb(624485)))).toBe(624485n);
    expect(value(expr(DW_OP.consts, sleb(-123456)))).toBe(2n ** 64n - 123456n);
  });

  it('manipulates the stack: dup, drop, over, pick, swap, rot', () => {
    expect(stackValue(expr(lit(1), DW_OP.dup, DW_OP.plus))).toBe(2n);
    expect(stackValue(expr(lit(1), lit(2), DW_OP.drop))).toBe(1n);
    expect(stackValue(expr(lit(1), lit(2), DW_OP.over))).toBe(1n);
    expect(stackValue(expr(lit(7), lit(8), lit(9), DW_OP.pick, 2))).toBe(7n);
    expect(stackValue(expr(lit(5), lit(3), DW_OP.swap, DW_OP.minus))).toBe(2n ** 64n - 2n);
    expect(stackValue(expr(lit(1), lit(2), lit(3), DW_OP.rot, DW_OP.drop, DW_OP.drop))).toBe(3n);
  });

  it('does 64-bit wrapping arithmetic with signed division and shifts', () => {
    expect(stackValue(expr(lit(3), lit(5), DW_OP.minus))).toBe(2n ** 64n - 2n);
    expect(stackValue(expr(DW_OP.consts, sleb(-7), lit(2), DW_OP.div))).toBe(2n ** 64n - 3n);
    expect(stackValue(expr(DW_OP.lit31, lit(6), DW_OP.mod))).toBe(1n);
    expect(stackValue(expr(lit(6), lit(7), DW_OP.mul))).toBe(42n);
    expect(stackValue(expr(DW_OP.consts, sleb(-5), DW_OP.abs))).toBe(5n);
    expect(stackValue(expr(lit(5), DW_OP.neg))).toBe(2n ** 64n - 5n);
    expect(stackValue(expr(DW_OP.lit0, DW_OP.not))).toBe(2n ** 64n - 1n);
    expect(stackValue(expr(lit(12), lit(10), DW_OP.and, lit(1), DW_OP.or, lit(3), DW_OP.xor))).toBe(10n);
    expect(stackValue(expr(lit(1), DW_OP.const1u, 63, DW_OP.shl))).toBe(2n ** 63n);
    expect(stackValue(expr(lit(1), DW_OP.const1u, 63, DW_OP.shl, lit(4), DW_OP.shr))).toBe(2n ** 59n);
    expect(stackValue(expr(lit(1), DW_OP.const1u, 63, DW_OP.shl, lit(4), DW_OP.shra))).toBe(2n ** 64n - 2n ** 59n);
    expect(stackValue(expr(lit(4), DW_OP.plus_uconst, uleb(300)))).toBe(304n);
  });

  it('compares as signed values and branches', () => {
    expect(stackValue(expr(DW_OP.consts, sleb(-1), lit(1), DW_OP.lt))).toBe(1n);
    expect(stackValue(expr(lit(2), lit(2), DW_OP.ge, lit(2), lit(3), DW_OP.gt, DW_OP.plus))).toBe(1n);
    expect(stackValue(expr(lit(2), lit(2), DW_OP.eq, lit(2), lit(3), DW_OP.ne, DW_OP.plus, lit(1), lit(1), DW_OP.le, DW_OP.plus))).toBe(3n);
    // if (1) push 10 else push 20
    expect(stackValue(expr(lit(1), DW_OP.bra, i16(4), lit(20), DW_OP.skip, i16(1), lit(10)))).toBe(10n);
    expect(stackValue(expr(DW_OP.lit0, DW_OP.bra, i16(4), lit(20), DW_OP.skip, i16(1), lit(10)))).toBe(20n);
    // 5! with a backward branch: n=5, acc=1; loop: acc*=n; n--; while n
    const factorial = expr(
      lit(1), lit(5), // acc n
      DW_OP.dup, DW_OP.rot, DW_OP.mul, DW_OP.swap, // acc*n n
      lit(1), DW_OP.minus, // acc n-1
      DW_OP.dup, DW_OP.bra, i16(-10), // loop while n-1 != 0
      DW_OP.drop,
    );
    expect(stackValue(factorial)).toBe(120n);
  });

  it('reads registers, the frame base, the CFA and memory', () => {
    expect(value(expr(DW_OP.breg0 + 7, sleb(-8)))).toBe(0x1070n - 8n);
    expect(value(expr(DW_OP.bregx, uleb(17), sleb(4)))).toBe(0x1110n + 4n);
    expect(value(expr(DW_OP.fbreg, sleb(-20)))).toBe(0x7fff0010n - 20n);
    expect(value(expr(DW_OP.call_frame_cfa))).toBe(0x7fff0000n);
    expect(value(expr(DW_OP.breg0, sleb(0), DW_OP.deref))).toBe(0x0807060504030201n);
    expect(value(expr(DW_OP.breg0, sleb(2), DW_OP.deref_size, 2))).toBe(0x0403n);
    expect(value(expr(DW_OP.lit0, DW_OP.breg0, sleb(0), DW_OP.xderef_size, 1))).toBe(1n);
  });

  it('relocates DW_OP_addr and DW_OP_addrx by the load bias, but not DW_OP_constx', () => {
    expect(evaluateLocation(expr(DW_OP.addr, u64(0x4018n)), context)).toEqual({ kind: 'memory', address: 0x555555554000n + 0x4018n });
    expect(value(expr(DW_OP.addrx, uleb(2)))).toBe(0x555555554000n + 0x4010n);
    expect(value(expr(DW_OP.constx, uleb(2)))).toBe(0x4010n);
  });

  it('describes registers, implicit values, implicit pointers and optimized-out objects', () => {
    expect(evaluateLocation(expr(DW_OP.reg0 + 5), context)).toEqual({ kind: 'register', register: 5 });
    expect(evaluateLocation(expr(DW_OP.regx, uleb(33)), context)).toEqual({ kind: 'register', register: 33 });
    expect(evaluateLocation(expr(DW_OP.implicit_value, 2, 0xaa, 0xbb), context)).toEqual({ kind: 'implicit-value', bytes: Buffer.from([0xaa, 0xbb]) });
    expect(evaluateLocation(expr(DW_OP.implicit_pointer, [0x2b, 0, 0, 0], sleb(-4)), context))
      .toEqual({ kind: 'implicit-pointer', dieOffset: 0x2b, byteOffset: -4n });
    expect(evaluateLocation(Buffer.alloc(0), context)).toEqual({ kind: 'optimized-out' });
  });

  it('treats DW_OP_entry_value as optimized out unless the caller can supply the entry value', () => {
    const entry = expr(DW_OP.entry_value, 1, DW_OP.reg0 + 5, lit(1), DW_OP.plus, DW_OP.stack_value);
    expect(evaluateLocation(entry, context)).toEqual({ kind: 'optimized-out' });
    const supplied = evaluateLocation(entry, { ...context, entryValue: (sub) => (sub.equals(expr(DW_OP.reg0 + 5)) ? 41n : undefined) });
    expect(supplied).toEqual({ kind: 'implicit-value', bytes: Buffer.from(u64(42n)) });
  });

  it('assembles pieces from registers, memory, values and nothing', () => {
    const composite = evaluateLocation(expr(
      DW_OP.reg0 + 3, DW_OP.piece, 4,
      DW_OP.breg0 + 7, sleb(8), DW_OP.piece, 4,
      DW_OP.piece, 2,
      lit(9), DW_OP.stack_value, DW_OP.bit_piece, 3, 5,
    ), context);
    expect(composite).toEqual({
      kind: 'composite',
      pieces: [
        { location: { kind: 'register', register: 3 }, sizeInBits: 32, bitOffset: 0 },
        { location: { kind: 'memory', address: 0x1078n }, sizeInBits: 32, bitOffset: 0 },
        { location: { kind: 'optimized-out' }, sizeInBits: 16, bitOffset: 0 },
        { location: { kind: 'implicit-value', bytes: Buffer.from(u64(9n)) }, sizeInBits: 3, bitOffset: 5 },
      ],
    });
  });

  it('reports malformed or impossible expressions with DwarfExpressionError', () => {
    const failures = [
      expr(DW_OP.plus), // stack underflow
      expr(0x02), // reserved opcode
      expr(DW_OP.const4u, 1, 2), // truncated operand
      expr(lit(1), DW_OP.lit0, DW_OP.div), // division by zero
      expr(DW_OP.skip, i16(-3)), // infinite loop
      expr(DW_OP.skip, i16(1), DW_OP.const1u, 5), // branch into an operand
      expr(lit(1), DW_OP.deref), // unmapped memory
      expr(DW_OP.breg0 + 25, 0), // unreadable register
      expr(DW_OP.call2, 0, 0), // calls to DWARF procedures are not supported
    ];
    for (const bytes of failures) expect(() => evaluateLocation(bytes, context), bytes.toString('hex')).toThrow(DwarfExpressionError);
    expect(() => evaluateLocation(expr(DW_OP.fbreg, 0), { ...context, frameBase: undefined })).toThrow(/frame base/);
    expect(() => evaluateLocation(expr(DW_OP.call_frame_cfa), { ...context, cfa: undefined })).toThrow(/CFA/);
  });

  it('formats expressions as llvm-dwarfdump does', () => {
    expect(formatExpression(expr(DW_OP.breg0 + 7, sleb(8), DW_OP.deref))).toBe('DW_OP_breg7 RSP+8, DW_OP_deref');
    expect(formatExpression(expr(DW_OP.fbreg, sleb(-48)))).toBe('DW_OP_fbreg -48');
    expect(formatExpression(expr(DW_OP.entry_value, 1, DW_OP.reg0 + 4, DW_OP.stack_value))).toBe('DW_OP_entry_value(DW_OP_reg4 RSI), DW_OP_stack_value');
    expect(formatExpression(expr(DW_OP.addr, u64(0x404cn)))).toBe('DW_OP_addr 0x404c');
  });
});
