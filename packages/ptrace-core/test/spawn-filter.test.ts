// SpawnOptions.seccompFilter: the spawn trampoline installs the filter on itself before its
// execve, so the program runs under it from its first instruction. Real filters, real kernel; as
// root and, in the unprivileged CI pass, as a user without CAP_SYS_ADMIN (no_new_privs then).
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, Tracer, syscallNumber } from '@umview/ptrace-core';
import { readProcStatusField, readProcStatusNumber } from '@umview/ptrace-core/internal';
import { fixture, runToEnd } from './helpers.js';

let tracer: Tracer;
afterEach(() => tracer?.close());

const GETPPID = syscallNumber('getppid')!;
const PRCTL = syscallNumber('prctl')!;
const SECCOMP_RET_TRAP = 0x00030000;
const SECCOMP_RET_TRACE = 0x7ff00000;
const SECCOMP_RET_ALLOW = 0x7fff0000;

/** BPF instructions as struct sock_filter. */
function program(instructions: readonly [code: number, jt: number, jf: number, k: number][]): Buffer {
  const bytes = Buffer.alloc(instructions.length * 8);
  instructions.forEach(([code, jt, jf, k], i) => {
    bytes.writeUInt16LE(code, i * 8);
    bytes.writeUInt8(jt, i * 8 + 2);
    bytes.writeUInt8(jf, i * 8 + 3);
    bytes.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return bytes;
}

const LD_NR: [number, number, number, number] = [0x20, 0, 0, 0]; // BPF_LD|BPF_W|BPF_ABS, seccomp_data.nr
/** Stops getppid (SECCOMP_RET_TRACE), allows the rest. */
const TRACE_GETPPID = program([LD_NR, [0x15, 0, 1, GETPPID], [0x06, 0, 0, SECCOMP_RET_TRACE], [0x06, 0, 0, SECCOMP_RET_ALLOW]]);
/** A jump past the end: the kernel's checker refuses it (EINVAL). */
const REFUSED = program([LD_NR, [0x15, 0, 9, GETPPID], [0x06, 0, 0, SECCOMP_RET_ALLOW]]);

const filters = (pid: number): number | undefined => readProcStatusNumber(pid, 'Seccomp_filters');
const hasFilterCount = filters(process.pid) !== undefined;
/** Without CAP_SYS_ADMIN the kernel asks for no_new_privs before a filter. */
const capSysAdmin = (BigInt(`0x${readProcStatusField(process.pid, 'CapEff') ?? '0'}`) & (1n << 21n)) !== 0n;

describe('spawn with a seccomp filter', () => {
  it.skipIf(!hasFilterCount)('runs the program under it from its first instruction, its stops reported', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getppid-loop'), ['7'], { seccompFilter: TRACE_GETPPID });
    expect(tracee.lastStop?.kind).toBe('exec'); // nothing of the program ran yet
    expect(tracee.seccompFilterInstalled).toBe(true);
    expect(filters(tracee.pid)).toBe(filters(process.pid)! + 1);
    expect(readProcStatusField(tracee.pid, 'NoNewPrivs')).toBe(capSysAdmin ? '0' : '1');
    tracee.cont();
    const stops = runToEnd(tracer, undefined, 'cont');
    expect(stops.filter((s) => s.kind === 'seccomp' && s.nr === GETPPID)).toHaveLength(7);
    expect(stops.at(-1)).toMatchObject({ kind: 'exited', code: 0 });
  });

  it.skipIf(!hasFilterCount)('runs the program without a filter the kernel refuses', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(fixture('getppid-loop'), ['7'], { seccompFilter: REFUSED });
    expect(tracee.seccompFilterInstalled).toBe(false); // the trampoline's SIGSYS said so
    expect(filters(tracee.pid)).toBe(filters(process.pid));
    tracee.cont();
    const stops = runToEnd(tracer, undefined, 'cont');
    expect(stops.filter((s) => s.kind === 'seccomp')).toEqual([]);
    expect(stops.at(-1)).toMatchObject({ kind: 'exited', code: 0 });
  });

  // The trampoline reports a refusal with a SIGSYS it sends itself; a SIGSYS that an installed
  // filter raises (SECCOMP_RET_TRAP, here at the trampoline's own prctl after the seccomp call)
  // is another thing, and a spawn without a filter has nothing to report.
  it('tells whether the filter was installed, which a SIGSYS of the filter itself does not confuse', () => {
    tracer = new Tracer();
    const trapsPrctl = program([LD_NR, [0x15, 0, 1, PRCTL], [0x06, 0, 0, SECCOMP_RET_TRAP], [0x06, 0, 0, SECCOMP_RET_ALLOW]]);
    const trapped = tracer.spawn(fixture('getppid-loop'), ['1'], { seccompFilter: trapsPrctl });
    expect(trapped.seccompFilterInstalled).toBe(true);
    if (hasFilterCount) expect(filters(trapped.pid)).toBe(filters(process.pid)! + 1);
    const plain = tracer.spawn(fixture('getppid-loop'), ['1']);
    expect(plain.seccompFilterInstalled).toBeUndefined();
    trapped.cont();
    plain.cont();
    const stops = runToEnd(tracer, undefined, 'cont');
    expect(stops.filter((s) => s.kind === 'exited' && s.code === 0)).toHaveLength(2);
  });

  it('refuses a program that is not whole instructions, before anything is started', () => {
    tracer = new Tracer();
    expect(() => tracer.spawn(fixture('getppid-loop'), ['1'], { seccompFilter: TRACE_GETPPID.subarray(0, 12) })).toThrow(InvalidArgumentError);
    expect(() => tracer.spawn(fixture('getppid-loop'), ['1'], { seccompFilter: Buffer.alloc(0) })).toThrow(InvalidArgumentError);
    expect(tracer.tracees.size).toBe(0);
  });
});

if (!hasFilterCount) console.warn('spawn-filter tests skipped: this kernel shows no Seccomp_filters in /proc/PID/status (Linux < 5.9)');
