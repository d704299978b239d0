// Everything x86-64 specific that ptrace-core needs, in one place, so that another
// architecture is a sibling folder with the same exports.
export * from './abi.js';
export * from './registers.js';
export * from './trampoline.js';
export * from './hand-off.js';
export { X86_64_SYSCALLS as SYSCALL_TABLE } from './syscall-table.js';
export const NAME = 'x86_64';
