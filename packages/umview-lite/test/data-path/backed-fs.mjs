// A test fixture: the test passthrough module (../vfs/passthrough-fs.mjs) serving a host
// directory, whose regular files also have a backing file (FileSystem.backing): the host file
// itself, opened O_RDWR as the contract asks. It runs the file-system side of the fast data path
// on a host directory, so that a native run on that directory is the oracle (the built-in
// modules give backing files of their own when they do). Opens that cannot have O_RDWR (a file
// the caller may only read) are served call by call.
//   -m ./backed-fs.mjs,/mnt,root=DIR
import * as fs from 'node:fs';
import { join } from 'node:path';
import passthrough from '../vfs/passthrough-fs.mjs';

const O_ACCMODE = 0o3;
const O_RDWR = 0o2;
const O_APPEND = 0o2000;
const O_CLOEXEC = 0o2000000;
const O_CREAT = 0o100;

export default function backed(options) {
  const module = passthrough(options);
  const host = (path) => join(options.root, path);
  /** Handles opened O_RDWR (for the backing file) though the open asked less. */
  const widened = new Set();
  // The monitor keeps O_APPEND and O_CLOEXEC; the module's own fd is the backing file.
  const openWide = (path, flags, mode) => {
    const base = flags & ~O_APPEND & ~O_CLOEXEC;
    if ((base & O_ACCMODE) !== O_RDWR) {
      try {
        const fd = fs.openSync(host(path), (base & ~O_ACCMODE) | O_RDWR, mode);
        widened.add(fd);
        return fd;
      } catch (error) {
        if (error.code !== 'EACCES' && error.code !== 'EROFS' && error.code !== 'ETXTBSY') throw error;
      }
    }
    const fd = fs.openSync(host(path), base, mode);
    if ((base & O_ACCMODE) === O_RDWR) widened.add(fd);
    return fd;
  };
  const fileSystem = {
    ...module.fileSystem,
    open: (path, flags) => openWide(path, flags & ~O_CREAT),
    create: (path, flags, mode) => openWide(path, flags | O_CREAT, mode),
    backing: (_path, handle) => (widened.has(handle) ? handle : undefined),
    release: (path, handle) => {
      widened.delete(handle);
      return module.fileSystem.release(path, handle);
    },
  };
  return { name: 'backed-passthrough', fileSystem };
}
