// The spawn trampoline: a 438-byte static ELF built in memory.
//
// A tracee must be seized before its first instruction, and Node cannot fork: `child_process`
// is out of the question (libuv reaps its children with waitpid and steals ptrace stops). So
// the tracer posix_spawn()s this trampoline, which stops itself and, once seized and continued,
// execs the real program with the exact argv (argv[0] included) and environment it was given.
// Until it is seized it dies with the tracer (PR_SET_PDEATHSIG): never a stopped orphan.
// A shell trampoline could not set argv[0] and adds PWD to the environment; this one adds
// nothing, costs one exec less than `sh -c`, and reports a failed execve as its exit status
// (the errno), which spawn() turns into a precise SpawnError.
import { closeSync, mkdtempSync, openSync, writeSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLibc } from '../native/libc.js';
import { ELF_MACHINE, TRAMPOLINE_CODE } from '../arch/index.js';

const LOAD_ADDRESS = 0x400000n;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;

/** A minimal ELF64 executable: one PT_LOAD segment (R+X) holding headers and code. */
export function buildTrampolineElf(code: Buffer = TRAMPOLINE_CODE, machine = ELF_MACHINE): Buffer {
  const codeOffset = EHDR_SIZE + PHDR_SIZE;
  const size = codeOffset + code.length;
  const elf = Buffer.alloc(size);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2 /* 64-bit */, 1 /* little-endian */, 1 /* version */], 0);
  elf.writeUInt16LE(2, 16); // ET_EXEC
  elf.writeUInt16LE(machine, 18);
  elf.writeUInt32LE(1, 20); // EV_CURRENT
  elf.writeBigUInt64LE(LOAD_ADDRESS + BigInt(codeOffset), 24); // e_entry
  elf.writeBigUInt64LE(BigInt(EHDR_SIZE), 32); // e_phoff
  elf.writeUInt16LE(EHDR_SIZE, 52); // e_ehsize
  elf.writeUInt16LE(PHDR_SIZE, 54); // e_phentsize
  elf.writeUInt16LE(1, 56); // e_phnum
  const ph = EHDR_SIZE;
  elf.writeUInt32LE(1, ph); // PT_LOAD
  elf.writeUInt32LE(5, ph + 4); // PF_R | PF_X
  elf.writeBigUInt64LE(0n, ph + 8); // p_offset
  elf.writeBigUInt64LE(LOAD_ADDRESS, ph + 16); // p_vaddr
  elf.writeBigUInt64LE(LOAD_ADDRESS, ph + 24); // p_paddr
  elf.writeBigUInt64LE(BigInt(size), ph + 32); // p_filesz
  elf.writeBigUInt64LE(BigInt(size), ph + 40); // p_memsz
  elf.writeBigUInt64LE(0x1000n, ph + 48); // p_align
  code.copy(elf, codeOffset);
  return elf;
}

const MFD_CLOEXEC = 1;
const MFD_EXEC = 0x10; // Linux 6.3+: ask for an executable memfd when vm.memfd_noexec is set

let memfdPath: string | undefined;
let filePath: string | undefined;

/** Where the trampoline can be executed from: an executable memfd, created once per thread
 * (module state is per isolate); `fallback` writes a file under the temporary folder instead,
 * for systems that forbid executing memfds. */
export function trampolinePath(fallback = false): string {
  if (!fallback) return (memfdPath ??= createMemfd());
  return (filePath ??= createFile());
}

function createMemfd(): string {
  const libc = getLibc();
  let fd = libc.memfdCreate('umview-trampoline', MFD_CLOEXEC | MFD_EXEC);
  if (fd < 0) fd = libc.memfdCreate('umview-trampoline', MFD_CLOEXEC); // kernel < 6.3
  if (fd < 0) return trampolinePath(true);
  writeSync(fd, buildTrampolineElf());
  // The fd stays open for the life of the process: the path names it. It is close-on-exec, and
  // execve opens the file before closing such fds, so the trampoline runs but never inherits it.
  return `/proc/self/fd/${fd}`;
}

function createFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'umview-'));
  const path = join(dir, 'trampoline');
  const fd = openSync(path, 'w', 0o700);
  writeSync(fd, buildTrampolineElf());
  closeSync(fd);
  chmodSync(path, 0o700);
  return path;
}
