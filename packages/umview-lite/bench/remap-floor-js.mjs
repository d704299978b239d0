// The floor of remap mode for a tracer written in JavaScript (Node + koffi), with none of
// umview's layers: remap-floor.c's loop — wait, PTRACE_GET_SYSCALL_INFO, one process_vm_readv
// of the path, PTRACE_CONT — written as one function on ptrace-core's raw libc bindings. Only
// the start (spawn, and the seccomp filter put in place before the program runs) goes through
// sysvm. What this costs over the C floor is the price of Node itself (its start, V8, koffi's
// calls); what umview-lite costs over this is its own.
//   node remap-floor-js.mjs NR:ARG[,NR:ARG...] PROGRAM [ARGS...]
// Prints "stops N" on stderr at the end; exits with PROGRAM's status.
import { shellExitCode } from '@umview/ptrace-core';
import { getLibc, pinnedBuffer } from '@umview/ptrace-core/internal';
import { SyscallFilter, SyscallTracer } from '@umview/sysvm';

const [spec, program, ...programArgs] = process.argv.slice(2);
if (!spec || !program) {
  console.error('usage: remap-floor-js.mjs NR:ARG[,NR:ARG...] PROGRAM [ARGS...]');
  process.exit(2);
}
const pathArg = new Int8Array(1024).fill(-1);
const numbers = [];
for (const item of spec.split(',')) {
  const [nr, arg] = item.split(':').map(Number);
  pathArg[nr] = arg;
  numbers.push(nr);
}

const PTRACE_CONT = 7;
const PTRACE_GET_SYSCALL_INFO = 0x420e;
const SYS_PROCESS_VM_READV = 310;
const WALL = 0x40000000;
const EVENT_SECCOMP = 7;
const SIGTRAP = 5;
const PAGE = 4096;

const vm = new SyscallTracer({ backend: 'seccomp', filter: SyscallFilter.of(numbers) });
const root = vm.spawn(program, programArgs);
const libc = getLibc();
const statusBuffer = pinnedBuffer(4);
const status = new Int32Array(statusBuffer.buffer, statusBuffer.byteOffset, 1);
const info = pinnedBuffer(88);
const words = new BigUint64Array(info.buffer, info.byteOffset, 11);
const path = pinnedBuffer(PAGE);
const local = pinnedBuffer(16);
const remote = pinnedBuffer(16);
local.writeBigUInt64LE(libc.address(path), 0);
local.writeBigUInt64LE(BigInt(PAGE), 8);
// The kernel is given these buffers by address: they must outlive the loop. V8 does not keep a
// variable alive past its last use in the code (the path buffer, written only by the kernel,
// would be collected and its memory reused under the kernel's writes), hence `pinned`, used
// again at the end.
const pinned = [statusBuffer, info, path, local, remote];
const [statusAt, infoAt, localAt, remoteAt] = [statusBuffer, info, local, remote].map((b) => Number(libc.address(b)));

libc.ptrace(PTRACE_CONT, root.tid, 0, 0);
let stops = 0;
let rootStatus = 0;
for (;;) {
  const tid = libc.waitpidAt(-1, statusAt, WALL);
  if (tid < 0) break; // ECHILD: every tracee is gone
  const s = status[0];
  if ((s & 0x7f) !== 0x7f) {
    if (tid === root.tid) rootStatus = shellExitCode(s);
    continue; // exited or killed
  }
  stops++;
  const signal = (s >> 8) & 0xff;
  const event = s >>> 16;
  if (event === EVENT_SECCOMP) {
    libc.ptrace(PTRACE_GET_SYSCALL_INFO, tid, 88, infoAt);
    const arg = pathArg[Number(words[3])];
    if (arg >= 0) {
      const pointer = Number(words[4 + arg]);
      if (pointer !== 0) {
        remote.writeBigUInt64LE(BigInt(pointer), 0);
        remote.writeBigUInt64LE(BigInt(PAGE - (pointer % PAGE)), 8);
        libc.syscall6(SYS_PROCESS_VM_READV, tid, localAt, 1, remoteAt, 1, 0);
      }
    }
    libc.ptrace(PTRACE_CONT, tid, 0, 0);
  } else {
    // Fork, exec and other events, a new child's first stop: resume. A signal: deliver it.
    libc.ptrace(PTRACE_CONT, tid, 0, event !== 0 || signal === SIGTRAP ? 0 : signal);
  }
}
process.stderr.write(`stops ${stops} (${pinned.length} buffers kept)\n`);
process.exit(rootStatus);
