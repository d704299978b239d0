// Small ELF core files for the core target's seeds, laid out as the kernel writes them: the ELF
// header, the program headers, one PT_NOTE (NT_PRSTATUS and NT_PRFPREG per thread, NT_PRPSINFO,
// NT_SIGINFO, NT_AUXV, NT_FILE) and PT_LOADs, one of them with no bytes in the file (code, which
// a core leaves out). Real cores are megabytes: too big to mutate.
'use strict';

const NOTE_OWNER = Buffer.from('CORE\0\0\0\0');

function note(type, description) {
  const header = Buffer.alloc(12);
  header.writeUInt32LE(5, 0);
  header.writeUInt32LE(description.length, 4);
  header.writeUInt32LE(type, 8);
  const padded = Buffer.alloc((description.length + 3) & ~3);
  description.copy(padded);
  return Buffer.concat([header, NOTE_OWNER, padded]);
}

function prstatus(tid, signal, rip, rsp) {
  const bytes = Buffer.alloc(336);
  bytes.writeUInt16LE(signal, 12);
  bytes.writeInt32LE(tid, 32);
  const regs = 112;
  bytes.writeBigUInt64LE(rsp, regs + 8 * 4); // rbp
  bytes.writeBigUInt64LE(rip, regs + 8 * 16);
  bytes.writeBigUInt64LE(rsp, regs + 8 * 19);
  return bytes;
}

function fileNote(entries) {
  const head = Buffer.alloc(16 + 24 * entries.length);
  head.writeBigUInt64LE(BigInt(entries.length), 0);
  head.writeBigUInt64LE(4096n, 8);
  entries.forEach(([start, end, page], index) => {
    head.writeBigUInt64LE(start, 16 + 24 * index);
    head.writeBigUInt64LE(end, 24 + 24 * index);
    head.writeBigUInt64LE(page, 32 + 24 * index);
  });
  return Buffer.concat([head, ...entries.map(([, , , path]) => Buffer.from(`${path}\0`))]);
}

/** A core of `threads` threads that died of `signal` (0: a gcore of a live program). */
function buildCore({ threads = 2, signal = 11 } = {}) {
  const code = 0x555555555000n;
  const stack = 0x7ffffffde000n;
  const notes = [];
  for (let index = 0; index < threads; index++) {
    notes.push(note(1, prstatus(1000 + index, index === 0 ? signal : 0, code + 0x10n + BigInt(index), stack + 0x800n)));
    notes.push(note(2, Buffer.alloc(512, index + 1)));
  }
  const psinfo = Buffer.alloc(136);
  psinfo.writeInt32LE(1000, 24);
  psinfo.write('a.out', 40);
  psinfo.write('./a.out crash', 56);
  notes.push(note(3, psinfo));
  const siginfo = Buffer.alloc(128);
  siginfo.writeInt32LE(signal, 0);
  siginfo.writeInt32LE(1, 8);
  notes.push(note(0x53494749, siginfo));
  const auxv = Buffer.alloc(48);
  auxv.writeBigUInt64LE(9n, 0);
  auxv.writeBigUInt64LE(code + 0x40n, 8);
  auxv.writeBigUInt64LE(33n, 16);
  auxv.writeBigUInt64LE(0x7ffff7fc1000n, 24);
  notes.push(note(6, auxv));
  notes.push(note(0x46494c45, fileNote([[code - 0x1000n, code, 0n, '/tmp/a.out'], [code, code + 0x1000n, 1n, '/tmp/a.out']])));
  const noteBytes = Buffer.concat(notes);
  const stackBytes = Buffer.alloc(0x1000, 0x41);
  const elfPage = Buffer.alloc(0x1000);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elfPage);
  const loads = [
    { vaddr: code - 0x1000n, bytes: elfPage, memsz: 0x1000n, flags: 4 },
    { vaddr: code, bytes: Buffer.alloc(0), memsz: 0x1000n, flags: 5 },
    { vaddr: stack, bytes: stackBytes, memsz: 0x1000n, flags: 6 },
  ];
  const phnum = 1 + loads.length;
  const header = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(header);
  header.writeUInt16LE(4, 16); // ET_CORE
  header.writeUInt16LE(62, 18); // EM_X86_64
  header.writeUInt32LE(1, 20);
  header.writeBigUInt64LE(64n, 32); // e_phoff
  header.writeUInt16LE(64, 52);
  header.writeUInt16LE(56, 54);
  header.writeUInt16LE(phnum, 56);
  header.writeUInt16LE(64, 58);
  const phdrs = Buffer.alloc(56 * phnum);
  let offset = 64 + phdrs.length;
  const phdr = (index, type, flags, fileOffset, vaddr, filesz, memsz) => {
    const at = 56 * index;
    phdrs.writeUInt32LE(type, at);
    phdrs.writeUInt32LE(flags, at + 4);
    phdrs.writeBigUInt64LE(BigInt(fileOffset), at + 8);
    phdrs.writeBigUInt64LE(vaddr, at + 16);
    phdrs.writeBigUInt64LE(BigInt(filesz), at + 32);
    phdrs.writeBigUInt64LE(memsz, at + 40);
    phdrs.writeBigUInt64LE(1n, at + 48);
  };
  phdr(0, 4, 0, offset, 0n, noteBytes.length, 0n);
  offset += noteBytes.length;
  loads.forEach((load, index) => {
    phdr(index + 1, 1, load.flags, offset, load.vaddr, load.bytes.length, load.memsz);
    offset += load.bytes.length;
  });
  return Buffer.concat([header, phdrs, noteBytes, ...loads.map((load) => load.bytes)]);
}

module.exports = { buildCore };
