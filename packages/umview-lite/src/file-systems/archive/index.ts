// The built-in `archive` module: `-m archive,FILE=/mnt` mounts a .tar, .tar.gz, .tar.xz or
// .zip read-only at /mnt (options: archive-options.ts). The archive is indexed once, at mount:
// a damaged one fails the mount with the file's name and the reason; what GNU tar would only
// warn about (a member name with '..', an unsupported member type) is left out and logged once
// on stderr. A member's backing file (extracted-members.ts) is made at its first open, or at
// mount with `prefetch`, and kept for the next runs (kept-copies.ts) unless `transient`.
import type { ModuleFactory, UmviewModule } from '../../modules/module.js';
import type { FileSystem } from '../../vfs/file-system.js';
import { ArchiveFileSystem } from './archive-file-system.js';
import { DEFAULT_CACHE_BYTES, parseArchiveOptions } from './archive-options.js';
import type { ArchiveNode } from './archive-tree.js';
import { ExtractedMembers } from './extracted-members.js';
import { archiveIdentity, KeptCopies, keptCopiesDirectory } from './kept-copies.js';
import { openArchive } from './open-archive.js';

export { ArchiveError } from './archive-index.js';
export { ArchiveOptionsError } from './archive-options.js';

export type FileSystemModule = UmviewModule & { readonly fileSystem: FileSystem };

export interface MountOptions {
  /** A line to show (what GNU tar would warn about); default: on stderr. */
  readonly warn?: (line: string) => void;
  /** The byte budget of the members' copies (archive-options.ts). */
  readonly cacheBytes?: number;
  readonly prefetch?: boolean;
  /** The copies are the mount's own, none kept for the next runs. */
  readonly transient?: boolean;
}

export async function mountArchive(
  file: string,
  mountPoint: string,
  { warn = (line) => process.stderr.write(`umview-lite: archive: ${line}\n`), cacheBytes = DEFAULT_CACHE_BYTES, prefetch = false, transient = false }: MountOptions = {},
): Promise<FileSystemModule & { readonly fileSystem: ArchiveFileSystem }> {
  const before = archiveIdentity(file);
  const opened = await openArchive(file);
  for (const warning of opened.warnings) warn(warning);
  // Copies are kept under the archive's identity only when it did not change while indexed.
  const kept = transient || cacheBytes === 0 || before === undefined || archiveIdentity(file) !== before ? undefined : keptCopies(before, cacheBytes);
  const extracted = cacheBytes > 0 ? new ExtractedMembers(cacheBytes, () => opened.scratch().anonymousFile(), kept) : undefined;
  const fileSystem = new ArchiveFileSystem(opened.tree, () => opened.close(), extracted);
  if (prefetch && extracted) {
    try {
      for (const node of regularFiles(opened.tree.root)) await extracted.prefetch(node.content!, node.size);
    } catch (error) {
      fileSystem.destroy();
      throw error;
    }
  }
  return { name: 'archive', paths: [mountPoint], fileSystem, close: () => fileSystem.destroy() };
}

export const archive: ModuleFactory = async (options) => {
  const { file, mountPoint, cacheBytes, prefetch, transient } = parseArchiveOptions(options);
  return mountArchive(file, mountPoint, { cacheBytes, prefetch, transient });
};

/** The kept copies of the archive, or none (said once when UMVIEW_DEBUG_ARCHIVE_COPIES is set)
 * where the user's cache directory cannot be trusted. */
function keptCopies(archive: string, budget: number): KeptCopies | undefined {
  const { directory, problem } = keptCopiesDirectory();
  if (directory) return new KeptCopies(directory, archive, budget);
  if (process.env.UMVIEW_DEBUG_ARCHIVE_COPIES) process.stderr.write(`umview-lite: archive: no copies kept for the next runs: ${problem}\n`);
  return undefined;
}

/** The regular files of the tree with content, each node once (hard links share one). */
function* regularFiles(root: ArchiveNode, seen = new Set<ArchiveNode>()): Generator<ArchiveNode> {
  for (const child of root.children?.values() ?? []) {
    if (seen.has(child)) continue;
    seen.add(child);
    if (child.children) yield* regularFiles(child, seen);
    else if (child.content) yield child;
  }
}
