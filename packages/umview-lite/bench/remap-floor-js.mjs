// The floor of remap mode for a tracer written in JavaScript (Node + koffi), with none of
// umview's layers: remap-floor.c's loop — wait, PTRACE_GET_SYSCALL_INFO, one process_vm_readv
// of the path, PTRACE_CONT — written as one function on ptrace-core's raw libc bindings. Only
// the start (spawn, and the seccomp filter put in place before the program runs) goes through
// sysvm. What this costs over the C floor is the price of Node itself (its start, V8, koffi's
// calls); what umview-lite costs over this is its own.
// REMAP_FLOOR_PREFIX=/unreal: the same rewrite as remap-floor.c's (the path without the prefix
// below the stack, one process_vm_writev and one PTRACE_POKEUSER).
//   node remap-floor-js.mjs NR:ARG[,NR:ARG...] PROGRAM [ARGS...]
// Prints "stops N" (and "rewrites N") on stderr at the end; exits with PROGRAM's status.
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
const SYS_PROCESS_VM_WRITEV = 311;
const PTRACE_POKEUSER = 6;
/** struct user offsets of rdi, rsi, rdx, r10, r8, r9. */
const ARG_OFFSET = [112, 104, 96, 56, 72, 64];
const RED_ZONE = 128n;
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
const path = pinnedBuffer(2 * PAGE);
const prefix = Buffer.from(process.env.REMAP_FLOOR_PREFIX ?? '');
const placed = pinnedBuffer(2 * PAGE);
const placedIov = pinnedBuffer(16);
const targetIov = pinnedBuffer(16);
placedIov.writeBigUInt64LE(libc.address(placed), 0);
const local = pinnedBuffer(16);
const remote = pinnedBuffer(16);
local.writeBigUInt64LE(libc.address(path), 0);
local.writeBigUInt64LE(BigInt(PAGE), 8);
// The kernel is given these buffers by address: they must outlive the loop. V8 does not keep a
// variable alive past its last use in the code (the path buffer, written only by the kernel,
// would be collected and its memory reused under the kernel's writes), hence `pinned`, used
// again at the end.
const pinned = [statusBuffer, info, path, local, remote, placed, placedIov, targetIov];
const [statusAt, infoAt, localAt, remoteAt, placedIovAt, targetIovAt] = [statusBuffer, info, local, remote, placedIov, targetIov].map((b) => Number(libc.address(b)));
const pathAt = libc.address(path);
let rewrites = 0;

/** Reads `length` bytes at `pointer` into path[offset...]; what process_vm_readv returned. */
function readInto(tid, offset, pointer, length) {
  local.writeBigUInt64LE(pathAt + BigInt(offset), 0);
  local.writeBigUInt64LE(BigInt(length), 8);
  remote.writeBigUInt64LE(BigInt(pointer), 0);
  remote.writeBigUInt64LE(BigInt(length), 8);
  return libc.syscall6(SYS_PROCESS_VM_READV, tid, localAt, 1, remoteAt, 1, 0);
}

/** The length of the path at `pointer` (read to the end of its page, and the next page when it
 * goes on), or undefined when unreadable. */
function readPath(tid, pointer) {
  const first = PAGE - (pointer % PAGE);
  let got = readInto(tid, 0, pointer, first);
  if (got <= 0) return undefined;
  let end = path.subarray(0, got).indexOf(0);
  if (end < 0 && got === first) {
    const more = readInto(tid, first, pointer + first, PAGE);
    if (more > 0) end = path.subarray(0, got += more).indexOf(0);
  }
  return end < 0 ? undefined : end;
}

/** remap-floor.c's rewrite of a path under the prefix. */
function rewrite(tid, arg, end, sp) {
  const n = prefix.length;
  if (end < n || path.compare(prefix, 0, n, 0, n) !== 0 || (end > n && path[n] !== 0x2f)) return;
  const size = end === n ? 2 : end - n + 1;
  if (end === n) placed.write('/\0', 0, 'latin1');
  else path.copy(placed, 0, n, end + 1);
  const at = (sp - RED_ZONE - BigInt(size)) & ~15n;
  placedIov.writeBigUInt64LE(BigInt(size), 8);
  targetIov.writeBigUInt64LE(at, 0);
  targetIov.writeBigUInt64LE(BigInt(size), 8);
  if (libc.syscall6(SYS_PROCESS_VM_WRITEV, tid, placedIovAt, 1, targetIovAt, 1, 0) === size && libc.ptrace(PTRACE_POKEUSER, tid, ARG_OFFSET[arg], at) === 0) rewrites++;
}

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
        if (prefix.length === 0) {
          readInto(tid, 0, pointer, PAGE - (pointer % PAGE)); // one read, as remap-floor.c's
        } else {
          const end = readPath(tid, pointer);
          if (end !== undefined) rewrite(tid, arg, end, words[2]);
        }
      }
    }
    libc.ptrace(PTRACE_CONT, tid, 0, 0);
  } else {
    // Fork, exec and other events, a new child's first stop: resume. A signal: deliver it.
    libc.ptrace(PTRACE_CONT, tid, 0, event !== 0 || signal === SIGTRAP ? 0 : signal);
  }
}
process.stderr.write(`stops ${stops} (${pinned.length} buffers kept)\n`);
if (prefix.length > 0) process.stderr.write(`rewrites ${rewrites}\n`);
process.exit(rootStatus);
