// Where the debugging information of a stripped file lives: distributions ship it in a separate
// file found by build-id (/usr/lib/debug/.build-id/xx/yyyy.debug) or named by .gnu_debuglink.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ByteReader, type CorruptionReporter } from '../binary/byte-reader.js';
import { crc32 } from '../binary/crc32.js';

export interface DebugLink {
  readonly fileName: string;
  /** CRC-32 of the whole separate debug file. */
  readonly crc: number;
}

export function parseDebugLink(data: Buffer, fileOffset: number, corrupt: CorruptionReporter): DebugLink {
  const reader = new ByteReader(data, corrupt, fileOffset);
  const fileName = reader.cstring();
  reader.seek((reader.offset + 3) & ~3);
  return { fileName, crc: reader.u32() };
}

export interface SeparateDebugFileQuery {
  /** Path of the stripped file. */
  readonly path: string;
  readonly buildId: string | undefined;
  readonly debugLink: DebugLink | undefined;
  /** Roots to search, `/usr/lib/debug` by default. */
  readonly debugRoots?: readonly string[];
}

/** The path of the separate debug file, following gdb's search order, or undefined. */
export function findSeparateDebugFile(query: SeparateDebugFileQuery): string | undefined {
  const roots = query.debugRoots ?? ['/usr/lib/debug'];
  if (query.buildId !== undefined && query.buildId.length > 2) {
    for (const root of roots) {
      const candidate = join(root, '.build-id', query.buildId.slice(0, 2), `${query.buildId.slice(2)}.debug`);
      if (existsSync(candidate)) return candidate;
    }
  }
  const link = query.debugLink;
  if (link === undefined) return undefined;
  const directory = dirname(query.path);
  const candidates = [join(directory, link.fileName), join(directory, '.debug', link.fileName)];
  for (const root of roots) candidates.push(join(root, directory, link.fileName));
  return candidates.find((candidate) => candidate !== query.path && fileCrc32(candidate) === link.crc);
}

function fileCrc32(path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const chunk = Buffer.alloc(1 << 20);
    let crc = 0;
    for (let position = 0; ; ) {
      const count = readSync(fd, chunk, 0, chunk.length, position);
      if (count === 0) return crc;
      crc = crc32(chunk.subarray(0, count), crc);
      position += count;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
