// The built-in `archive` module: `-m archive,FILE=/mnt` mounts a .tar, .tar.gz, .tar.xz or
// .zip read-only at /mnt (options: archive-options.ts). The archive is indexed once, at mount:
// a damaged one fails the mount with the file's name and the reason; what GNU tar would only
// warn about (a member name with '..', an unsupported member type) is left out and logged once
// on stderr.
import type { ModuleFactory, UmviewModule } from '../../modules/module.js';
import type { FileSystem } from '../../vfs/file-system.js';
import { ArchiveFileSystem } from './archive-file-system.js';
import { DEFAULT_CACHE_BYTES, parseArchiveOptions } from './archive-options.js';
import { ExtractedMembers } from './extracted-members.js';
import { openArchive } from './open-archive.js';

export { ArchiveError } from './archive-index.js';
export { ArchiveOptionsError } from './archive-options.js';

export type FileSystemModule = UmviewModule & { readonly fileSystem: FileSystem };

export async function mountArchive(
  file: string,
  mountPoint: string,
  warn: (line: string) => void = (line) => process.stderr.write(`umview-lite: archive: ${line}\n`),
  cacheBytes = DEFAULT_CACHE_BYTES,
): Promise<FileSystemModule & { readonly fileSystem: ArchiveFileSystem }> {
  const opened = await openArchive(file);
  for (const warning of opened.warnings) warn(warning);
  const extracted = cacheBytes > 0 ? new ExtractedMembers(cacheBytes, () => opened.scratch().anonymousFile()) : undefined;
  const fileSystem = new ArchiveFileSystem(opened.tree, () => opened.close(), extracted);
  return { name: 'archive', paths: [mountPoint], fileSystem, close: () => fileSystem.destroy() };
}

export const archive: ModuleFactory = async (options) => {
  const { file, mountPoint, cacheBytes } = parseArchiveOptions(options);
  return mountArchive(file, mountPoint, undefined, cacheBytes);
};
