// Indexes a tar (GNU, ustar, pax, v7) by walking its headers with positional reads: each
// member's data stays where it is and is read in place at its offset. Header blocks and pax
// records are decoded by node-tar (its Header and Pax classes); this walk adds what a stream
// parser does not give: the data offsets, and checks that the archive really holds what each
// header claims (a truncated or lying archive fails the mount here, naming the member and the
// offset). Two things node-tar leaves out are read here: the owner names and device numbers of
// GNU-format headers (node-tar reads them from POSIX ustar headers only) and pax times to the
// nanosecond (node-tar keeps milliseconds).
import type { Pax } from 'tar';
import { ArchiveError, makedev, type ArchiveIndex, type ArchiveMember, type MemberType } from './archive-index.js';
import { inPlace } from './in-place.js';
import { loadLibrary } from './load-library.js';
import type { PositionalFile } from './positional-file.js';

const BLOCK = 512;
/** Bytes read ahead while walking headers (most members are small: several headers a read). */
const WINDOW = 64 * 1024;
/** Longest pax or GNU long-name record accepted (GNU tar's own limit is far lower in practice). */
const MAX_EXTENSION = 1024 * 1024;

const MEMBER_TYPES: Readonly<Record<string, MemberType>> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Link: 'hardlink',
  SymbolicLink: 'symlink',
  CharacterDevice: 'character-device',
  BlockDevice: 'block-device',
  Directory: 'directory',
  FIFO: 'fifo',
};
const EXTENSIONS = new Set(['ExtendedHeader', 'GlobalExtendedHeader', 'NextFileHasLongPath', 'OldGnuLongPath', 'NextFileHasLongLinkpath']);
const GNU_MAGIC = Buffer.from('ustar  \0', 'latin1');

/** A pax time ("1700000000.123456789", possibly negative) in ns. */
export function paxTimeNs(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) return undefined;
  const ns = BigInt(match[2]!) * 1_000_000_000n + BigInt((match[3] ?? '').slice(0, 9).padEnd(9, '0'));
  return match[1] ? -ns : ns;
}

/** The time records of pax data, as written ("mtime" -> "1700000000.123456789"). */
function paxTimes(text: string): Record<string, string> {
  const times: Record<string, string> = {};
  for (const match of text.matchAll(/(?:^|\n)\d+ ([amc]time)=([^\n]*)/g)) times[match[1]!] = match[2]!;
  return times;
}

/** Owner names and device numbers of a GNU-format header (same offsets as ustar's). */
function gnuFields(block: Buffer): { uname?: string; gname?: string; devmaj?: number; devmin?: number } {
  if (!block.subarray(257, 265).equals(GNU_MAGIC)) return {};
  const text = (offset: number, length: number) => block.subarray(offset, offset + length).toString('utf8').replace(/\0.*$/s, '');
  const octal = (offset: number) => parseInt(text(offset, 8).trim() || '0', 8) || 0;
  return { uname: text(265, 32), gname: text(297, 32), devmaj: octal(329), devmin: octal(337) };
}

interface Extension {
  pax: Partial<Pax>;
  times: Record<string, string>;
}

/** Reads the archive's blocks through a read-ahead window. */
class BlockReader {
  private windowStart = 0;
  private window: Buffer = Buffer.alloc(0);
  constructor(private readonly file: PositionalFile) {}

  async bytes(offset: number, length: number): Promise<Buffer> {
    if (offset < this.windowStart || offset + length > this.windowStart + this.window.length) {
      this.window = await this.file.read(Math.max(length, WINDOW), offset);
      this.windowStart = offset;
    }
    const start = offset - this.windowStart;
    return this.window.subarray(start, start + length);
  }
}

/** Indexes the tar in `file`. `close` closes `file`. */
export async function indexTar(file: PositionalFile): Promise<ArchiveIndex> {
  const { Header, Pax } = await loadLibrary<typeof import('tar')>('tar');
  const blocks = new BlockReader(file);
  const members: ArchiveMember[] = [];
  const warnings: string[] = [];
  const where = (offset: number) => `${file.label}: at byte ${offset}`;
  const empty = (): Extension => ({ pax: {}, times: {} });
  let global = empty();
  let local = empty();
  let longName: string | undefined;
  let longLink: string | undefined;
  let offset = 0;
  let sawEnd = false;
  while (offset + BLOCK <= file.size) {
    const block = await blocks.bytes(offset, BLOCK);
    if (block.length < BLOCK) throw new ArchiveError(`${where(offset)}: the archive is cut short (the file shrank while read)`);
    let header: InstanceType<typeof Header>;
    try {
      header = new Header(block);
    } catch (error) {
      throw new ArchiveError(`${where(offset)}: not a tar header (${(error as Error).message}): the archive is damaged, or not a tar`);
    }
    if (header.nullBlock) {
      sawEnd = true; // a zero block: the end-of-archive marker
      break;
    }
    if (!header.cksumValid) throw new ArchiveError(`${where(offset)}: not a tar header (bad checksum): the archive is damaged, or not a tar`);
    const pax = { ...global.pax, ...local.pax };
    const times = { ...global.times, ...local.times };
    const kind = header.type;
    const isExtension = EXTENSIONS.has(kind);
    const size = isExtension ? (header.size ?? 0) : (pax.size ?? header.size ?? 0);
    const name = pax.path ?? longName ?? header.path ?? '';
    if (!Number.isSafeInteger(size) || size < 0) throw new ArchiveError(`${where(offset)}: member ${name} has an impossible size (${size})`);
    const dataOffset = offset + BLOCK;
    // Directories, links and devices carry no data whatever their size field says (as GNU tar);
    // the types left out (sparse files, dump directories...) do.
    const type: MemberType | undefined = MEMBER_TYPES[kind];
    const dataSize = isExtension || type === 'file' || type === undefined ? size : 0;
    if (dataOffset + dataSize > file.size) {
      throw new ArchiveError(`${where(offset)}: member ${name} claims ${dataSize} bytes but the archive ends ${file.size - dataOffset} bytes after its header: the archive is truncated or damaged`);
    }
    const next = dataOffset + Math.ceil(dataSize / BLOCK) * BLOCK;
    offset = next;
    if (isExtension) {
      if (size > MAX_EXTENSION) throw new ArchiveError(`${where(dataOffset - BLOCK)}: an extended header of ${size} bytes (more than ${MAX_EXTENSION}): the archive is damaged`);
      const text = (await file.read(size, dataOffset)).toString('utf8');
      if (kind === 'ExtendedHeader' || kind === 'GlobalExtendedHeader') {
        const parsed: Extension = { pax: Pax.parse(text, undefined, kind === 'GlobalExtendedHeader'), times: paxTimes(text) };
        const into = kind === 'ExtendedHeader' ? local : global;
        const merged = { pax: { ...into.pax, ...withoutUndefined(parsed.pax) }, times: { ...into.times, ...parsed.times } };
        if (kind === 'ExtendedHeader') local = merged;
        else global = merged;
      } else if (kind === 'NextFileHasLongLinkpath') longLink = text.replace(/\0.*$/s, '');
      else longName = text.replace(/\0.*$/s, '');
      continue;
    }
    if (type === undefined) {
      warnings.push(`${file.label}: member ${name}: tar type '${String.fromCharCode(block[156]!)}' (${kind}) is not supported: left out`);
    } else {
      const gnu = gnuFields(block);
      const devmaj = header.devmaj || gnu.devmaj || 0;
      const devmin = header.devmin || gnu.devmin || 0;
      members.push({
        name,
        type,
        mode: (header.mode ?? 0) & 0o7777,
        size: type === 'file' ? size : 0,
        uid: pax.uid ?? header.uid,
        gid: pax.gid ?? header.gid,
        mtimeNs: paxTimeNs(times.mtime) ?? (header.mtime ? BigInt(header.mtime.getTime()) * 1_000_000n : undefined),
        atimeNs: paxTimeNs(times.atime),
        ctimeNs: paxTimeNs(times.ctime),
        linkTarget: type === 'symlink' || type === 'hardlink' ? (pax.linkpath ?? longLink ?? header.linkpath ?? '') : undefined,
        rdev: type === 'character-device' || type === 'block-device' ? makedev(devmaj, devmin) : undefined,
        content: type === 'file' ? inPlace(file, dataOffset, size, name) : undefined,
      });
    }
    local = empty();
    longName = undefined;
    longLink = undefined;
  }
  if (!sawEnd) {
    if (offset !== file.size) throw new ArchiveError(`${where(offset)}: the archive is cut short inside a header (${file.size - offset} bytes left)`);
    if (file.size === 0) throw new ArchiveError(`${file.label}: empty file, not an archive`);
    warnings.push(`${file.label}: no end-of-archive marker (the archive may be truncated)`);
  }
  return { members, warnings, close: () => file.close() };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
