// `struct open_how` (linux/openat2.h), the argument block of openat2(2): three u64 words.
import { checkRange, dataView } from './view.js';

export interface OpenHow {
  /** O_* flags (all 64 bits are checked by the kernel: unknown bits give EINVAL). */
  flags: bigint;
  /** Creation mode; must be 0 unless O_CREAT or O_TMPFILE is set. */
  mode: bigint;
  /** RESOLVE_* flags. */
  resolve: bigint;
}

/** Size of the version-0 struct (OPEN_HOW_SIZE_VER0), what openat2's `size` is today. */
export const OPEN_HOW_SIZE = 24;

export const RESOLVE = {
  NO_XDEV: 0x01, NO_MAGICLINKS: 0x02, NO_SYMLINKS: 0x04, BENEATH: 0x08, IN_ROOT: 0x10, CACHED: 0x20,
} as const;

export function decodeOpenHow(buf: Uint8Array, offset = 0): OpenHow {
  checkRange(buf, offset, OPEN_HOW_SIZE, 'struct open_how');
  const v = dataView(buf);
  return {
    flags: v.getBigUint64(offset, true),
    mode: v.getBigUint64(offset + 8, true),
    resolve: v.getBigUint64(offset + 16, true),
  };
}

export function encodeOpenHowInto(buf: Uint8Array, offset: number, value: OpenHow): void {
  checkRange(buf, offset, OPEN_HOW_SIZE, 'struct open_how');
  const v = dataView(buf);
  v.setBigUint64(offset, BigInt.asUintN(64, value.flags), true);
  v.setBigUint64(offset + 8, BigInt.asUintN(64, value.mode), true);
  v.setBigUint64(offset + 16, BigInt.asUintN(64, value.resolve), true);
}

export function encodeOpenHow(value: OpenHow): Buffer {
  const buf = Buffer.alloc(OPEN_HOW_SIZE);
  encodeOpenHowInto(buf, 0, value);
  return buf;
}
