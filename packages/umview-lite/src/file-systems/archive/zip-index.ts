// Indexes a zip through yauzl (its central directory, once). Stored members are read in place
// at their data offset; deflated members are inflated at an open file's first read, once per
// open file (into memory, or into an unlinked scratch file when large), or once for the mount
// into the member's backing file (extracted-members.ts), with yauzl checking the size the
// central directory claims. Unix modes, owners and times come from Info-ZIP's fields when the
// archive has them (made on Unix: the mode in the high half of the external attributes; the
// "UT" and "ux" extra fields); a symlink is a member whose mode says S_IFLNK, its data the target.
import { closeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Entry, ZipFile } from 'yauzl';
import { FsError, type MaybePromise } from '../../vfs/file-system.js';
import { ArchiveError, type ArchiveIndex, type ArchiveMember, type MemberContent, type MemberReader, type MemberType } from './archive-index.js';
import { copyRange } from './copy-range.js';
import { PositionalFile, writerTo } from './positional-file.js';
import { inPlace } from './in-place.js';
import { loadLibrary } from './load-library.js';
import type { ScratchDirectory } from './scratch-directory.js';

const MADE_ON_UNIX = 3;
const MSDOS_DIRECTORY = 0x10;
const STORED = 0;
const DEFLATED = 8;
/** Deflate cannot expand data more than about 1032 times: a bigger claim is a lie. */
const MAX_DEFLATE_RATIO = 1032;
/** Deflated members up to this size are inflated into memory; larger ones into a scratch file. */
const IN_MEMORY_LIMIT = 16 * 1024 * 1024;
const MAX_SYMLINK = 4096;

const TYPE_BY_FORMAT: Readonly<Record<number, MemberType>> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'symlink',
  0o020000: 'character-device',
  0o060000: 'block-device',
  0o010000: 'fifo',
};

/** Info-ZIP's "UT" (0x5455: mtime, atime in seconds) and "ux" (0x7875: uid, gid) fields. */
function unixExtras(entry: Entry): { mtimeNs?: bigint; atimeNs?: bigint; uid?: number; gid?: number } {
  const found: { mtimeNs?: bigint; atimeNs?: bigint; uid?: number; gid?: number } = {};
  for (const { id, data } of entry.extraFields) {
    if (id === 0x5455 && data.length >= 5) {
      const flags = data[0]!;
      if (flags & 1) found.mtimeNs = BigInt(data.readInt32LE(1)) * 1_000_000_000n;
      // The central directory carries only the mtime, whatever the flags say.
      if (flags & 2 && data.length >= 9) found.atimeNs = BigInt(data.readInt32LE(5)) * 1_000_000_000n;
    } else if (id === 0x7875 && data.length >= 3 && data[0] === 1) {
      const uidSize = data[1]!;
      const gidSize = data[2 + uidSize];
      if (uidSize <= 6 && gidSize !== undefined && gidSize <= 6 && data.length >= 3 + uidSize + gidSize) {
        found.uid = data.readUIntLE(2, uidSize);
        found.gid = data.readUIntLE(3 + uidSize, gidSize);
      }
    }
  }
  return found;
}

function readAll(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) stream.destroy(new Error(`more than ${limit} bytes`));
      else chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function bufferReader(bytes: Uint8Array): MemberReader {
  return {
    read: async (length, position) => bytes.subarray(position, Math.min(bytes.length, position + length)),
    close: () => {},
  };
}

/** A reader whose bytes are made at its first read (a held call meanwhile). */
function inflatedOnFirstRead(inflate: () => Promise<MemberReader>): MemberReader {
  let reader: Promise<MemberReader> | undefined;
  return {
    read: async (length, position) => (await (reader ??= inflate())).read(length, position),
    close: () => void reader?.then((opened) => opened.close(), () => undefined),
  };
}

class ZipContent implements MemberContent {
  /** A stored member's data offset (from its local header, read at mount). */
  storedAt?: number;

  constructor(
    private readonly zip: ZipFile,
    private readonly file: PositionalFile,
    private readonly entry: Entry,
    private readonly name: string,
    private readonly scratch: () => ScratchDirectory,
  ) {}

  get id(): string {
    const { entry } = this;
    return `zip@${entry.relativeOffsetOfLocalHeader}:${entry.compressionMethod}:${entry.compressedSize}:${entry.uncompressedSize}:${entry.crc32}`;
  }

  private damaged(error: unknown): FsError {
    return new FsError('EIO', `${this.file.label}: member ${this.name} is damaged: ${(error as Error).message}`);
  }

  /** Checks what can be checked at once; a deflated member is inflated at its first read, so
   * that an open given a backing file (which is never read) does not inflate it a second time. */
  open(): MemberReader {
    const { entry, file } = this;
    if (entry.isEncrypted()) throw new FsError('EIO', `${file.label}: member ${this.name} is encrypted`);
    if (entry.compressionMethod === STORED) {
      if (this.storedAt === undefined) throw this.damaged(new Error('its local header cannot be read'));
      return inPlace(file, this.storedAt, entry.uncompressedSize, this.name).open() as MemberReader;
    }
    this.requireDeflated();
    return inflatedOnFirstRead(() => this.inflate());
  }

  /** The member's bytes into `fd` (its backing file): copied in the kernel when stored,
   * inflated otherwise. */
  extractInto(fd: number): MaybePromise<void> {
    const { entry, file } = this;
    if (entry.isEncrypted()) throw new FsError('EIO', `${file.label}: member ${this.name} is encrypted`);
    if (entry.compressionMethod === STORED) {
      if (this.storedAt === undefined) throw this.damaged(new Error('its local header cannot be read'));
      return copyRange(file.fd, this.storedAt, fd, 0, entry.uncompressedSize);
    }
    this.requireDeflated();
    return (async () => {
      try {
        await pipeline(await this.zip.openReadStreamPromise(entry), writerTo(fd));
      } catch (error) {
        throw error instanceof FsError ? error : this.damaged(error);
      }
    })();
  }

  private requireDeflated(): void {
    const { entry, file } = this;
    if (entry.compressionMethod !== DEFLATED) throw new FsError('EIO', `${file.label}: member ${this.name}: compression method ${entry.compressionMethod} is not supported (only stored and deflated)`);
  }

  private async inflate(): Promise<MemberReader> {
    const { entry, file } = this;
    try {
      const stream = await this.zip.openReadStreamPromise(entry);
      if (entry.uncompressedSize <= IN_MEMORY_LIMIT) return bufferReader(await readAll(stream, IN_MEMORY_LIMIT));
      const fd = this.scratch().anonymousFile();
      try {
        await pipeline(stream, writerTo(fd, this.scratch().freeBytes()));
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      const inflated = new PositionalFile(fd, file.label);
      return { read: (length, position) => inflated.read(length, position), close: () => inflated.close() };
    } catch (error) {
      throw error instanceof FsError ? error : this.damaged(error);
    }
  }
}

function memberOf(entry: Entry, name: string, content: MemberContent): ArchiveMember {
  const unixMode = (entry.versionMadeBy >> 8) === MADE_ON_UNIX ? entry.externalFileAttributes >>> 16 : 0;
  const extras = unixExtras(entry);
  const looksLikeDirectory = name.endsWith('/') || (entry.externalFileAttributes & MSDOS_DIRECTORY) !== 0;
  const type = (unixMode !== 0 ? TYPE_BY_FORMAT[unixMode & 0o170000] : undefined) ?? (looksLikeDirectory ? 'directory' : 'file');
  const mode = unixMode !== 0 ? unixMode & 0o7777 : type === 'directory' ? 0o755 : 0o644;
  return {
    name,
    type,
    mode,
    size: type === 'file' ? entry.uncompressedSize : 0,
    uid: extras.uid,
    gid: extras.gid,
    mtimeNs: extras.mtimeNs ?? BigInt(entry.getLastModDate().getTime()) * 1_000_000n,
    atimeNs: extras.atimeNs,
    content: type === 'file' ? content : undefined,
  };
}

/** Indexes the zip in `file` (opened on the archive's path); `close` closes it. */
export async function indexZip(file: PositionalFile, scratch: () => ScratchDirectory): Promise<ArchiveIndex> {
  // yauzl gets its own descriptor of the archive (it closes it itself, when the last of its
  // streams ends after `close`); stored members are read through `file`'s.
  const yauzl = await loadLibrary<Yauzl>('yauzl');
  let zip: ZipFile;
  try {
    zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(file.label, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (error, zipfile) => (error ? reject(error) : resolve(zipfile))),
    );
  } catch (error) {
    throw new ArchiveError(`${file.label}: not a readable zip: ${(error as Error).message}`);
  }
  try {
    return await indexEntries(yauzl, zip, file, scratch);
  } catch (error) {
    zip.close();
    throw error;
  }
}

type Yauzl = typeof import('yauzl');

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A member's name: yauzl's decoding (UTF-8 when flagged or given in Info-ZIP's Unicode path
 * field, else CP437), except that a name in an archive made on Unix that is valid UTF-8 is
 * taken as UTF-8, as Info-ZIP's unzip does on Unix (zip 3.0 stores names as they are). */
function memberName(yauzl: Yauzl, entry: Entry): string {
  const flagged = (entry.generalPurposeBitFlag & 0x800) !== 0 || entry.extraFields.some(({ id }) => id === 0x7075);
  if (!flagged && entry.versionMadeBy >> 8 === MADE_ON_UNIX) {
    try {
      return strictUtf8.decode(entry.fileNameRaw);
    } catch {
      /* not UTF-8: CP437 as the format says */
    }
  }
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
}

async function indexEntries(yauzl: Yauzl, zip: ZipFile, file: PositionalFile, scratch: () => ScratchDirectory): Promise<ArchiveIndex> {
  const entries: Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  }).catch((error: Error) => {
    throw new ArchiveError(`${file.label}: damaged zip central directory: ${error.message}`);
  });
  const members: ArchiveMember[] = [];
  const warnings: string[] = [];
  for (const entry of entries) {
    // decodeStrings is off so that a bad name is this file system's to refuse (member-name.ts),
    // not a reason for yauzl to give up on the whole archive.
    const name = memberName(yauzl, entry);
    if (entry.relativeOffsetOfLocalHeader + 30 + entry.compressedSize > file.size) {
      throw new ArchiveError(`${file.label}: member ${name} claims ${entry.compressedSize} bytes at byte ${entry.relativeOffsetOfLocalHeader}, beyond the file's ${file.size} bytes: the zip is truncated or its central directory lies`);
    }
    if (entry.compressionMethod === DEFLATED && entry.uncompressedSize > Math.max(1024, entry.compressedSize * MAX_DEFLATE_RATIO)) {
      throw new ArchiveError(`${file.label}: member ${name} claims ${entry.uncompressedSize} bytes from ${entry.compressedSize} deflated bytes, which deflate cannot hold: the central directory lies`);
    }
    const content = new ZipContent(zip, file, entry, name, scratch);
    if (entry.compressionMethod === STORED && !entry.isEncrypted()) {
      try {
        content.storedAt = (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
      } catch (error) {
        warnings.push(`${file.label}: member ${name}: damaged local header (${(error as Error).message}): reads fail with EIO`);
      }
    }
    const member = memberOf(entry, name, content);
    if (member.type !== 'symlink') {
      members.push(member);
      continue;
    }
    try {
      const reader = await content.open();
      const target = Buffer.from(await reader.read(MAX_SYMLINK, 0)).toString('utf8');
      reader.close();
      members.push({ ...member, linkTarget: target });
    } catch (error) {
      warnings.push(`${file.label}: symlink ${name} cannot be read (${(error as Error).message}): left out`);
    }
  }
  return {
    members,
    warnings,
    close: () => {
      zip.close();
      file.close();
    },
  };
}
