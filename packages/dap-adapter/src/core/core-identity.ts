// Which program a core belongs to, to catch a core opened with the wrong `program` (gdb warns
// "core file may not match specified executable file"): the build ID of the executable as the
// core holds it (the kernel and gcore dump the first page of each ELF mapping, where the
// .note.gnu.build-id usually sits), else the name the kernel recorded (NT_PRPSINFO).
import { basename } from 'node:path';
import { BufferByteSource } from '../symbols/elf/byte-source.js';
import { NT_GNU_BUILD_ID, SegmentType } from '../symbols/elf/constants.js';
import { readElfHeader } from '../symbols/elf/elf-header.js';
import { ElfFile } from '../symbols/elf/elf-file.js';
import { parseNotes } from '../symbols/elf/notes.js';
import { readProgramHeaders } from '../symbols/elf/program-headers.js';
import { CorruptElfError } from '../symbols/errors.js';
import type { CoreFile } from './core-file.js';
import { CoreMemory } from './core-memory.js';

const PAGE = 4096;

/** The build ID (hex) of the file mapped lowest at `path`, read from the core's own bytes only. */
export function coreBuildId(core: CoreFile, path: string): string | undefined {
  const mapping = core.files.filter((file) => file.path === path && file.offset === 0n).sort((a, b) => (a.start < b.start ? -1 : 1))[0];
  if (mapping === undefined) return undefined;
  const memory = new CoreMemory(core, () => undefined);
  try {
    const page = Buffer.alloc(PAGE);
    const length = memory.readAvailable(mapping.start, page);
    const source = new BufferByteSource(page.subarray(0, length), `${path} in the core`);
    const corrupt = (offset: number, reason: string): Error => new CorruptElfError(source.name, offset, reason);
    const headers = readProgramHeaders(source, readElfHeader(source, corrupt), corrupt);
    const first = headers.find((header) => header.type === SegmentType.LOAD);
    if (first === undefined) return undefined;
    const align = first.align > 1n ? first.align : 1n;
    const bias = mapping.start - (first.virtualAddress - (first.virtualAddress % align));
    for (const header of headers) {
      if (header.type !== SegmentType.NOTE || header.fileSize > PAGE) continue;
      const bytes = Buffer.alloc(header.fileSize);
      if (memory.readAvailable(bias + header.virtualAddress, bytes) < bytes.length) continue;
      const note = parseNotes(bytes, header.offset, corrupt).find((candidate) => candidate.owner === 'GNU' && candidate.type === NT_GNU_BUILD_ID);
      if (note !== undefined) return note.description.toString('hex');
    }
    return undefined;
  } catch {
    return undefined; // the page is not in the core, or is not an ELF header: no build ID to compare
  } finally {
    memory.close();
  }
}

/** Why `core` is not a core of `program`, or undefined when nothing says it is not. */
export function coreMismatch(core: CoreFile, program: string): string | undefined {
  const recorded = core.executablePath;
  let programId: string | undefined;
  try {
    const elf = ElfFile.open(program);
    try {
      programId = elf.buildId();
    } finally {
      elf.close();
    }
  } catch {
    programId = undefined;
  }
  const coreId = recorded === undefined ? undefined : coreBuildId(core, recorded);
  const dumped = `${core.process?.name ?? '?'}${recorded === undefined ? '' : ` (${recorded})`}`;
  if (programId !== undefined && coreId !== undefined) {
    return programId === coreId ? undefined : `the core was dumped by ${dumped}, not by "${program}": their build IDs differ (${coreId} in the core, ${programId} in the program)`;
  }
  // No build IDs to compare: the names, the kernel's comm (the executable's name, cut to 15
  // characters, unless the program renamed itself) or the executable's file.
  const name = basename(program);
  if (core.process === undefined && recorded === undefined) return undefined;
  if (core.process?.name === name.slice(0, 15) || (recorded !== undefined && basename(recorded) === name)) return undefined;
  return `the core was dumped by ${dumped}, not by "${program}"`;
}
