// DWARF register numbers of x86-64 (System V psABI, §3.6.2 "DWARF Register Number Mapping").
// Note the order of the first eight, which is not the encoding order: rdx is 1, rcx is 2.
// Names are those of `struct user_regs_struct` where one exists, so that a register set read
// with PTRACE_GETREGS maps to DWARF numbers by name.

export const X86_64_DWARF_REGISTERS = [
  'rax', 'rdx', 'rcx', 'rbx', 'rsi', 'rdi', 'rbp', 'rsp',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
  'rip',
  'xmm0', 'xmm1', 'xmm2', 'xmm3', 'xmm4', 'xmm5', 'xmm6', 'xmm7',
  'xmm8', 'xmm9', 'xmm10', 'xmm11', 'xmm12', 'xmm13', 'xmm14', 'xmm15',
  'st0', 'st1', 'st2', 'st3', 'st4', 'st5', 'st6', 'st7',
  'mm0', 'mm1', 'mm2', 'mm3', 'mm4', 'mm5', 'mm6', 'mm7',
  'eflags', 'es', 'cs', 'ss', 'ds', 'fs', 'gs', undefined, undefined, 'fs_base', 'gs_base',
] as const;

/** Numbers used by the unwinder and the expression evaluator. */
export const X86_64 = {
  rax: 0, rdx: 1, rcx: 2, rbx: 3, rsi: 4, rdi: 5, rbp: 6, rsp: 7,
  r8: 8, r9: 9, r10: 10, r11: 11, r12: 12, r13: 13, r14: 14, r15: 15,
  /** Column 16 is the return address in CFI; as a register it is rip. */
  rip: 16,
  returnAddress: 16,
  xmm0: 17,
  eflags: 49,
  fs_base: 58,
  gs_base: 59,
} as const;

/** Registers a callee must preserve (psABI §3.2.1): their value in the caller equals the callee's unless CFI says otherwise. */
export const X86_64_CALLEE_SAVED: readonly number[] = [X86_64.rbx, X86_64.rbp, X86_64.r12, X86_64.r13, X86_64.r14, X86_64.r15];

const extraNames: ReadonlyMap<number, string> = new Map([
  [64, 'mxcsr'], [65, 'fcw'], [66, 'fsw'],
  ...Array.from({ length: 16 }, (_, index): [number, string] => [67 + index, `xmm${16 + index}`]),
  ...Array.from({ length: 8 }, (_, index): [number, string] => [118 + index, `k${index}`]),
]);

/** The register's name (`rsp`, `xmm3`...), or `r<N>` for a number without one. */
export function x86_64RegisterName(dwarfRegister: number): string {
  return X86_64_DWARF_REGISTERS[dwarfRegister] ?? extraNames.get(dwarfRegister) ?? `r${dwarfRegister}`;
}

const numbersByName: ReadonlyMap<string, number> = new Map([
  ...X86_64_DWARF_REGISTERS.flatMap((name, number): [string, number][] => (name === undefined ? [] : [[name, number]])),
  ...[...extraNames].map(([number, name]): [string, number] => [name, number]),
  ['rflags', X86_64.eflags],
]);

/** The DWARF number of a register name (`rsp` -> 7), or undefined. */
export function x86_64RegisterNumber(name: string): number | undefined {
  return numbersByName.get(name.toLowerCase());
}

/** Converts named registers (as from PTRACE_GETREGS) to a map keyed by DWARF number. */
export function registersByDwarfNumber(named: Readonly<Record<string, bigint>>): Map<number, bigint> {
  const registers = new Map<number, bigint>();
  for (const [name, value] of Object.entries(named)) {
    const number = x86_64RegisterNumber(name);
    if (number !== undefined) registers.set(number, value);
  }
  return registers;
}
