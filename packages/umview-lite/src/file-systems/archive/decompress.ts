// A .tar.gz or .tar.xz cannot be read at random: it is decompressed once, at mount, into an
// unlinked scratch file that is then indexed and read as an uncompressed tar. gzip is Node's
// zlib; xz is xz-decompress (the xz reference decoder compiled to WebAssembly: no native build).
import { closeSync, createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ArchiveError } from './archive-index.js';
import { loadLibrary } from './load-library.js';
import { PositionalFile, writerTo } from './positional-file.js';
import type { ScratchDirectory } from './scratch-directory.js';

export type Compression = 'gzip' | 'xz';

type XzModule = typeof import('xz-decompress');

/** The streams that turn `path` into its decompressed bytes. */
async function decompressing(path: string, compression: Compression): Promise<[Readable, ...NodeJS.ReadWriteStream[]]> {
  // zlib loaded here, not with the module: a monitor that mounts no .tar.gz does not pay for it
  // at start-up.
  if (compression === 'gzip') return [createReadStream(path), (await loadLibrary<typeof import('node:zlib')>('node:zlib')).createGunzip()];
  const { XzReadableStream } = await loadLibrary<XzModule>('xz-decompress');
  const compressed = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>;
  return [Readable.fromWeb(new XzReadableStream(compressed) as unknown as WebReadableStream<Uint8Array>)];
}

/** Decompresses `path` into a scratch file, returned open (its label: `path`). A stream that
 * would fill the scratch file system (a decompression bomb) stops with an error first. */
export async function decompressToScratch(path: string, compression: Compression, scratch: ScratchDirectory): Promise<PositionalFile> {
  const fd = scratch.anonymousFile();
  try {
    await pipeline([...(await decompressing(path, compression)), writerTo(fd, scratch.freeBytes())]);
  } catch (error) {
    closeSync(fd);
    throw new ArchiveError(`${path}: cannot decompress the ${compression} data: ${(error as Error).message}`);
  }
  return new PositionalFile(fd, path);
}
