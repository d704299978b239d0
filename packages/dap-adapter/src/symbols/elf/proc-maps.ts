// /proc/PID/maps parsing and load-bias computation: the bridge between the file addresses the
// symbol readers speak and the run-time addresses of a process (PIE executables, shared objects).
import { readFileSync } from 'node:fs';
import { SegmentType } from './constants.js';
import type { ProgramHeader } from './program-headers.js';

export interface MemoryMapping {
  readonly start: bigint;
  readonly end: bigint;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly executable: boolean;
  /** `p` private (copy on write) or `s` shared. */
  readonly shared: boolean;
  /** File offset mapped at `start`. */
  readonly offset: bigint;
  readonly device: string;
  readonly inode: number;
  /** File path, a pseudo path such as `[stack]`, or undefined for anonymous memory. */
  readonly path: string | undefined;
  /** The kernel appends " (deleted)" when the mapped file was unlinked; it is stripped from `path`. */
  readonly deleted: boolean;
}

const MAPS_LINE = /^([0-9a-f]+)-([0-9a-f]+)\s+([r-])([w-])([x-])([ps])\s+([0-9a-f]+)\s+(\S+)\s+(\d+)(?:\s+(.*))?$/;
const DELETED_SUFFIX = ' (deleted)';

/** Parses the text of /proc/PID/maps; lines that do not match the format are skipped. */
export function parseProcMaps(text: string): MemoryMapping[] {
  const mappings: MemoryMapping[] = [];
  for (const line of text.split('\n')) {
    const match = MAPS_LINE.exec(line.trimEnd());
    if (match === null) continue;
    let path = match[10] === undefined || match[10] === '' ? undefined : match[10];
    const deleted = path?.endsWith(DELETED_SUFFIX) ?? false;
    if (deleted) path = path!.slice(0, -DELETED_SUFFIX.length);
    mappings.push({
      start: BigInt(`0x${match[1]}`),
      end: BigInt(`0x${match[2]}`),
      readable: match[3] === 'r',
      writable: match[4] === 'w',
      executable: match[5] === 'x',
      shared: match[6] === 's',
      offset: BigInt(`0x${match[7]}`),
      device: match[8]!,
      inode: Number(match[9]),
      path,
      deleted,
    });
  }
  return mappings;
}

export function readProcMaps(pid: number): MemoryMapping[] {
  return parseProcMaps(readFileSync(`/proc/${pid}/maps`, 'utf8'));
}

/**
 * The load bias (run-time address minus file address) implied by one mapping of the file: the
 * PT_LOAD segment whose page-aligned file range contains the mapping's offset was placed so
 * that file offset `mapping.offset` lands at `mapping.start`. Undefined if no segment matches.
 *
 * One mapping can be ambiguous: a page may hold the end of one segment and the start of the
 * next (read-only data and the RELRO part of the data segment share file page 0x2000 in a
 * typical PIE). A segment that starts at or before the mapped offset is preferred; use the
 * file's lowest mapping (offset 0, see `loadBiasFromMappings`) when in doubt.
 */
export function loadBiasForMapping(
  programHeaders: readonly ProgramHeader[],
  mapping: Pick<MemoryMapping, 'start' | 'offset'>,
): bigint | undefined {
  let fallback: bigint | undefined;
  for (const segment of programHeaders) {
    if (segment.type !== SegmentType.LOAD) continue;
    const align = segment.align > 1n ? segment.align : 1n;
    const fileStart = BigInt(segment.offset);
    const alignedStart = fileStart - (fileStart % align);
    const fileEnd = fileStart + BigInt(segment.fileSize);
    if (mapping.offset < alignedStart || mapping.offset >= (fileEnd > alignedStart ? fileEnd : alignedStart + 1n)) continue;
    // File offset `mapping.offset` is at file address p_vaddr + (mapping.offset - p_offset).
    const bias = mapping.start - (segment.virtualAddress + (mapping.offset - fileStart));
    if (fileStart <= mapping.offset) return bias;
    fallback ??= bias;
  }
  return fallback;
}

/** The load bias of the file mapped at `path`, from its lowest mapping, or undefined if not mapped. */
export function loadBiasFromMappings(
  programHeaders: readonly ProgramHeader[],
  mappings: readonly MemoryMapping[],
  path: string,
): bigint | undefined {
  // The lowest offset first: offset 0 holds the ELF header and belongs to the first segment only.
  const own = mappings.filter((mapping) => mapping.path === path)
    .sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : a.start < b.start ? -1 : 1));
  for (const mapping of own) {
    const bias = loadBiasForMapping(programHeaders, mapping);
    if (bias !== undefined) return bias;
  }
  return undefined;
}
