// Signal structs: sigset_t, the kernel's struct sigaction, wait statuses.
import { sigactionFlags, signalName, sigsetMemberName } from '../decoders/process.js';
import { formatAddress } from '../escape.js';
import type { ArgContext } from '../types.js';
import { readBytes, withStruct } from './read.js';

/** A signal set of `bytes` bytes: `[INT TERM]`, or when more than half the signals are in it,
 * its complement: `~[RTMIN RT_1]` (strace's sprintsigmask_n). */
export function formatSigset(buf: Uint8Array): string {
  const nsig = buf.length * 8;
  const members: number[] = [];
  for (let sig = 1; sig <= nsig; sig++) {
    const bit = sig - 1;
    if (buf[bit >> 3]! & (1 << (bit & 7))) members.push(sig);
  }
  const negated = members.length > nsig / 2;
  const shown = negated ? rangeExcept(nsig, new Set(members)) : members;
  return `${negated ? '~' : ''}[${shown.map(sigsetMemberName).join(' ')}]`;
}

function rangeExcept(n: number, set: Set<number>): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (!set.has(i)) out.push(i);
  return out;
}

/** The kernel's sigset size on x86-64 (rt_sigprocmask's sigsetsize must be 8). */
export const KERNEL_SIGSET_SIZE = 8;

/** A sigset_t pointer whose size is in argument `count` (sigsetsize), or 8. */
export function printSigset(addr: bigint, ctx: ArgContext, count?: bigint): string {
  const size = count === undefined ? KERNEL_SIGSET_SIZE : Number(count);
  // strace refuses sizes that are not a sane multiple of a word: print the address then.
  if (size <= 0 || size > 128 || size % 4 !== 0) return formatAddress(addr);
  return withStruct(ctx.mem, addr, size, formatSigset);
}

const SA_RESTORER = 0x04000000n;
const KERNEL_SIGACTION_SIZE = 32;

/** The kernel's struct sigaction on x86-64: handler, flags, restorer, mask (in that order,
 * unlike glibc's). */
export function printSigaction(addr: bigint, ctx: ArgContext): string {
  return withStruct(ctx.mem, addr, KERNEL_SIGACTION_SIZE, (buf) => {
    const handler = buf.readBigUInt64LE(0);
    const flags = buf.readBigUInt64LE(8);
    const restorer = buf.readBigUInt64LE(16);
    const handlerText = handler === 0n ? 'SIG_DFL' : handler === 1n ? 'SIG_IGN' : formatAddress(handler);
    const parts = [`sa_handler=${handlerText}`, `sa_mask=${formatSigset(buf.subarray(24, 32))}`, `sa_flags=${sigactionFlags(flags)}`];
    if (flags & SA_RESTORER) parts.push(`sa_restorer=${formatAddress(restorer)}`);
    return `{${parts.join(', ')}}`;
  });
}

const PTRACE_EVENTS: Readonly<Record<number, string>> = {
  1: 'PTRACE_EVENT_FORK', 2: 'PTRACE_EVENT_VFORK', 3: 'PTRACE_EVENT_CLONE', 4: 'PTRACE_EVENT_EXEC',
  5: 'PTRACE_EVENT_VFORK_DONE', 6: 'PTRACE_EVENT_EXIT', 7: 'PTRACE_EVENT_SECCOMP', 128: 'PTRACE_EVENT_STOP',
};

/** A wait status as strace spells it: `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`. */
export function formatWaitStatus(status: number): string {
  const sig = status & 0x7f;
  if (sig === 0) return `[{WIFEXITED(s) && WEXITSTATUS(s) == ${(status >> 8) & 0xff}}]`;
  if (sig !== 0x7f) {
    return `[{WIFSIGNALED(s) && WTERMSIG(s) == ${signalName(BigInt(sig))}${status & 0x80 ? ' && WCOREDUMP(s)' : ''}}]`;
  }
  if ((status & 0xffff) === 0xffff) return '[{WIFCONTINUED(s)}]';
  const stopped = `{WIFSTOPPED(s) && WSTOPSIG(s) == ${signalName(BigInt((status >> 8) & 0xff))}}`;
  const event = status >>> 16;
  return event === 0 ? `[${stopped}]` : `[${stopped} | ${PTRACE_EVENTS[event] ?? event} << 16]`;
}

/** wait4's status: shown only when a child was reaped (result > 0). */
export function printWaitStatus(addr: bigint, ctx: ArgContext): string {
  if (addr === 0n) return 'NULL';
  if ((ctx.result ?? 0n) <= 0n) return formatAddress(addr);
  const buf = readBytes(ctx.mem, addr, 4);
  return buf === undefined ? formatAddress(addr) : formatWaitStatus(buf.readInt32LE(0));
}
