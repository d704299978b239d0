// Floating-point values printed as gdb prints them: printf's %g with enough significant digits
// to tell every value of the format apart (9 for float, 17 for double, 21 for the x87 80-bit
// long double), computed exactly with BigInt arithmetic (no rounding through a JS number, which
// could not hold a long double at all), rounding half to even as glibc's printf does.

/** Significant digits gdb uses: ceil(mantissa bits × log10 2) + 1. */
export const FLOAT_DIGITS = { float: 9, double: 17, x87: 21 } as const;

/** Decodes an IEEE 754 or x87 value from little-endian bytes and formats it; undefined for sizes it does not know. */
export function formatFloatBytes(bytes: Uint8Array): string | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (bytes.length) {
    case 4: {
      const bits = view.readUInt32LE(0);
      return formatBinary(bits >>> 31 === 1, (bits >>> 23) & 0xff, BigInt(bits & 0x7fffff), 8, 23, true, FLOAT_DIGITS.float);
    }
    case 8: {
      const bits = view.readBigUInt64LE(0);
      return formatBinary((bits >> 63n) === 1n, Number((bits >> 52n) & 0x7ffn), bits & ((1n << 52n) - 1n), 11, 52, true, FLOAT_DIGITS.double);
    }
    case 10:
    case 12:
    case 16: {
      // x87 extended precision: 64-bit mantissa with an explicit integer bit, then sign and exponent.
      const mantissa = view.readBigUInt64LE(0);
      const top = view.readUInt16LE(8);
      return formatBinary((top & 0x8000) !== 0, top & 0x7fff, mantissa, 15, 64, false, FLOAT_DIGITS.x87);
    }
    default:
      return undefined;
  }
}

function formatBinary(negative: boolean, exponent: number, fraction: bigint, exponentBits: number, fractionBits: number, implicitBit: boolean, digits: number): string {
  const sign = negative ? '-' : '';
  const maxExponent = (1 << exponentBits) - 1;
  const bias = (1 << (exponentBits - 1)) - 1;
  if (exponent === maxExponent) {
    const payload = implicitBit ? fraction : fraction & ((1n << 63n) - 1n);
    if (payload === 0n) return `${sign}inf`;
    return `${sign}nan(0x${payload.toString(16)})`;
  }
  let mantissa: bigint;
  let power: number;
  if (implicitBit) {
    if (exponent === 0) {
      mantissa = fraction;
      power = 1 - bias - fractionBits;
    } else {
      mantissa = fraction | (1n << BigInt(fractionBits));
      power = exponent - bias - fractionBits;
    }
  } else {
    mantissa = fraction;
    power = (exponent === 0 ? 1 : exponent) - bias - (fractionBits - 1);
  }
  return sign + formatG(mantissa, power, digits);
}

/** `mantissa × 2^power` with printf's %.{digits}g. */
export function formatG(mantissa: bigint, power: number, digits: number): string {
  if (mantissa === 0n) return '0';
  let numerator = power >= 0 ? mantissa << BigInt(power) : mantissa;
  let denominator = power >= 0 ? 1n : 1n << BigInt(-power);
  // Decimal exponent k with 10^k <= value < 10^(k+1).
  let k = numerator.toString().length - denominator.toString().length;
  if (k >= 0 ? numerator < denominator * 10n ** BigInt(k) : numerator * 10n ** BigInt(-k) < denominator) k--;
  const shift = digits - 1 - k;
  if (shift >= 0) numerator *= 10n ** BigInt(shift);
  else denominator *= 10n ** BigInt(-shift);
  let quotient = numerator / denominator;
  const remainder = numerator - quotient * denominator;
  const twice = remainder * 2n;
  if (twice > denominator || (twice === denominator && (quotient & 1n) === 1n)) quotient++;
  if (quotient === 10n ** BigInt(digits)) {
    quotient /= 10n;
    k++;
  }
  const text = quotient.toString();
  if (k < -4 || k >= digits) {
    const fractionDigits = text.slice(1).replace(/0+$/, '');
    const exponentText = `${k < 0 ? '-' : '+'}${Math.abs(k).toString().padStart(2, '0')}`;
    return `${text[0]}${fractionDigits === '' ? '' : `.${fractionDigits}`}e${exponentText}`;
  }
  if (k >= 0) {
    const whole = text.slice(0, k + 1);
    const fraction = text.slice(k + 1).replace(/0+$/, '');
    return fraction === '' ? whole : `${whole}.${fraction}`;
  }
  return `0.${'0'.repeat(-k - 1)}${text.replace(/0+$/, '')}`;
}

/** A JS number (a double) as gdb prints a double. */
export function formatDouble(value: number): string {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return formatFloatBytes(bytes)!;
}

/** Encodes a number into a float of `size` bytes (4, 8, or 10/16 for x87). */
export function encodeFloat(value: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  if (size === 4) bytes.writeFloatLE(value);
  else if (size === 8) bytes.writeDoubleLE(value);
  else bytes.set(doubleToX87(value));
  return bytes;
}

/** Decodes a float of 4, 8 or 10+ bytes into a JS number (x87 values are rounded to double). */
export function decodeFloat(bytes: Uint8Array): number {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length === 4) return view.readFloatLE(0);
  if (bytes.length === 8) return view.readDoubleLE(0);
  const mantissa = view.readBigUInt64LE(0);
  const top = view.readUInt16LE(8);
  const sign = (top & 0x8000) !== 0 ? -1 : 1;
  const exponent = top & 0x7fff;
  if (exponent === 0x7fff) return (mantissa & ((1n << 63n) - 1n)) === 0n ? sign * Infinity : NaN;
  if (mantissa === 0n) return sign * 0;
  // Keep the top 53 bits of the mantissa exact, then scale.
  const shift = 11n;
  const top53 = Number(mantissa >> shift);
  return sign * top53 * 2 ** ((exponent === 0 ? 1 : exponent) - 16383 - 63 + Number(shift));
}

function doubleToX87(value: number): Buffer {
  const out = Buffer.alloc(10);
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  const bits = bytes.readBigUInt64LE(0);
  const negative = (bits >> 63n) === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  let mantissa: bigint;
  let x87Exponent: number;
  if (exponent === 0x7ff) {
    x87Exponent = 0x7fff;
    mantissa = (1n << 63n) | (fraction << 11n);
  } else if (exponent === 0 && fraction === 0n) {
    x87Exponent = 0;
    mantissa = 0n;
  } else if (exponent === 0) {
    // A double subnormal is a normal x87 value.
    const leading = 52 - fraction.toString(2).length + 1;
    mantissa = fraction << BigInt(11 + leading);
    x87Exponent = 1 - 1023 - leading + 16383;
  } else {
    mantissa = (1n << 63n) | (fraction << 11n);
    x87Exponent = exponent - 1023 + 16383;
  }
  out.writeBigUInt64LE(mantissa, 0);
  out.writeUInt16LE(x87Exponent | (negative ? 0x8000 : 0), 8);
  return out;
}
