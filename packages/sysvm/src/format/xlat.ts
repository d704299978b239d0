// Symbolic decoding of numbers, the way strace's xlat tables print them:
// - flags: names of the set bits joined with `|`, in table order (so a composite such as
//   O_SYNC listed before its parts wins), leftover bits in hex; no known bit at all gives
//   `0x... /* PREFIX_??? */`; zero gives the table's zero name or `0`;
// - values (enums): the name, or the number and `/* PREFIX_??? */`.

export type XlatTable = readonly (readonly [name: string, value: number | bigint])[];

export interface XlatOptions {
  /** Width of the C type the value has (bits above it are ignored): 32 for int flags. */
  readonly width?: 32 | 64;
  /** Shown in the comment for unknown values: `/* O_??? *\/`. */
  readonly unknown?: string;
  /** How an unknown enum value is printed (flags are always hex). */
  readonly format?: 'dec' | 'hex';
}

export type Decoder = (value: bigint) => string;

interface Entry {
  readonly name: string;
  readonly value: bigint;
}

const entriesOf = (table: XlatTable): Entry[] => table.map(([name, value]) => ({ name, value: BigInt(value) }));

const narrow = (value: bigint, width: 32 | 64 | undefined): bigint =>
  BigInt.asUintN(width ?? 64, value);

/** A decoder for a set of bit flags. */
export function flagsDecoder(table: XlatTable, options: XlatOptions = {}): Decoder {
  const entries = entriesOf(table);
  const zero = entries.find((e) => e.value === 0n);
  const bits = entries.filter((e) => e.value !== 0n);
  return (raw) => {
    let value = narrow(raw, options.width);
    if (value === 0n) return zero?.name ?? '0';
    const names: string[] = [];
    for (const e of bits) {
      if ((value & e.value) === e.value) {
        names.push(e.name);
        value &= ~e.value;
      }
    }
    if (names.length === 0) return unknownHex(value, options.unknown);
    if (value !== 0n) names.push(`0x${value.toString(16)}`);
    return names.join('|');
  };
}

/** A decoder for a value that is one of several constants. */
export function valueDecoder(table: XlatTable, options: XlatOptions = {}): Decoder {
  const byValue = new Map<bigint, string>();
  for (const e of entriesOf(table)) if (!byValue.has(e.value)) byValue.set(e.value, e.name);
  return (raw) => {
    const value = narrow(raw, options.width);
    const name = byValue.get(value);
    if (name !== undefined) return name;
    const number = options.format === 'hex' ? `0x${value.toString(16)}` : signedDecimal(value, options.width);
    return options.unknown ? `${number} /* ${options.unknown} */` : number;
  };
}

function unknownHex(value: bigint, unknown: string | undefined): string {
  const hex = `0x${value.toString(16)}`;
  return unknown ? `${hex} /* ${unknown} */` : hex;
}

function signedDecimal(value: bigint, width: 32 | 64 | undefined): string {
  return String(BigInt.asIntN(width ?? 64, value));
}
