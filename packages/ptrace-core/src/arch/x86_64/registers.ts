// x86-64 register layout: `struct user_regs_struct` from <sys/user.h>, the NT_PRSTATUS regset.
// The order below is the kernel's; a name's index is its word offset in the struct.
export const REGISTER_NAMES = [
  'r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi',
  'rdi', 'orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs',
] as const;

export type RegisterName = (typeof REGISTER_NAMES)[number];

/** Size of user_regs_struct in bytes. */
export const REGS_SIZE = REGISTER_NAMES.length * 8;

/** Word index of each register in user_regs_struct, e.g. `REGISTER_INDEX.rax === 10`. */
export const REGISTER_INDEX = Object.freeze(
  Object.fromEntries(REGISTER_NAMES.map((name, i) => [name, i])),
) as Readonly<Record<RegisterName, number>>;

/** Byte offset of each register in `struct user` (PTRACE_PEEKUSER offsets): the regs come first. */
export function userOffset(name: RegisterName): number {
  return REGISTER_INDEX[name] * 8;
}

/** Size of the FP regset (NT_PRFPREG, `struct user_fpregs_struct`, the FXSAVE area). */
export const FPREGS_SIZE = 512;

/** Bits of the eflags register, for display. */
export const EFLAGS_BITS: readonly (readonly [bit: number, name: string])[] = [
  [0, 'CF'], [2, 'PF'], [4, 'AF'], [6, 'ZF'], [7, 'SF'], [8, 'TF'], [9, 'IF'], [10, 'DF'], [11, 'OF'],
  [14, 'NT'], [16, 'RF'], [17, 'VM'], [18, 'AC'], [19, 'VIF'], [20, 'VIP'], [21, 'ID'],
];
