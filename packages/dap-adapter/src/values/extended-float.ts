// x87 long double arithmetic done exactly: values as sign × mantissa × 2^exponent with BigInt
// mantissas, results rounded once to the 64-bit significand (round half to even), as the FPU
// does. A JS number (a double) cannot hold a long double, so `ld * 2` computed through one would
// be wrong in the last digits.

export type Extended =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly mantissa: bigint; readonly exponent: number }
  | { readonly kind: 'infinite'; readonly negative: boolean }
  | { readonly kind: 'nan' };

const SIGNIFICAND_BITS = 64;
/** Smallest exponent of the least significant bit of a (denormal) x87 value: 1 - 16383 - 63. */
const MIN_EXPONENT = -16445;

export function fromX87(bytes: Uint8Array): Extended {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mantissa = view.readBigUInt64LE(0);
  const top = view.readUInt16LE(8);
  const negative = (top & 0x8000) !== 0;
  const exponent = top & 0x7fff;
  if (exponent === 0x7fff) return (mantissa & ((1n << 63n) - 1n)) === 0n ? { kind: 'infinite', negative } : { kind: 'nan' };
  return { kind: 'finite', negative, mantissa, exponent: (exponent === 0 ? 1 : exponent) - 16383 - 63 };
}

export function fromNumber(value: number): Extended {
  if (Number.isNaN(value)) return { kind: 'nan' };
  if (!Number.isFinite(value)) return { kind: 'infinite', negative: value < 0 };
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  const bits = bytes.readBigUInt64LE(0);
  const negative = (bits >> 63n) === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponent === 0) return { kind: 'finite', negative, mantissa: fraction, exponent: -1074 };
  return { kind: 'finite', negative, mantissa: fraction | (1n << 52n), exponent: exponent - 1075 };
}

export function fromBigInt(value: bigint): Extended {
  return round({ kind: 'finite', negative: value < 0n, mantissa: value < 0n ? -value : value, exponent: 0 });
}

export function toX87(value: Extended): Buffer {
  const out = Buffer.alloc(16);
  if (value.kind === 'nan') {
    out.writeBigUInt64LE(0xc000000000000000n, 0);
    out.writeUInt16LE(0x7fff, 8);
    return out;
  }
  if (value.kind === 'infinite') {
    out.writeBigUInt64LE(1n << 63n, 0);
    out.writeUInt16LE(0x7fff | (value.negative ? 0x8000 : 0), 8);
    return out;
  }
  const rounded = round(value) as Extract<Extended, { kind: 'finite' }>;
  if (rounded.kind !== 'finite') return toX87(rounded);
  let { mantissa, exponent } = rounded;
  if (mantissa === 0n) {
    out.writeUInt16LE(value.negative ? 0x8000 : 0, 8);
    return out;
  }
  // Normalize so that bit 63 is set (or leave a denormal at the smallest exponent).
  while (mantissa < 1n << 63n && exponent > MIN_EXPONENT) {
    mantissa <<= 1n;
    exponent--;
  }
  const biased = mantissa >= 1n << 63n ? exponent + 63 + 16383 : 0;
  out.writeBigUInt64LE(mantissa, 0);
  out.writeUInt16LE(biased | (rounded.negative ? 0x8000 : 0), 8);
  return out;
}

export function toNumber(value: Extended): number {
  if (value.kind === 'nan') return NaN;
  if (value.kind === 'infinite') return value.negative ? -Infinity : Infinity;
  // Round to 53 bits first so that the conversion is a single rounding.
  const rounded = roundTo(value, 53, -1074);
  if (rounded.kind !== 'finite') return toNumber(rounded);
  const magnitude = Number(rounded.mantissa) * 2 ** rounded.exponent;
  return rounded.negative ? -magnitude : magnitude;
}

/** The integer part (truncated toward zero). */
export function toBigInt(value: Extended): bigint {
  if (value.kind !== 'finite') throw new RangeError('not a finite number');
  const magnitude = value.exponent >= 0 ? value.mantissa << BigInt(value.exponent) : value.mantissa >> BigInt(-value.exponent);
  return value.negative ? -magnitude : magnitude;
}

function round(value: Extended): Extended {
  return roundTo(value, SIGNIFICAND_BITS, MIN_EXPONENT);
}

/** Rounds to `bits` significant bits, half to even, with gradual underflow below `minExponent`. */
function roundTo(value: Extended, bits: number, minExponent: number): Extended {
  if (value.kind !== 'finite' || value.mantissa === 0n) return value;
  const length = value.mantissa.toString(2).length;
  const drop = Math.max(length - bits, minExponent - value.exponent, 0);
  if (drop === 0) return value;
  const mask = (1n << BigInt(drop)) - 1n;
  let kept = value.mantissa >> BigInt(drop);
  const rest = value.mantissa & mask;
  const half = 1n << BigInt(drop - 1);
  const exponent = value.exponent + drop;
  if (rest > half || (rest === half && (kept & 1n) === 1n)) kept++;
  if (exponent + kept.toString(2).length - 1 > 16383) return { kind: 'infinite', negative: value.negative };
  return { kind: 'finite', negative: value.negative, mantissa: kept, exponent };
}

function negate(value: Extended): Extended {
  return value.kind === 'nan' ? value : { ...value, negative: !value.negative };
}

export function add(a: Extended, b: Extended): Extended {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'infinite' || b.kind === 'infinite') {
    if (a.kind === 'infinite' && b.kind === 'infinite' && a.negative !== b.negative) return { kind: 'nan' };
    return a.kind === 'infinite' ? a : b;
  }
  const exponent = Math.min(a.exponent, b.exponent);
  const signed = (value: Extract<Extended, { kind: 'finite' }>): bigint => {
    const magnitude = value.mantissa << BigInt(value.exponent - exponent);
    return value.negative ? -magnitude : magnitude;
  };
  const sum = signed(a) + signed(b);
  if (sum === 0n) return { kind: 'finite', negative: a.negative && b.negative, mantissa: 0n, exponent: 0 };
  return round({ kind: 'finite', negative: sum < 0n, mantissa: sum < 0n ? -sum : sum, exponent });
}

export function subtract(a: Extended, b: Extended): Extended {
  return add(a, negate(b));
}

export function multiply(a: Extended, b: Extended): Extended {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  const negative = a.negative !== b.negative;
  if (a.kind === 'infinite' || b.kind === 'infinite') {
    const other = a.kind === 'infinite' ? b : a;
    if (other.kind === 'finite' && other.mantissa === 0n) return { kind: 'nan' };
    return { kind: 'infinite', negative };
  }
  return round({ kind: 'finite', negative, mantissa: a.mantissa * b.mantissa, exponent: a.exponent + b.exponent });
}

export function divide(a: Extended, b: Extended): Extended {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  const negative = a.negative !== b.negative;
  if (a.kind === 'infinite') return b.kind === 'infinite' ? { kind: 'nan' } : { kind: 'infinite', negative };
  if (b.kind === 'infinite') return { kind: 'finite', negative, mantissa: 0n, exponent: 0 };
  if (b.mantissa === 0n) return a.mantissa === 0n ? { kind: 'nan' } : { kind: 'infinite', negative };
  // Enough quotient bits for the significand plus guard bits; the remainder is the sticky bit.
  const shift = SIGNIFICAND_BITS + 3 + Math.max(0, b.mantissa.toString(2).length - a.mantissa.toString(2).length);
  const numerator = a.mantissa << BigInt(shift);
  const quotient = numerator / b.mantissa;
  const inexact = numerator % b.mantissa !== 0n;
  // Fold the sticky bit into the lowest bit: below the rounding position, it breaks ties correctly.
  const mantissa = (quotient << 1n) | (inexact ? 1n : 0n);
  return round({ kind: 'finite', negative, mantissa, exponent: a.exponent - b.exponent - shift - 1 });
}

/** -1, 0 or 1; undefined when either is NaN. */
export function compare(a: Extended, b: Extended): number | undefined {
  if (a.kind === 'nan' || b.kind === 'nan') return undefined;
  const difference = subtract(a, b);
  if (difference.kind === 'infinite') return difference.negative ? -1 : 1;
  if (difference.kind !== 'finite' || difference.mantissa === 0n) return 0;
  return difference.negative ? -1 : 1;
}
