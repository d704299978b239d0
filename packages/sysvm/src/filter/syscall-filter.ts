// Which syscalls stop: a seccomp-bpf filter, built from rules.
//
// The filter checks the architecture first (a 32-bit `int 0x80` call or an x32 call in a
// 64-bit process would otherwise slip past every rule, with other numbers), then compares the
// syscall number against each rule. A rule can also test an argument: "read only when the fd
// is >= 1000" lets a monitor whose virtual fds live at high numbers pay nothing for real fds.
import { arch, syscallNumber } from '@umview/ptrace-core';
import { ERRNO } from '@umview/ptrace-core';
import { SECCOMP_DATA, SECCOMP_RET, encodeProgram, jeq, jge, ld, ret, runProgram, type BpfInstruction } from './bpf.js';

/** What a call from a foreign architecture (or the x32 ABI) gets. */
export type ForeignArchAction = 'enosys' | 'kill';

export type SyscallRef = string | number;

interface Rule {
  nr: number;
  /** Stop only when argument `arg`, as a signed 32-bit int, is at least `atLeast`... */
  fdAtLeast?: { arg: number; atLeast: number };
  /** ...or equal to one of `fds` (an fd the monitor serves below the threshold). */
  fdIn?: { arg: number; fds: number[] };
}

export class SyscallFilter {
  private readonly rules = new Map<number, Rule>();
  private everything = false;
  foreignArch: ForeignArchAction = 'enosys';

  /** A filter under which every syscall stops (the SYSVM of the seed: one stop per call). */
  static all(): SyscallFilter {
    const f = new SyscallFilter();
    f.everything = true;
    return f;
  }

  /** A filter under which the named syscalls stop. */
  static of(syscalls: Iterable<SyscallRef>): SyscallFilter {
    return new SyscallFilter().trace(syscalls);
  }

  /** Stops these syscalls always. */
  trace(syscalls: Iterable<SyscallRef>): this {
    for (const s of syscalls) this.rules.set(resolve(s), { nr: resolve(s) });
    return this;
  }

  /** Stops these syscalls only when argument `arg` (an fd) is one of `fds`. A syscall already
   * traced always stays so; one tested on another argument then stops always. */
  traceWhenFdIn(syscalls: Iterable<SyscallRef>, arg: number, fds: readonly number[]): this {
    if (arg < 0 || arg > 5) throw new RangeError(`argument index ${arg} is not 0..5`);
    for (const s of syscalls) {
      const nr = resolve(s);
      const existing = this.rules.get(nr);
      if (existing && !existing.fdAtLeast && !existing.fdIn) continue;
      const testsOtherArg = (existing?.fdAtLeast && existing.fdAtLeast.arg !== arg) || (existing?.fdIn && existing.fdIn.arg !== arg);
      if (testsOtherArg) {
        this.rules.set(nr, { nr });
        continue;
      }
      const merged = [...new Set([...(existing?.fdIn?.fds ?? []), ...fds])].sort((a, b) => a - b);
      this.rules.set(nr, { nr, fdAtLeast: existing?.fdAtLeast, fdIn: { arg, fds: merged } });
    }
    return this;
  }

  /** Stops these syscalls only when argument `arg` (an fd) is >= `atLeast`. A syscall already
   * traced always stays so. */
  traceWhenFdAtLeast(syscalls: Iterable<SyscallRef>, arg: number, atLeast: number): this {
    if (arg < 0 || arg > 5) throw new RangeError(`argument index ${arg} is not 0..5`);
    for (const s of syscalls) {
      const nr = resolve(s);
      const existing = this.rules.get(nr);
      if (existing && !existing.fdAtLeast && !existing.fdIn) continue;
      const conflicts = (existing?.fdAtLeast && (existing.fdAtLeast.arg !== arg || existing.fdAtLeast.atLeast !== atLeast))
        || (existing?.fdIn && existing.fdIn.arg !== arg);
      if (conflicts) {
        this.rules.set(nr, { nr }); // two different tests for one call: stop always
        continue;
      }
      this.rules.set(nr, { nr, fdAtLeast: { arg, atLeast }, fdIn: existing?.fdIn });
    }
    return this;
  }

  get tracesEverything(): boolean {
    return this.everything;
  }

  /** True when no call can stop: installing the filter would only slow every syscall down. */
  get isEmpty(): boolean {
    return !this.everything && this.rules.size === 0;
  }

  /** Syscall numbers that may stop. */
  get syscalls(): number[] {
    return [...this.rules.keys()].sort((a, b) => a - b);
  }

  /** True if every call this filter stops, `other` stops too (then `other` adds nothing). */
  isCoveredBy(other: SyscallFilter): boolean {
    if (other.everything) return true;
    if (this.everything) return false;
    for (const rule of this.rules.values()) {
      const theirs = other.rules.get(rule.nr);
      if (!theirs) return false;
      if (!theirs.fdAtLeast && !theirs.fdIn) continue; // they stop it always
      if (!rule.fdAtLeast && !rule.fdIn) return false;
      if (rule.fdAtLeast && !(theirs.fdAtLeast && theirs.fdAtLeast.arg === rule.fdAtLeast.arg && rule.fdAtLeast.atLeast >= theirs.fdAtLeast.atLeast)) return false;
      if (rule.fdIn && !rule.fdIn.fds.every((fd) => theirs.fdIn?.arg === rule.fdIn!.arg && theirs.fdIn.fds.includes(fd)
        || (theirs.fdAtLeast?.arg === rule.fdIn!.arg && fd >= theirs.fdAtLeast.atLeast))) return false;
    }
    return true;
  }

  /** The union of two filters. */
  union(other: SyscallFilter): SyscallFilter {
    const u = new SyscallFilter();
    u.foreignArch = this.foreignArch === 'kill' || other.foreignArch === 'kill' ? 'kill' : 'enosys';
    u.everything = this.everything || other.everything;
    for (const f of [this, other]) {
      for (const rule of f.rules.values()) {
        if (rule.fdAtLeast) u.traceWhenFdAtLeast([rule.nr], rule.fdAtLeast.arg, rule.fdAtLeast.atLeast);
        if (rule.fdIn) u.traceWhenFdIn([rule.nr], rule.fdIn.arg, rule.fdIn.fds);
        if (!rule.fdAtLeast && !rule.fdIn) u.trace([rule.nr]);
      }
    }
    return u;
  }

  /** The cBPF program. */
  program(): BpfInstruction[] {
    const foreign = this.foreignArch === 'kill' ? SECCOMP_RET.KILL_PROCESS : SECCOMP_RET.ERRNO | ERRNO.ENOSYS;
    const p: BpfInstruction[] = [
      ld(SECCOMP_DATA.arch),
      jeq(arch.AUDIT_ARCH, 1, 0),
      ret(foreign),
      ld(SECCOMP_DATA.nr),
      jge(arch.X32_SYSCALL_BIT, 0, 1), // x32 calls share the 64-bit arch value
      ret(foreign),
    ];
    if (this.everything) {
      p.push(ret(SECCOMP_RET.TRACE));
      return p;
    }
    for (const rule of [...this.rules.values()].sort((a, b) => a.nr - b.nr)) {
      if (!rule.fdAtLeast && !rule.fdIn) {
        p.push(jeq(rule.nr, 0, 1), ret(SECCOMP_RET.TRACE));
        continue;
      }
      // The kernel reads an fd as an int from the low 32 bits: the tests load those.
      const block = fdTests(rule);
      p.push(jeq(rule.nr, 0, block.length), ...block);
    }
    p.push(ret(SECCOMP_RET.ALLOW));
    return p;
  }

  /** `struct sock_filter[]` bytes for seccomp(SECCOMP_SET_MODE_FILTER). */
  encode(): Buffer {
    return encodeProgram(this.program());
  }

  /** What the filter returns for a call (evaluated in JS, as the kernel would). */
  evaluate(nr: number, args: readonly bigint[] = [], auditArch: number = arch.AUDIT_ARCH): number {
    const data = Buffer.alloc(64);
    data.writeInt32LE(nr | 0, 0);
    data.writeUInt32LE(auditArch >>> 0, 4);
    args.forEach((a, i) => data.writeBigUInt64LE(BigInt.asUintN(64, a), 16 + 8 * i));
    return runProgram(this.program(), data);
  }

  /** Whether a call stops under this filter. */
  stops(nr: number, args: readonly bigint[] = []): boolean {
    return (this.evaluate(nr, args) & 0xffff0000) >>> 0 === SECCOMP_RET.TRACE;
  }
}

function resolve(s: SyscallRef): number {
  if (typeof s === 'number') return s;
  const nr = syscallNumber(s);
  if (nr === undefined) throw new RangeError(`unknown syscall ${s}`);
  return nr;
}

/** The instructions after a rule's `jeq nr`: load the fd argument, return TRACE if it equals one
 * of the listed fds or lies in [atLeast, 2^31) (not negative: AT_FDCWD is -100), else ALLOW. */
function fdTests(rule: Rule): BpfInstruction[] {
  const arg = (rule.fdAtLeast ?? rule.fdIn)!.arg;
  const fds = rule.fdIn?.fds ?? [];
  // Layout: ld; [jeq fd_i -> TRACE]...; [jge atLeast -> (jge 2^31 -> ALLOW : TRACE)]; ALLOW; TRACE
  const out: BpfInstruction[] = [ld(SECCOMP_DATA.argLow(arg))];
  const tail = rule.fdAtLeast ? 2 : 0; // the two threshold tests
  fds.forEach((fd, i) => {
    const toTrace = fds.length - 1 - i + tail + 1; // skip the rest of the equalities, the threshold tests and ALLOW
    out.push(jeq(fd, toTrace, 0));
  });
  if (rule.fdAtLeast) {
    out.push(jge(rule.fdAtLeast.atLeast, 0, 1)); // below: ALLOW
    out.push(jge(0x80000000, 0, 1)); // negative: ALLOW; else TRACE
  }
  out.push(ret(SECCOMP_RET.ALLOW), ret(SECCOMP_RET.TRACE));
  return out;
}
