// The value layer's pure parts against C itself: printf's %g with gdb's digits, x87 long double
// arithmetic bit for bit, C string and character escapes; the expression parser's grammar.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileC } from '@umview/test-fixtures';
import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/engine/engine.js';
import { ExpressionSyntaxError, parseExpression, type Expression } from '../../src/expressions/parser.js';
import { charLiteral, stringLiteral, wideStringLiteral } from '../../src/values/c-text.js';
import { add, divide, fromX87, multiply, subtract, toX87 } from '../../src/values/extended-float.js';
import { formatFloatBytes } from '../../src/values/float-format.js';

const oracle = compileC(fileURLToPath(new URL('../fixtures/unit/floats.c', import.meta.url)), { flags: ['-O0'], name: 'unit-floats' });
const lines = execFileSync(oracle, { encoding: 'utf8' }).trim().split('\n').map((line) => line.split(' '));

describe('floating-point values', () => {
  it('formats float, double and long double as printf %.9g, %.17g and %.21Lg do (gdb)', () => {
    for (const fields of lines) {
      const input = Buffer.from(fields[1]!, 'hex');
      const printed = fields[fields.length - 1]!;
      expect(formatFloatBytes(input), fields.join(' ')).toBe(printed);
    }
  });

  it('adds, subtracts, multiplies and divides long doubles bit for bit as the x87 FPU does', () => {
    const x87 = lines.filter((fields) => fields[0] === 'x');
    expect(x87.length).toBeGreaterThan(4);
    for (const [, a, b, sum, difference, product, quotient] of x87) {
      const left = fromX87(Buffer.from(a!, 'hex'));
      const right = fromX87(Buffer.from(b!, 'hex'));
      const hex = (value: ReturnType<typeof add>): string => toX87(value).subarray(0, 10).toString('hex');
      expect([hex(add(left, right)), hex(subtract(left, right)), hex(multiply(left, right)), hex(divide(left, right))], `${a} ${b}`)
        .toEqual([sum, difference, product, quotient]);
    }
  });
});

describe('C text', () => {
  it('escapes characters and strings as gdb prints them', () => {
    expect([65, 0, 10, 39, 92, 200, 127].map(charLiteral)).toEqual(["'A'", "'\\000'", "'\\n'", "'\\''", "'\\\\'", "'\\310'", "'\\177'"]);
    expect(stringLiteral(Buffer.from('say "hi"\t\u00e9\n'))).toBe('"say \\"hi\\"\\t\u00e9\\n"');
    expect(stringLiteral(Uint8Array.of(0x61, 0xff, 0x62), true)).toBe('"a\\377b"...');
  });

  it('writes a run of more than 10 of one character apart, as gdb does', () => {
    expect(stringLiteral(Buffer.from('x'.repeat(10)))).toBe(`"${'x'.repeat(10)}"`);
    expect(stringLiteral(Buffer.from('x'.repeat(11)))).toBe("'x' <repeats 11 times>");
    expect(stringLiteral(Buffer.from(`ab${'c'.repeat(11)}de`), true)).toBe(`"ab", 'c' <repeats 11 times>, "de"...`);
    expect(wideStringLiteral([0xd83d, 0xde00, 0x41, 1], 'u')).toBe('u"\u{1F600}A\\001"');
  });
});

describe('the expression grammar', () => {
  const shape = (expression: Expression): string => {
    switch (expression.kind) {
      case 'binary': return `(${shape(expression.left)} ${expression.operator} ${shape(expression.right)})`;
      case 'unary': return `(${expression.operator}${shape(expression.operand)})`;
      case 'name': return expression.name;
      case 'integer': return expression.value.toString();
      case 'member': return `${shape(expression.object)}${expression.arrow ? '->' : '.'}${expression.name}`;
      case 'index': return `${shape(expression.array)}[${shape(expression.index)}]`;
      case 'cast': return `(cast ${JSON.stringify(expression.type)} ${shape(expression.operand)})`;
      case 'conditional': return `(${shape(expression.test)} ? ${shape(expression.then)} : ${shape(expression.otherwise)})`;
      case 'sizeof-type': return `sizeof(${JSON.stringify(expression.type)})`;
      case 'register': return `$${expression.name}`;
      default: return expression.kind;
    }
  };

  it('follows C precedence and associativity', () => {
    expect(shape(parseExpression('a + b * c - d'))).toBe('((a + (b * c)) - d)');
    expect(shape(parseExpression('a || b && c | d ^ e & f == g < h << i'))).toBe('(a || (b && (c | (d ^ (e & (f == (g < (h << i))))))))');
    expect(shape(parseExpression('-*p->next[2].x'))).toBe('(-(*p->next[2].x))');
    expect(shape(parseExpression('a ? b : c ? d : e'))).toBe('(a ? b : (c ? d : e))');
    expect(shape(parseExpression('$rip + 0x10'))).toBe('($rip + 16)');
  });

  it('tells casts from parenthesized expressions by the names that are types', () => {
    expect(shape(parseExpression('(unsigned long)x'))).toBe('(cast {"kind":"words","words":["unsigned","long"],"pointers":0} x)');
    expect(shape(parseExpression('(struct point *)p'))).toBe('(cast {"kind":"tagged","keyword":"struct","name":"point","pointers":1} p)');
    expect(shape(parseExpression('(size_t) - 1', (name) => name === 'size_t'))).toBe('(cast {"kind":"named","name":"size_t","pointers":0} (-1))');
    expect(shape(parseExpression('(a) - 1'))).toBe('(a - 1)');
    expect(shape(parseExpression('sizeof(const char *)'))).toBe('sizeof({"kind":"words","words":["char"],"pointers":1})');
  });

  it('reports what is wrong, with the column', () => {
    expect(() => parseExpression('a +')).toThrow(ExpressionSyntaxError);
    expect(() => parseExpression('a + )')).toThrow('unexpected ")" (column 5)');
    expect(() => parseExpression('a b')).toThrow('unexpected "b" (column 3)');
    expect(() => parseExpression("'ab'")).toThrow('a character constant holds one character');
    expect(() => parseExpression('089')).toThrow('invalid octal number');
    expect(() => parseExpression('a @ b')).toThrow('unexpected character "@" (column 3)');
    expect(() => parseExpression('   ')).toThrow('the expression is empty');
  });
});

describe('logpoint messages', () => {
  it('replaces {expressions} and keeps escaped braces', () => {
    expect(interpolate('x={x} y={y + 1} \\{z\\} {unclosed', (expression) => `<${expression}>`)).toBe('x=<x> y=<y + 1> {z} {unclosed');
  });
});
