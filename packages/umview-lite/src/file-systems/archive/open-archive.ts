// Opens an archive file: recognizes its format by its first bytes (not by its name), indexes
// it with the format's reader (a compressed tar decompressed once first), and builds its tree.
import { ArchiveError, type ArchiveIndex } from './archive-index.js';
import { buildTree, type ArchiveTree } from './archive-tree.js';
import { decompressToScratch } from './decompress.js';
import { PositionalFile } from './positional-file.js';
import { ScratchDirectory } from './scratch-directory.js';
import { indexTar } from './tar-index.js';
import { indexZip } from './zip-index.js';

export type ArchiveFormat = 'tar' | 'tar.gz' | 'tar.xz' | 'zip';

export function detectFormat(head: Uint8Array): ArchiveFormat {
  const starts = (...bytes: number[]) => bytes.every((byte, i) => head[i] === byte);
  if (starts(0x1f, 0x8b)) return 'tar.gz';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'tar.xz';
  // A local file header, or the end record of an empty zip.
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return 'zip';
  return 'tar';
}

export interface OpenedArchive {
  readonly format: ArchiveFormat;
  readonly tree: ArchiveTree;
  readonly warnings: readonly string[];
  /** The mount's private scratch directory (made at the first call). */
  scratch(): ScratchDirectory;
  /** Closes the archive and removes the scratch files. */
  close(): void;
}

export async function openArchive(path: string): Promise<OpenedArchive> {
  let file: PositionalFile;
  try {
    file = PositionalFile.open(path);
  } catch (error) {
    throw new ArchiveError(`${path}: cannot open the archive (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let scratch: ScratchDirectory | undefined;
  const scratchDirectory = () => (scratch ??= ScratchDirectory.make());
  const cleanUp = () => scratch?.remove();
  let index: ArchiveIndex | undefined;
  let format: ArchiveFormat = 'tar';
  try {
    if (file.size === 0) throw new ArchiveError(`${path}: empty file, not an archive`);
    format = detectFormat(await file.read(8, 0));
    if (format === 'zip') {
      index = await indexZip(file, scratchDirectory);
    } else if (format === 'tar') {
      index = await indexTar(file);
    } else {
      file.close();
      index = await indexTar(await decompressToScratch(path, format === 'tar.gz' ? 'gzip' : 'xz', scratchDirectory()));
    }
    const tree = buildTree(index.members, path);
    const opened = index;
    return {
      format,
      tree,
      warnings: [...index.warnings, ...tree.warnings],
      scratch: scratchDirectory,
      close: () => {
        opened.close();
        cleanUp();
      },
    };
  } catch (error) {
    if (index) index.close();
    else file.close();
    cleanUp();
    throw error;
  }
}
