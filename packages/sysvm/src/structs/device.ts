// Device numbers as user space sees them (glibc's dev_t, 64-bit) and as the kernel lays them
// out in `struct stat`: the kernel's dev_t is 32-bit (12-bit major, 20-bit minor) and
// cp_new_stat() stores huge_encode_dev(), i.e. new_encode_dev(): minor's low byte in bits 0-7,
// the major in bits 8-19, the rest of the minor in bits 20-31. That is exactly glibc's
// gnu_dev_makedev() for numbers the kernel can hold, so the same formulas serve both sides
// (and Node's `Stats.dev`, which libuv builds with makedev() from statx's major/minor).

/** glibc `makedev(major, minor)`. */
export function makeDev(major: number | bigint, minor: number | bigint): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return BigInt.asUintN(64,
    ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n));
}

/** glibc `major(dev)`. */
export function devMajor(dev: bigint): number {
  const d = BigInt.asUintN(64, dev);
  return Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & 0xfffff000n));
}

/** glibc `minor(dev)`. */
export function devMinor(dev: bigint): number {
  const d = BigInt.asUintN(64, dev);
  return Number((d & 0xffn) | ((d >> 12n) & 0xffffff00n));
}
