// The C expression subset of `evaluate`, conditional breakpoints and logpoints, parsed into a
// tree. Grammar (C's precedence, loosest first):
//
//   expression  := assignment
//   assignment  := conditional ('=' assignment)?            (repl only: checked by the evaluator)
//   conditional := logical-or ('?' expression ':' conditional)?
//   logical-or  := logical-and ('||' logical-and)*   ... down through | ^ & == != < > <= >= << >> + - * / %
//   unary       := ('-' | '+' | '!' | '~' | '*' | '&') unary | 'sizeof' unary | 'sizeof' '(' type ')'
//                | '(' type ')' unary | postfix
//   postfix     := primary ('.' name | '->' name | '[' expression ']')*
//   primary     := number | 'c' | "string" | name | $register | '(' expression ')'
//   name        := '::'? identifier ('::' identifier)*          (C++: `geo::Shape::count`, `this`)
//   type        := qualifiers? (base-type words | struct/union/enum name | typedef-name | class-name) '*'* '&'?
//
// Whether `(name)` starts a cast depends on `name` being a type: the parser asks `isTypeName`.

/** A type named in a cast or sizeof; `reference`: a C++ reference cast, `(geo::Rect &)shape`. */
export type TypeSpec = (
  | { readonly kind: 'words'; readonly words: readonly string[]; readonly pointers: number }
  | { readonly kind: 'tagged'; readonly keyword: 'struct' | 'union' | 'enum'; readonly name: string; readonly pointers: number }
  | { readonly kind: 'named'; readonly name: string; readonly pointers: number }
) & { readonly reference?: boolean };

export type BinaryOperator = '*' | '/' | '%' | '+' | '-' | '<<' | '>>' | '<' | '>' | '<=' | '>=' | '==' | '!=' | '&' | '^' | '|' | '&&' | '||';
export type UnaryOperator = '-' | '+' | '!' | '~' | '*' | '&';

export type Expression =
  | { readonly kind: 'integer'; readonly value: bigint; readonly suffix: string; readonly radix: number }
  | { readonly kind: 'float'; readonly value: number; readonly single: boolean }
  | { readonly kind: 'char'; readonly value: number }
  | { readonly kind: 'string'; readonly bytes: Buffer }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'register'; readonly name: string }
  | { readonly kind: 'member'; readonly object: Expression; readonly name: string; readonly arrow: boolean }
  | { readonly kind: 'index'; readonly array: Expression; readonly index: Expression }
  | { readonly kind: 'unary'; readonly operator: UnaryOperator; readonly operand: Expression }
  | { readonly kind: 'sizeof-type'; readonly type: TypeSpec }
  | { readonly kind: 'sizeof'; readonly operand: Expression }
  | { readonly kind: 'cast'; readonly type: TypeSpec; readonly operand: Expression }
  | { readonly kind: 'binary'; readonly operator: BinaryOperator; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'conditional'; readonly test: Expression; readonly then: Expression; readonly otherwise: Expression }
  | { readonly kind: 'assign'; readonly target: Expression; readonly value: Expression };

export class ExpressionSyntaxError extends Error {}

type Token =
  | { readonly kind: 'number'; readonly text: string; readonly at: number }
  | { readonly kind: 'char'; readonly value: number; readonly at: number }
  | { readonly kind: 'string'; readonly bytes: Buffer; readonly at: number }
  | { readonly kind: 'name'; readonly text: string; readonly at: number }
  | { readonly kind: 'register'; readonly text: string; readonly at: number }
  | { readonly kind: 'punct'; readonly text: string; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

const PUNCTUATORS = ['->', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '&', '^', '|', '!', '~', '(', ')', '[', ']', '.', '?', ':', '=', ','];

const BASE_WORDS = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', 'bool', '__int128']);
const QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict']);

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63,
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const c = text[at]!;
    if (/\s/.test(c)) {
      at++;
      continue;
    }
    const start = at;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[at + 1] ?? ''))) {
      const match = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[a-zA-Z]*/.exec(text.slice(at))!;
      tokens.push({ kind: 'number', text: match[0], at: start });
      at += match[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c) || (text.startsWith('::', at) && /[A-Za-z_]/.test(text[at + 2] ?? ''))) {
      // A C++ qualified name is one token: `std::string`, `geo::Shape::count`, `::global`.
      const match = /^(?:::)?[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(at))!;
      tokens.push({ kind: 'name', text: match[0], at: start });
      at += match[0].length;
      continue;
    }
    if (c === '$') {
      const match = /^\$[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at));
      if (match === null) throw new ExpressionSyntaxError(`a register name must follow "$" (column ${at + 1})`);
      tokens.push({ kind: 'register', text: match[0].slice(1), at: start });
      at += match[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const { bytes, end } = readQuoted(text, at, c);
      if (c === "'") {
        if (bytes.length !== 1) throw new ExpressionSyntaxError(`a character constant holds one character (column ${start + 1})`);
        tokens.push({ kind: 'char', value: bytes[0]!, at: start });
      } else {
        tokens.push({ kind: 'string', bytes, at: start });
      }
      at = end;
      continue;
    }
    const punct = PUNCTUATORS.find((candidate) => text.startsWith(candidate, at));
    if (punct === undefined) throw new ExpressionSyntaxError(`unexpected character "${c}" (column ${at + 1})`);
    tokens.push({ kind: 'punct', text: punct, at: start });
    at += punct.length;
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

function readQuoted(text: string, start: number, quote: string): { bytes: Buffer; end: number } {
  const bytes: number[] = [];
  let at = start + 1;
  while (at < text.length && text[at] !== quote) {
    if (text[at] === '\\') {
      const next = text[at + 1];
      if (next === undefined) break;
      const octal = /^[0-7]{1,3}/.exec(text.slice(at + 1));
      const hexa = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(at + 1));
      if (octal !== null) {
        bytes.push(parseInt(octal[0], 8) & 0xff);
        at += 1 + octal[0].length;
      } else if (hexa !== null) {
        bytes.push(parseInt(hexa[1]!, 16));
        at += 1 + hexa[0].length;
      } else if (SIMPLE_ESCAPES[next] !== undefined) {
        bytes.push(SIMPLE_ESCAPES[next]);
        at += 2;
      } else {
        throw new ExpressionSyntaxError(`unknown escape sequence "\\${next}" (column ${at + 1})`);
      }
      continue;
    }
    const codePoint = text.codePointAt(at)!;
    const character = String.fromCodePoint(codePoint);
    bytes.push(...Buffer.from(character, 'utf8'));
    at += character.length;
  }
  if (text[at] !== quote) throw new ExpressionSyntaxError(`missing closing ${quote} (column ${start + 1})`);
  return { bytes: Buffer.from(bytes), end: at + 1 };
}

const BINARY_LEVELS: readonly (readonly BinaryOperator[])[] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

export function parseExpression(text: string, isTypeName: (name: string) => boolean = () => false): Expression {
  if (text.trim() === '') throw new ExpressionSyntaxError('the expression is empty');
  return new Parser(tokenize(text), isTypeName).parseAll();
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[], private readonly isTypeName: (name: string) => boolean) {}

  parseAll(): Expression {
    const expression = this.expression();
    const rest = this.peek();
    if (rest.kind !== 'end') throw new ExpressionSyntaxError(`unexpected ${describe(rest)} (column ${rest.at + 1})`);
    return expression;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private isPunct(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'punct' && token.text === text;
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== text) throw new ExpressionSyntaxError(`expected "${text}" but found ${describe(token)} (column ${token.at + 1})`);
  }

  private expression(): Expression {
    const target = this.conditional();
    if (this.isPunct('=')) {
      this.next();
      return { kind: 'assign', target, value: this.expression() };
    }
    return target;
  }

  private conditional(): Expression {
    const test = this.binary(0);
    if (!this.isPunct('?')) return test;
    this.next();
    const then = this.expression();
    this.expect(':');
    return { kind: 'conditional', test, then, otherwise: this.conditional() };
  }

  private binary(level: number): Expression {
    if (level >= BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct' || !(BINARY_LEVELS[level] as readonly string[]).includes(token.text)) return left;
      this.next();
      left = { kind: 'binary', operator: token.text as BinaryOperator, left, right: this.binary(level + 1) };
    }
  }

  private unary(): Expression {
    const token = this.peek();
    if (token.kind === 'punct' && ['-', '+', '!', '~', '*', '&'].includes(token.text)) {
      this.next();
      return { kind: 'unary', operator: token.text as UnaryOperator, operand: this.unary() };
    }
    if (token.kind === 'name' && token.text === 'sizeof') {
      this.next();
      if (this.isPunct('(') && this.startsType(1)) {
        this.next();
        const type = this.typeSpec();
        this.expect(')');
        return { kind: 'sizeof-type', type };
      }
      return { kind: 'sizeof', operand: this.unary() };
    }
    if (this.isPunct('(') && this.startsType(1)) {
      this.next();
      const type = this.typeSpec();
      this.expect(')');
      return { kind: 'cast', type, operand: this.unary() };
    }
    return this.postfix();
  }

  /** Whether the token at `offset` begins a type name. */
  private startsType(offset: number): boolean {
    const token = this.peek(offset);
    if (token.kind !== 'name') return false;
    return BASE_WORDS.has(token.text) || QUALIFIERS.has(token.text) || token.text === 'struct' || token.text === 'union'
      || token.text === 'enum' || this.isTypeName(token.text);
  }

  private typeSpec(): TypeSpec {
    const words: string[] = [];
    let tagged: { keyword: 'struct' | 'union' | 'enum'; name: string } | undefined;
    let named: string | undefined;
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'name') break;
      if (QUALIFIERS.has(token.text)) {
        this.next();
        continue;
      }
      if (token.text === 'struct' || token.text === 'union' || token.text === 'enum') {
        this.next();
        const name = this.next();
        if (name.kind !== 'name') throw new ExpressionSyntaxError(`expected a name after "${token.text}" (column ${name.at + 1})`);
        tagged = { keyword: token.text, name: name.text };
        continue;
      }
      if (BASE_WORDS.has(token.text)) {
        this.next();
        words.push(token.text);
        continue;
      }
      if (words.length === 0 && tagged === undefined && named === undefined && this.isTypeName(token.text)) {
        this.next();
        named = token.text;
        continue;
      }
      break;
    }
    let pointers = 0;
    for (;;) {
      if (this.isPunct('*')) {
        this.next();
        pointers++;
      } else if (this.peek().kind === 'name' && QUALIFIERS.has((this.peek() as { text: string }).text)) {
        this.next();
      } else {
        break;
      }
    }
    const reference = this.isPunct('&');
    if (reference) this.next();
    const shape = { pointers, ...(reference ? { reference } : {}) };
    if (tagged !== undefined) return { kind: 'tagged', ...tagged, ...shape };
    if (named !== undefined) return { kind: 'named', name: named, ...shape };
    if (words.length === 0) throw new ExpressionSyntaxError(`expected a type (column ${this.peek().at + 1})`);
    return { kind: 'words', words, ...shape };
  }

  private postfix(): Expression {
    let expression = this.primary();
    for (;;) {
      if (this.isPunct('.') || this.isPunct('->')) {
        const arrow = (this.next() as { text: string }).text === '->';
        const name = this.next();
        if (name.kind !== 'name') throw new ExpressionSyntaxError(`expected a member name after "${arrow ? '->' : '.'}" (column ${name.at + 1})`);
        expression = { kind: 'member', object: expression, name: name.text, arrow };
      } else if (this.isPunct('[')) {
        this.next();
        const index = this.expression();
        this.expect(']');
        expression = { kind: 'index', array: expression, index };
      } else {
        return expression;
      }
    }
  }

  private primary(): Expression {
    const token = this.next();
    switch (token.kind) {
      case 'number': return parseNumber(token.text, token.at);
      case 'char': return { kind: 'char', value: token.value };
      case 'string': return { kind: 'string', bytes: token.bytes };
      case 'register': return { kind: 'register', name: token.text };
      case 'name':
        if (token.text === 'sizeof') throw new ExpressionSyntaxError(`unexpected "sizeof" (column ${token.at + 1})`);
        if (token.text === 'true' || token.text === 'false') return { kind: 'integer', value: token.text === 'true' ? 1n : 0n, suffix: '', radix: 10 };
        return { kind: 'name', name: token.text };
      case 'punct':
        if (token.text === '(') {
          const inner = this.expression();
          this.expect(')');
          return inner;
        }
        throw new ExpressionSyntaxError(`unexpected "${token.text}" (column ${token.at + 1})`);
      case 'end':
        throw new ExpressionSyntaxError('the expression ends too early');
    }
  }
}

function parseNumber(text: string, at: number): Expression {
  const lower = text.toLowerCase();
  const integer = /^(0x[0-9a-f]+|0b[01]+|[0-9]+)(u|l|ul|lu|ll|ull|llu)?$/.exec(lower);
  if (integer !== null) {
    const digits = integer[1]!;
    const radix = digits.startsWith('0x') ? 16 : digits.startsWith('0b') ? 2 : digits.length > 1 && digits.startsWith('0') ? 8 : 10;
    if (radix === 8 && /[89]/.test(digits)) throw new ExpressionSyntaxError(`invalid octal number "${text}" (column ${at + 1})`);
    const value = radix === 8 ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
    return { kind: 'integer', value, suffix: integer[2] ?? '', radix };
  }
  const float = /^((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)(f|l)?$/.exec(lower);
  if (float !== null) return { kind: 'float', value: Number(float[1]), single: float[2] === 'f' };
  throw new ExpressionSyntaxError(`invalid number "${text}" (column ${at + 1})`);
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end': return 'the end of the expression';
    case 'number': return `"${token.text}"`;
    case 'name': return `"${token.text}"`;
    case 'register': return `"$${token.text}"`;
    case 'punct': return `"${token.text}"`;
    case 'char': return 'a character constant';
    case 'string': return 'a string';
  }
}
