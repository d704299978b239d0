/** An address as DAP shows it: 0x-prefixed lowercase hex. */
export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** A DAP memory reference (0x-hex or decimal) as a number; throws with what is wrong. */
export function parseAddress(text: string): bigint {
  if (typeof text !== 'string' || !/^(0x[0-9a-fA-F]+|\d+)$/.test(text.trim())) throw new Error(`"${text}" is not a memory reference`);
  return BigInt(text.trim());
}
