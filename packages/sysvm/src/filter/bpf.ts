// Classic BPF, as seccomp runs it: instruction encoding and the seccomp_data layout.
//
//   struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }   (8 bytes)
//   struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }

export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

// Opcode pieces (linux/filter.h).
const BPF_LD = 0x00, BPF_JMP = 0x05, BPF_RET = 0x06;
const BPF_W = 0x00, BPF_ABS = 0x20;
const BPF_JEQ = 0x10, BPF_JGT = 0x20, BPF_JGE = 0x30, BPF_JSET = 0x40, BPF_JA = 0x00;
const BPF_K = 0x00;

export const SECCOMP_DATA = {
  nr: 0,
  arch: 4,
  instructionPointer: 8,
  /** Offset of the low 32 bits of argument i (little-endian). */
  argLow: (i: number) => 16 + 8 * i,
  argHigh: (i: number) => 20 + 8 * i,
} as const;

/** seccomp filter return values (linux/seccomp.h), highest precedence first. */
export const SECCOMP_RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  USER_NOTIF: 0x7fc00000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

export const ld = (offset: number): BpfInstruction => ({ code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: offset });
export const ret = (value: number): BpfInstruction => ({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: value >>> 0 });
export const jeq = (k: number, jt: number, jf: number): BpfInstruction => ({ code: BPF_JMP | BPF_JEQ | BPF_K, jt, jf, k: k >>> 0 });
export const jge = (k: number, jt: number, jf: number): BpfInstruction => ({ code: BPF_JMP | BPF_JGE | BPF_K, jt, jf, k: k >>> 0 });
export const jgt = (k: number, jt: number, jf: number): BpfInstruction => ({ code: BPF_JMP | BPF_JGT | BPF_K, jt, jf, k: k >>> 0 });
export const jset = (k: number, jt: number, jf: number): BpfInstruction => ({ code: BPF_JMP | BPF_JSET | BPF_K, jt, jf, k: k >>> 0 });
export const ja = (k: number): BpfInstruction => ({ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k });

/** The program as `struct sock_filter[]` bytes. */
export function encodeProgram(program: readonly BpfInstruction[]): Buffer {
  if (program.length === 0 || program.length > 4096) throw new RangeError(`a BPF program has 1..4096 instructions, not ${program.length}`);
  const out = Buffer.alloc(program.length * 8);
  // A DataView's stores are V8 builtins: cheap from the first call (a program is encoded once
  // per run, at spawn, where Buffer's write methods cost ~0.4 ms of interpreted JS).
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < program.length; i++) {
    const insn = program[i]!;
    if (insn.jt > 255 || insn.jf > 255) throw new RangeError(`BPF jump too far at instruction ${i}`);
    view.setUint16(i * 8, insn.code, true);
    view.setUint8(i * 8 + 2, insn.jt);
    view.setUint8(i * 8 + 3, insn.jf);
    view.setUint32(i * 8 + 4, insn.k >>> 0, true);
  }
  return out;
}

/** Runs a program on a seccomp_data in JS (for tests and for explaining a filter). */
export function runProgram(program: readonly BpfInstruction[], data: Buffer): number {
  let a = 0;
  for (let pc = 0; pc < program.length;) {
    const insn = program[pc]!;
    const cls = insn.code & 0x07;
    if (cls === BPF_LD) {
      a = data.readUInt32LE(insn.k);
      pc++;
    } else if (cls === BPF_RET) {
      return insn.k >>> 0;
    } else if (cls === BPF_JMP) {
      const op = insn.code & 0xf0;
      if (op === BPF_JA) {
        pc += 1 + insn.k;
        continue;
      }
      const k = insn.k >>> 0;
      const taken = op === BPF_JEQ ? a === k : op === BPF_JGE ? a >>> 0 >= k : op === BPF_JGT ? a >>> 0 > k : (a & k) !== 0;
      pc += 1 + (taken ? insn.jt : insn.jf);
    } else {
      throw new Error(`unsupported BPF class ${cls}`);
    }
  }
  throw new Error('BPF program fell off its end');
}
