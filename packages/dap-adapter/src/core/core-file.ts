// An ELF core file (x86-64 Linux, as the kernel and gdb's gcore write them): its threads
// (NT_PRSTATUS, NT_PRFPREG), the process (NT_PRPSINFO), the signal that ended it (NT_SIGINFO),
// the auxiliary vector (NT_AUXV), the files it had mapped (NT_FILE) and its memory segments
// (PT_LOAD). The file is not loaded whole (cores run to gigabytes): the headers and notes are
// read here, memory on demand (core-memory.ts).
//
// A truncated file is read as far as it goes: what is missing is listed in `problems`, and its
// bytes are unreadable. Malformed structures give the symbol readers' typed errors.
import { spanContaining } from '../util/sorted-spans.js';
import { ByteReader, type CorruptionReporter } from '../symbols/binary/byte-reader.js';
import { BufferByteSource, FileByteSource, type ByteSource } from '../symbols/elf/byte-source.js';
import { ElfType, EM_X86_64, SegmentType } from '../symbols/elf/constants.js';
import { readElfHeader, type ElfHeader } from '../symbols/elf/elf-header.js';
import { parseNotes, type ElfNote } from '../symbols/elf/notes.js';
import { readProgramHeaders } from '../symbols/elf/program-headers.js';
import { CorruptElfError, SymbolsError } from '../symbols/errors.js';

export const NT_PRSTATUS = 1;
export const NT_PRFPREG = 2;
export const NT_PRPSINFO = 3;
export const NT_AUXV = 6;
export const NT_SIGINFO = 0x53494749;
export const NT_FILE = 0x46494c45;
/** AT_ENTRY and AT_SYSINFO_EHDR (the vDSO) in the auxiliary vector. */
export const AT_ENTRY = 9n;
export const AT_SYSINFO_EHDR = 33n;

/** struct elf_prstatus (x86-64): where its fields are. */
const PRSTATUS_CURSIG = 12;
const PRSTATUS_PID = 32;
const PRSTATUS_REGS = 112;
const REGS_SIZE = 27 * 8;
const FPREGS_SIZE = 512;
/** struct elf_prpsinfo (x86-64). */
const PRPSINFO_PID = 24;
const PRPSINFO_FNAME = 40;
const PRPSINFO_PSARGS = 56;
/** At most this many notes and mappings are read (a hostile file cannot make us allocate more). */
const MAX_ENTRIES = 1 << 20;
/** Notes of all segments together, at most (10,000 threads take ~40 MiB). */
const MAX_NOTES_SIZE = 256 * 1024 * 1024;

/** The file is an ELF file but not a core, or a core this reader does not handle. */
export class NotCoreError extends SymbolsError {}

export interface CoreThread {
  readonly tid: number;
  /** pr_cursig: the signal the thread was stopped or killed by (0: none). */
  readonly signal: number;
  /** user_regs_struct, as ptrace's GETREGS gives it. */
  readonly registers: Buffer;
  /** The FXSAVE area (NT_PRFPREG), if the core has it. */
  readonly fpRegisters: Buffer | undefined;
}

export interface CoreProcess {
  readonly pid: number;
  /** pr_fname: the executable's name, cut to 15 characters (comm). */
  readonly name: string;
  /** pr_psargs: the command line, cut to 80 characters. */
  readonly arguments: string;
}

export interface CoreSignal {
  readonly number: number;
  readonly code: number;
  /** si_addr, for the signals that have one (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP). */
  readonly address: bigint | undefined;
}

/** One NT_FILE entry: a file mapped at [start, end) from byte `offset` of the file. */
export interface CoreFileMapping {
  readonly start: bigint;
  readonly end: bigint;
  readonly offset: bigint;
  readonly path: string;
}

/** One PT_LOAD: memory [start, end), of which the first `fileSize` bytes are in the core at `fileOffset`. */
export interface CoreSegment {
  readonly start: bigint;
  readonly end: bigint;
  readonly fileOffset: number;
  /** The bytes of the segment actually in the core (less than declared when it is truncated). */
  readonly fileSize: number;
  readonly flags: number;
}

export class CoreFile {
  readonly header: ElfHeader;
  readonly threads: readonly CoreThread[];
  readonly process: CoreProcess | undefined;
  readonly signal: CoreSignal | undefined;
  readonly auxv: ReadonlyMap<bigint, bigint>;
  readonly files: readonly CoreFileMapping[];
  readonly segments: readonly CoreSegment[];
  /** What could not be read (a truncated file): each a sentence for the user. */
  readonly problems: readonly string[];

  /** Opens a core by path. Throws NotElfError, NotCoreError, CorruptElfError or a system error (ENOENT...). */
  static open(path: string): CoreFile {
    const source = new FileByteSource(path);
    try {
      return new CoreFile(source);
    } catch (error) {
      source.close();
      throw error;
    }
  }

  static fromBuffer(bytes: Buffer, name = '<buffer>'): CoreFile {
    return new CoreFile(new BufferByteSource(bytes, name));
  }

  private constructor(private readonly source: ByteSource) {
    const corrupt: CorruptionReporter = (offset, reason) => new CorruptElfError(source.name, offset, reason);
    this.header = readElfHeader(source, corrupt);
    if (this.header.type !== ElfType.CORE) throw new NotCoreError(`${source.name} is not a core file (its ELF type is ${elfTypeName(this.header.type)}, not CORE)`);
    if (this.header.machine !== EM_X86_64) throw new NotCoreError(`${source.name}: a core of machine ${this.header.machine}; only x86-64 cores are supported`);
    const problems: string[] = [];
    const headers = readProgramHeaders(source, this.header, corrupt);
    const segments: CoreSegment[] = [];
    const notes: ElfNote[] = [];
    let missing = 0;
    let notesSize = 0;
    for (const header of headers) {
      const available = Math.max(0, Math.min(header.fileSize, source.size - header.offset));
      if (header.type === SegmentType.LOAD) {
        if (available < header.fileSize) missing += header.fileSize - available;
        segments.push({ start: header.virtualAddress, end: header.virtualAddress + header.memorySize, fileOffset: header.offset, fileSize: available, flags: header.flags });
      } else if (header.type === SegmentType.NOTE) {
        notesSize += available;
        if (notesSize > MAX_NOTES_SIZE) throw corrupt(header.offset, `notes of more than ${MAX_NOTES_SIZE} bytes`);
        if (available < header.fileSize) problems.push(`the notes of the core end early (${header.fileSize - available} of ${header.fileSize} bytes are missing): the file is truncated`);
        for (const note of parseNotes(source.read(header.offset, available), header.offset, corrupt)) {
          if (notes.length >= MAX_ENTRIES) break;
          notes.push(note);
        }
      }
    }
    if (missing > 0) problems.push(`the core file is truncated: ${missing} bytes of the memory it describes are missing (it has ${source.size} bytes), and that memory is unreadable`);
    segments.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    this.segments = segments;

    const threads: CoreThread[] = [];
    let process: CoreProcess | undefined;
    let signal: CoreSignal | undefined;
    let auxv = new Map<bigint, bigint>();
    let files: CoreFileMapping[] = [];
    for (const note of notes) {
      const at = (offset: number, reason: string): Error => corrupt(offset, `${noteName(note.type)}: ${reason}`);
      if (note.owner !== 'CORE') continue; // LINUX notes (XSTATE...) and others are not used
      switch (note.type) {
        case NT_PRSTATUS: threads.push(parsePrstatus(note.description, at)); break;
        case NT_PRFPREG: {
          const last = threads.at(-1);
          if (last !== undefined && last.fpRegisters === undefined && note.description.length >= FPREGS_SIZE) {
            threads[threads.length - 1] = { ...last, fpRegisters: Buffer.from(note.description.subarray(0, FPREGS_SIZE)) };
          }
          break;
        }
        case NT_PRPSINFO: process ??= parsePrpsinfo(note.description, at); break;
        // The first NT_SIGINFO is the dumping thread's (the kernel writes one; gcore one per thread).
        case NT_SIGINFO: signal ??= parseSiginfo(note.description, at); break;
        case NT_AUXV: auxv = parseAuxv(note.description, at); break;
        case NT_FILE: files = parseFileNote(note.description, at); break;
      }
    }
    if (threads.length === 0) throw corrupt(0, 'the core has no thread (no NT_PRSTATUS note): it is truncated or not a process core');
    if (signal === undefined && threads[0]!.signal !== 0) signal = { number: threads[0]!.signal, code: 0, address: undefined };
    this.threads = threads;
    this.process = process;
    this.signal = signal;
    this.auxv = auxv;
    this.files = files;
    this.problems = problems;
  }

  get path(): string {
    return this.source.name;
  }

  /** The segment holding `address`, if any. */
  segmentAt(address: bigint): CoreSegment | undefined {
    return spanContaining(this.segments, address);
  }

  /** Bytes of the core file itself (the caller stays within a segment's `fileSize`). */
  readFile(offset: number, length: number): Buffer {
    return this.source.read(offset, length);
  }

  /** The executable's mapping: the NT_FILE file that holds the entry point (AT_ENTRY), else the first. */
  get executablePath(): string | undefined {
    const entry = this.auxv.get(AT_ENTRY);
    const holding = entry === undefined ? undefined : this.files.find((file) => entry >= file.start && entry < file.end);
    return (holding ?? this.files[0])?.path;
  }

  close(): void {
    this.source.close();
  }
}

function parsePrstatus(bytes: Buffer, corrupt: CorruptionReporter): CoreThread {
  if (bytes.length < PRSTATUS_REGS + REGS_SIZE) throw corrupt(0, `${bytes.length} bytes, too short for x86-64 registers`);
  const reader = new ByteReader(bytes, corrupt);
  reader.seek(PRSTATUS_CURSIG);
  const signal = reader.u16();
  reader.seek(PRSTATUS_PID);
  const tid = reader.u32();
  return { tid, signal, registers: Buffer.from(bytes.subarray(PRSTATUS_REGS, PRSTATUS_REGS + REGS_SIZE)), fpRegisters: undefined };
}

function parsePrpsinfo(bytes: Buffer, corrupt: CorruptionReporter): CoreProcess {
  if (bytes.length < PRPSINFO_PSARGS + 80) throw corrupt(0, `${bytes.length} bytes, too short`);
  return {
    pid: bytes.readInt32LE(PRPSINFO_PID),
    name: cString(bytes.subarray(PRPSINFO_FNAME, PRPSINFO_FNAME + 16)),
    arguments: cString(bytes.subarray(PRPSINFO_PSARGS, PRPSINFO_PSARGS + 80)).trimEnd(),
  };
}

/** Signals whose siginfo carries the faulting address (si_addr). */
const FAULT_SIGNALS = new Set([4 /* SIGILL */, 5 /* SIGTRAP */, 7 /* SIGBUS */, 8 /* SIGFPE */, 11 /* SIGSEGV */]);

function parseSiginfo(bytes: Buffer, corrupt: CorruptionReporter): CoreSignal {
  if (bytes.length < 24) throw corrupt(0, `${bytes.length} bytes, too short for a siginfo`);
  const number = bytes.readInt32LE(0);
  const code = bytes.readInt32LE(8);
  // si_code > 0: sent by the kernel (a fault), where si_addr means something.
  const address = FAULT_SIGNALS.has(number) && code > 0 ? bytes.readBigUInt64LE(16) : undefined;
  return { number, code, address };
}

function parseAuxv(bytes: Buffer, corrupt: CorruptionReporter): Map<bigint, bigint> {
  const reader = new ByteReader(bytes, corrupt);
  const out = new Map<bigint, bigint>();
  while (reader.remaining >= 16 && out.size < MAX_ENTRIES) {
    const type = reader.u64();
    const value = reader.u64();
    if (type === 0n) break;
    out.set(type, value);
  }
  return out;
}

/** NT_FILE: count, page size, count × (start, end, page offset), then count NUL-terminated paths. */
function parseFileNote(bytes: Buffer, corrupt: CorruptionReporter): CoreFileMapping[] {
  const reader = new ByteReader(bytes, corrupt);
  const count = reader.u64();
  const pageSize = reader.u64();
  if (count > BigInt(Math.floor(reader.remaining / 24))) throw corrupt(0, `${count} mappings do not fit in ${bytes.length} bytes`);
  const ranges: [bigint, bigint, bigint][] = [];
  for (let index = 0n; index < count; index++) ranges.push([reader.u64(), reader.u64(), reader.u64()]);
  const files: CoreFileMapping[] = [];
  for (const [start, end, page] of ranges) {
    const nul = bytes.indexOf(0, reader.offset);
    if (nul < 0) throw corrupt(reader.offset, 'a path runs past the end of the note');
    const path = bytes.toString('utf8', reader.offset, nul);
    reader.seek(nul + 1);
    if (end < start) throw corrupt(0, `mapping of ${path} ends before it starts`);
    files.push({ start, end, offset: BigInt.asUintN(64, page * pageSize), path });
  }
  return files;
}

function cString(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.toString('utf8', 0, nul < 0 ? bytes.length : nul);
}

function noteName(type: number): string {
  switch (type) {
    case NT_PRSTATUS: return 'NT_PRSTATUS';
    case NT_PRPSINFO: return 'NT_PRPSINFO';
    case NT_SIGINFO: return 'NT_SIGINFO';
    case NT_AUXV: return 'NT_AUXV';
    case NT_FILE: return 'NT_FILE';
    default: return `note ${type}`;
  }
}

function elfTypeName(type: number): string {
  const names: Record<number, string> = { 0: 'NONE', 1: 'REL (an object file)', 2: 'EXEC (an executable)', 3: 'DYN (a shared object or PIE executable)' };
  return names[type] ?? String(type);
}
