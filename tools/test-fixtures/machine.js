// What this machine and this user can do, probed natively (small C programs, /proc, PATH) and
// never inferred from a kernel version string: a test that needs a capability asks for it here
// and, where it is missing, skips with the reason this module gives (`ctx.skip(reason)`), so
// that the suite never fails because of the machine and never passes without testing anything.
// Each probe returns undefined when the capability is there and a sentence saying what is
// missing otherwise; results are cached for the process.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC } from './index.js';

const probes = join(dirname(fileURLToPath(import.meta.url)), 'probes');
const cache = new Map();

function once(key, probe) {
  if (!cache.has(key)) cache.set(key, probe());
  return cache.get(key);
}

/** Runs probes/NAME.c natively (compiled on the fly and cached like every fixture). */
function runProbe(name) {
  return spawnSync(compileC(join(probes, `${name}.c`), { flags: ['-O0'], name: `probe-${name}` }), [], { stdio: 'ignore' });
}

/** probes/debug-registers.c's run, shared by the two capabilities it tells apart. */
function debugRegisterProbe() {
  return once('debugreg-probe', () => runProbe('debug-registers'));
}

/** AT_HWCAP2 of this process's auxiliary vector (0 when the kernel gives none). */
function hwcap2() {
  const auxv = readFileSync('/proc/self/auxv');
  for (let at = 0; at + 16 <= auxv.length; at += 16) {
    const type = auxv.readBigUInt64LE(at);
    if (type === 0n) break;
    if (type === 26n) return auxv.readBigUInt64LE(at + 8); // AT_HWCAP2
  }
  return 0n;
}

/** Yama's ptrace_scope, or undefined on a kernel without Yama. */
export function yamaPtraceScope() {
  const file = '/proc/sys/kernel/yama/ptrace_scope';
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
}

/** Whether this process has CAP_SYS_PTRACE in its effective set. */
function hasCapSysPtrace() {
  const line = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return line !== null && (BigInt(`0x${line[1]}`) & (1n << 19n)) !== 0n;
}

function uid() {
  return process.getuid?.() ?? -1;
}

export const missing = {
  /** The FSGSBASE instructions, as the kernel enables them for user space (HWCAP2_FSGSBASE). */
  fsgsbase: () => once('fsgsbase', () => ((hwcap2() & 2n) !== 0n
    ? undefined
    : 'this CPU or kernel has no FSGSBASE for user space (HWCAP2_FSGSBASE clear: an older CPU, a VM that hides it, or nofsgsbase)')),

  /** 32-bit system calls (int $0x80) from a 64-bit process. */
  ia32Emulation: () => once('ia32', () => {
    const run = runProbe('int80');
    if (run.status === 0) return undefined;
    const how = run.signal ? `is killed by ${run.signal}` : `returns a wrong value (exit ${run.status})`;
    return `int $0x80 from a 64-bit process ${how} natively: this kernel's IA32 emulation is off (ia32_emulation=0 or not built in)`;
  }),

  /** PTRACE_SET_SYSCALL_INFO (Linux 6.16). */
  setSyscallInfo: () => once('setinfo', () => {
    const run = runProbe('set-syscall-info');
    if (run.status === 0) return undefined;
    if (run.status === 1) return `this kernel (${release()}) has no PTRACE_SET_SYSCALL_INFO (Linux 6.16 or later)`;
    return `the PTRACE_SET_SYSCALL_INFO probe could not trace its own child (exit ${run.status}, signal ${run.signal})`;
  }),

  /** x86 debug registers (DR0-DR3, DR7) that a tracer can arm in its tracee. */
  debugRegisters: () => once('debugreg', () => {
    const run = debugRegisterProbe();
    if (run.status === 0 || run.status === 3) return undefined;
    if (run.status === 1) return 'this machine gives its processes no hardware debug registers (DR7 does not take a watchpoint)';
    return `the debug-register probe could not trace its own child (exit ${run.status}, signal ${run.signal})`;
  }),

  /** Debug registers that also fire: an armed watchpoint stops the process at its access. */
  debugRegisterHits: () => once('debugreg-hits', () => {
    if (debugRegisterProbe().status === 3) {
      return 'this machine\'s debug registers take a watchpoint but never fire it (a write to the watched address does not stop the process: a hypervisor that does not pass debug exceptions on; gdb\'s `watch` misses it too)';
    }
    return missing.debugRegisters();
  }),

  /** PTRACE_ATTACH/SEIZE to a process that is not a descendant of the tracer. */
  attach: () => once('attach', () => {
    const scope = yamaPtraceScope();
    if (scope === undefined || scope === 0) return undefined;
    if (scope < 3 && hasCapSysPtrace()) return undefined;
    return `Yama ptrace_scope is ${scope}: attaching to a process that is not a descendant needs ${scope === 3 ? 'a kernel without that scope (3 forbids all attaching)' : 'CAP_SYS_PTRACE or the tracee\'s PR_SET_PTRACER'}`;
  }),

  /** Running as root (a test that switches users or changes another user's files). */
  root: () => (uid() === 0 ? undefined : `needs root (this run is uid ${uid()})`),

  /** A command on PATH; `from` names what provides it (e.g. the Debian package). */
  tool: (name, from = name) => once(`tool:${name}`, () => (
    spawnSync('sh', ['-c', `command -v "$1" >/dev/null`, 'sh', name]).status === 0 ? undefined : `${name} is not installed (${from})`)),
};

/** One line per capability, for a run's log: what this machine lets the suite test. */
export function describeMachine() {
  const scope = yamaPtraceScope();
  const rows = [
    ['kernel', release()],
    ['user', `uid ${uid()}`],
    ['yama ptrace_scope', scope === undefined ? 'no Yama' : String(scope)],
    ['fsgsbase', missing.fsgsbase() ?? 'yes'],
    ['ia32 emulation', missing.ia32Emulation() ?? 'yes'],
    ['PTRACE_SET_SYSCALL_INFO', missing.setSyscallInfo() ?? 'yes'],
    ['debug registers', missing.debugRegisterHits() ?? 'yes'],
    ['attach to non-descendants', missing.attach() ?? 'yes'],
  ];
  return rows.map(([what, value]) => `${what}: ${value}`).join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(describeMachine());
