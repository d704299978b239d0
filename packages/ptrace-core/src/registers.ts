// A named view over the general-purpose register regset (user_regs_struct).
//
// The view wraps a pinned buffer that PTRACE_GETREGSET fills in place, so a tracer that reads
// registers at every stop allocates nothing but the BigInts it asks for.
import { pinnedBuffer } from './native/libc.js';
import {
  FP_REGISTER, PC_REGISTER, REGISTER_INDEX, REGISTER_NAMES, REGS_SIZE, SP_REGISTER,
  SYSCALL_ARG_REGISTERS, SYSCALL_NR_REGISTER, SYSCALL_RESULT_REGISTER, type RegisterName,
} from './arch/index.js';

export type { RegisterName };

/** General-purpose registers of one thread, by name (`regs.rax`, `regs.rip = 0x401000n`). */
export class Registers {
  /** The raw words, in the kernel's order. */
  readonly words: BigUint64Array;
  /** The same memory as bytes (what the kernel reads and writes). */
  readonly bytes: Buffer;

  constructor(source?: Uint8Array) {
    this.bytes = pinnedBuffer(REGS_SIZE);
    if (source) this.bytes.set(source.subarray(0, REGS_SIZE));
    this.words = new BigUint64Array(this.bytes.buffer, this.bytes.byteOffset, REGS_SIZE / 8);
  }

  get(name: RegisterName): bigint {
    return this.words[REGISTER_INDEX[name]]!;
  }

  set(name: RegisterName, value: bigint): void {
    this.words[REGISTER_INDEX[name]] = BigInt.asUintN(64, value);
  }

  /** The register as a signed 64-bit value (syscall results are negative errnos). */
  getSigned(name: RegisterName): bigint {
    return BigInt.asIntN(64, this.get(name));
  }

  /** Program counter. */
  get pc(): bigint { return this.get(PC_REGISTER); }
  set pc(v: bigint) { this.set(PC_REGISTER, v); }
  /** Stack pointer. */
  get sp(): bigint { return this.get(SP_REGISTER); }
  set sp(v: bigint) { this.set(SP_REGISTER, v); }
  /** Frame pointer. */
  get fp(): bigint { return this.get(FP_REGISTER); }
  set fp(v: bigint) { this.set(FP_REGISTER, v); }
  /** The syscall number at a syscall stop (orig_rax); -1 means "no syscall". */
  get syscallNumber(): number { return Number(BigInt.asIntN(64, this.get(SYSCALL_NR_REGISTER))); }
  set syscallNumber(nr: number) { this.set(SYSCALL_NR_REGISTER, BigInt(nr)); }
  /** The syscall result (signed): at an exit stop, -errno on failure. */
  get syscallResult(): bigint { return this.getSigned(SYSCALL_RESULT_REGISTER); }
  set syscallResult(v: bigint) { this.set(SYSCALL_RESULT_REGISTER, v); }

  /** Syscall argument `i` (0..5) per the architecture's syscall ABI. */
  syscallArg(i: number): bigint {
    return this.get(SYSCALL_ARG_REGISTERS[i]!);
  }
  setSyscallArg(i: number, value: bigint): void {
    this.set(SYSCALL_ARG_REGISTERS[i]!, value);
  }

  /** A copy, e.g. to restore later. */
  clone(): Registers {
    return new Registers(this.bytes);
  }

  /** Overwrites every register with `other`'s. */
  copyFrom(other: Registers): void {
    this.bytes.set(other.bytes);
  }

  /** A plain object of every register, for display and messages between threads. */
  toJSON(): Record<RegisterName, string> {
    const out = {} as Record<RegisterName, string>;
    for (const name of REGISTER_NAMES) out[name] = `0x${this.get(name).toString(16)}`;
    return out;
  }
}

// Named accessors (`regs.rax`), one per register of the architecture.
export interface Registers extends Record<RegisterName, bigint> {}
for (const name of REGISTER_NAMES) {
  const index = REGISTER_INDEX[name];
  Object.defineProperty(Registers.prototype, name, {
    get(this: Registers) { return this.words[index]; },
    set(this: Registers, v: bigint) { this.words[index] = BigInt.asUintN(64, v); },
    enumerable: false,
    configurable: false,
  });
}
