/** An address as DAP shows it: 0x-prefixed lowercase hex. */
export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}
