// A .tar.gz or .tar.xz cannot be read at random: it is decompressed once, at mount, into an
// unlinked scratch file that is then indexed and read as an uncompressed tar. gzip is Node's
// zlib; xz is xz-decompress (the xz reference decoder compiled to WebAssembly: no native build).
import { closeSync, createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { XzReadableStream } from 'xz-decompress';
import { ArchiveError } from './archive-index.js';
import { PositionalFile, writerTo } from './positional-file.js';
import type { ScratchDirectory } from './scratch-directory.js';

export type Compression = 'gzip' | 'xz';

function decompressor(compression: Compression, source: Readable): Readable {
  if (compression === 'gzip') return source.pipe(createGunzip());
  const web = Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>;
  return Readable.fromWeb(new XzReadableStream(web) as unknown as WebReadableStream<Uint8Array>);
}

/** Decompresses `path` into a scratch file, returned open (its label: `path`). */
export async function decompressToScratch(path: string, compression: Compression, scratch: ScratchDirectory): Promise<PositionalFile> {
  const fd = scratch.anonymousFile();
  try {
    const source = createReadStream(path);
    const output = decompressor(compression, source);
    // Errors of the source (a read error) and of the decoder both end the pipeline.
    source.on('error', (error) => output.destroy(error));
    await pipeline(output, writerTo(fd));
  } catch (error) {
    closeSync(fd);
    throw new ArchiveError(`${path}: cannot decompress the ${compression} data: ${(error as Error).message}`);
  }
  return new PositionalFile(fd, path);
}
