// Typed views of raw syscall argument words (x86-64 ABI: six 64-bit registers).
//
// An `int` argument is only the low 32 bits of its register: the upper half is whatever the
// caller left there (AT_FDCWD arrives as 0x00000000ffffff9c), so ints are decoded from 32 bits.
export class SyscallArgs {
  constructor(protected readonly words: readonly bigint[]) {}

  /** The raw 64-bit word. */
  raw(i: number): bigint {
    return this.words[i] ?? 0n;
  }
  /** A C `int` (fds, flags, dirfds): signed 32-bit. */
  int(i: number): number {
    return Number(BigInt.asIntN(32, this.raw(i)));
  }
  /** A C `unsigned int` / mode_t. */
  uint(i: number): number {
    return Number(BigInt.asUintN(32, this.raw(i)));
  }
  /** A C `long` / ssize_t / off_t: signed 64-bit. */
  long(i: number): bigint {
    return BigInt.asIntN(64, this.raw(i));
  }
  /** A size or count that fits a JS number (size_t below 2^53). */
  size(i: number): number {
    return Number(BigInt.asUintN(64, this.raw(i)));
  }
  /** A pointer. */
  ptr(i: number): bigint {
    return BigInt.asUintN(64, this.raw(i));
  }
}
