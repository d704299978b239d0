// sysvm benchmark: a workload of 200k getppid and 200 openat calls, natively, under a C
// PTRACE_SYSCALL tracer, and under SyscallTracer with each backend (no-op handler):
// 'ptrace-syscall' (every call stops at entry and exit: the 2006 "no SYSVM"), seccomp with
// every syscall traced (one stop per call, exit skipped: SYSVM), and seccomp tracing only
// openat. Pinned to one CPU, configurations interleaved, medians. "native under the same
// filter" runs the workload under sysvm's openat filter with no tracer at all: what the
// kernel's seccomp entry path costs by itself, the floor of any seccomp-based monitor.
//   npm run bench -w @umview/sysvm -- [--json] [--runs N] [--calls N] [--opens N]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileC, tempDir } from '@umview/test-fixtures';
import { ensurePinned, median, parseArgs, printTable } from '@umview/test-fixtures/bench';
import { SyscallFilter, SyscallTracer, hasSetSyscallInfo } from '@umview/sysvm';

const args = parseArgs(process.argv.slice(2), { runs: 5, calls: 200000, opens: 200 });
ensurePinned(import.meta.url);

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const workload = compileC(here('../test/fixtures/bench-workload.c'), { flags: ['-O2'], name: 'bench-workload' });
// The same C tracer as ptrace-core's benchmark (waitpid, GET_SYSCALL_INFO, PTRACE_SYSCALL).
const cTracer = compileC(here('../../ptrace-core/bench/c-tracer.c'), { flags: ['-O2'], name: 'c-tracer' });
const seccompExec = compileC(here('./seccomp-exec.c'), { flags: ['-O2'], name: 'seccomp-exec' });
const argv = [String(args.calls), String(args.opens)];
const filterFile = join(tempDir(), 'openat.bpf');
writeFileSync(filterFile, SyscallFilter.of(['openat']).encode());

const time = (fn) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

function sysvm(backend, filter) {
  const vm = new SyscallTracer({ backend, filter });
  const ms = time(() => {
    vm.spawn(workload, argv);
    vm.runSync();
  });
  vm.close();
  return ms;
}

const probe = new SyscallTracer({ backend: 'ptrace-syscall' });
const setInfo = hasSetSyscallInfo(probe.spawn('/bin/true'));
probe.close();

const configs = {
  nativeMs: () => time(() => execFileSync(workload, argv)),
  nativeUnderFilterMs: () => time(() => execFileSync(seccompExec, [filterFile, workload, ...argv])),
  cTracerMs: () => JSON.parse(execFileSync(cTracer, [workload, ...argv], { encoding: 'utf8' })).ms,
  ptraceSyscallMs: () => sysvm('ptrace-syscall'),
  seccompAllMs: () => sysvm('seccomp', SyscallFilter.all()),
  seccompFilteredMs: () => sysvm('seccomp', SyscallFilter.of(['openat'])),
  ...(setInfo ? {
    setInfoAllMs: () => sysvm('seccomp-setinfo', SyscallFilter.all()),
    setInfoFilteredMs: () => sysvm('seccomp-setinfo', SyscallFilter.of(['openat'])),
  } : {}),
};
const samples = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
for (const fn of Object.values(configs)) fn(); // warm-up
for (let i = 0; i < args.runs; i++) for (const [k, fn] of Object.entries(configs)) samples[k].push(fn());
const ms = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Number(median(v).toFixed(2))]));

const ratio = (a, b) => (a / b).toFixed(3);
printTable(`sysvm: ${args.calls} getppid + ${args.opens} openat, median of ${args.runs}, pinned to CPU ${process.env.UMVIEW_BENCH_CPU}`, [
  ['configuration', 'ms', 'ratio', 'target'],
  ['native', ms.nativeMs, '1 (native)', ''],
  ['native under the same filter, no tracer', ms.nativeUnderFilterMs, `${ratio(ms.nativeUnderFilterMs, ms.nativeMs)} × native`, '(kernel floor)'],
  ['C tracer, PTRACE_SYSCALL', ms.cTracerMs, '', ''],
  ['sysvm ptrace-syscall (no SYSVM)', ms.ptraceSyscallMs, `${ratio(ms.ptraceSyscallMs, ms.cTracerMs)} × C tracer`, '≤ 1.2'],
  ['sysvm seccomp, all syscalls (SYSVM)', ms.seccompAllMs, `${ratio(ms.seccompAllMs, ms.ptraceSyscallMs)} × ptrace-syscall`, '≤ 0.65'],
  ['sysvm seccomp, openat only', ms.seccompFilteredMs, `${ratio(ms.seccompFilteredMs, ms.nativeMs)} × native`, '≤ 1.25'],
  ...(setInfo ? [
    ['sysvm seccomp-setinfo, all syscalls', ms.setInfoAllMs, `${ratio(ms.setInfoAllMs, ms.ptraceSyscallMs)} × ptrace-syscall`, ''],
    ['sysvm seccomp-setinfo, openat only', ms.setInfoFilteredMs, `${ratio(ms.setInfoFilteredMs, ms.nativeMs)} × native`, ''],
  ] : []),
]);
if (args.json) console.log(JSON.stringify(ms));
