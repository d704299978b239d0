// ptrace's user_regs_struct, as the DWARF register numbers the unwinder and the expression
// evaluator speak (psABI numbering: rdx is 1, rcx is 2...).
import type { Registers } from '@umview/ptrace-core';
import { X86_64 } from '../symbols/index.js';

export function dwarfRegisters(regs: Registers): Map<number, bigint> {
  return new Map<number, bigint>([
    [X86_64.rax, regs.rax], [X86_64.rdx, regs.rdx], [X86_64.rcx, regs.rcx], [X86_64.rbx, regs.rbx],
    [X86_64.rsi, regs.rsi], [X86_64.rdi, regs.rdi], [X86_64.rbp, regs.rbp], [X86_64.rsp, regs.rsp],
    [X86_64.r8, regs.r8], [X86_64.r9, regs.r9], [X86_64.r10, regs.r10], [X86_64.r11, regs.r11],
    [X86_64.r12, regs.r12], [X86_64.r13, regs.r13], [X86_64.r14, regs.r14], [X86_64.r15, regs.r15],
    [X86_64.rip, regs.rip], [X86_64.eflags, regs.eflags], [X86_64.fs_base, regs.fs_base], [X86_64.gs_base, regs.gs_base],
  ]);
}
