// `-m tmpfs,/mnt[,size=64M][,nr_inodes=N][,mode=1777][,uid=U][,gid=G]`: an in-memory file
// system at a guest path, as `mount -t tmpfs` (see options.ts for the options and defaults).
import type { ModuleFactory, UmviewModule } from '../../modules/module.js';
import type { FileSystem } from '../../vfs/file-system.js';
import { parseTmpfsOptions } from './options.js';
import { TmpfsFileSystem } from './tmpfs-file-system.js';

export { TmpfsFileSystem } from './tmpfs-file-system.js';
export { parseSize, parseTmpfsOptions, TmpfsOptionError } from './options.js';

export const tmpfs: ModuleFactory = (options): UmviewModule & { fileSystem: FileSystem } => {
  const settings = parseTmpfsOptions(options);
  return {
    name: 'tmpfs',
    paths: [settings.mountPoint],
    fileSystem: new TmpfsFileSystem(settings),
  };
};
