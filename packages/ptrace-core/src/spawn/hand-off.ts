// The hand-off: a program started in a process of someone else's making, traced from its first
// instruction. A tracing server (umview-lite's warm monitor) cannot be its commands' parent,
// since the shell that runs a command must be; so the shell runs the hand-off client (a static
// ELF built here from arch's HAND_OFF_CODE), which forks a child, lets the server seize it and
// waits for the status the server sends it (the protocol: arch/x86_64/hand-off.ts). spawn() with
// SpawnOptions.handOff then runs the program in that child, the way it runs it in a trampoline
// of its own: the child's stdio, terminal and process group are the client's.
import { HAND_OFF_CODE, HAND_OFF_EXEC_REGISTERS, TRAMPOLINE_FILTER_REGISTERS } from '../arch/index.js';
import { InvalidArgumentError } from '../errors.js';
import { ERRNO } from '../native/errno.js';
import type { Tracee } from '../tracee.js';
import { buildTrampolineElf } from './trampoline.js';

/** The hand-off client, as an executable's bytes (write it to a file the client's user owns). */
export function handOffClientElf(): Buffer {
  return buildTrampolineElf(HAND_OFF_CODE);
}

/** Room below the child's stack pointer kept for the seccomp filter (trampoline-filter.ts:
 * 512 bytes, then at most 4096 instructions and their struct sock_fprog). */
const FILTER_ROOM = 512n + 16n + 4096n * 8n;

/** What the exec's path, argv and environment may take below that: the stack's mapping reaches
 * 128 KiB below the stack pointer at least (the kernel's stack_expand at exec), and the child's
 * stack is its parent's. */
export const HAND_OFF_EXEC_ROOM = 64 * 1024;

/** Places the program's path, argv and envp in the stopped child's memory and names them in the
 * registers its execve reads; r13 says "no filter" until placeFilter says otherwise. */
export function placeExec(child: Tracee, path: string, argv: readonly string[], env: readonly string[]): void {
  const strings = [path, ...argv, ...env].map((s) => Buffer.from(`${s}\0`));
  const stringBytes = strings.reduce((n, s) => n + s.length, 0);
  const pointerBytes = 8 * (argv.length + 1 + env.length + 1);
  const size = ((stringBytes + 7) & ~7) + pointerBytes;
  if (size > HAND_OFF_EXEC_ROOM) {
    throw new InvalidArgumentError(`hand-off: the command's arguments and environment take ${size} bytes, more than the ${HAND_OFF_EXEC_ROOM} a hand-off carries`, { errno: ERRNO.E2BIG, operation: 'spawn' });
  }
  const regs = child.getRegisters();
  const base = (regs.sp - FILTER_ROOM - BigInt(size)) & ~15n;
  const block = Buffer.alloc(size);
  const addresses: bigint[] = [];
  let offset = 0;
  for (const s of strings) {
    addresses.push(base + BigInt(offset));
    s.copy(block, offset);
    offset += s.length;
  }
  offset = (offset + 7) & ~7;
  const argvAddress = base + BigInt(offset);
  for (const address of [...addresses.slice(1, 1 + argv.length), 0n, ...addresses.slice(1 + argv.length), 0n]) {
    block.writeBigUInt64LE(address, offset);
    offset += 8;
  }
  child.memory.write(base, block);
  regs.set(HAND_OFF_EXEC_REGISTERS.path, addresses[0]!);
  regs.set(HAND_OFF_EXEC_REGISTERS.argv, argvAddress);
  regs.set(HAND_OFF_EXEC_REGISTERS.envp, argvAddress + BigInt(8 * (argv.length + 1)));
  regs.set(TRAMPOLINE_FILTER_REGISTERS.fprog, 0n);
  child.setRegisters(regs);
}
