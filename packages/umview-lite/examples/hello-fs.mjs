// A file-system module: a small read-only tree held in memory, served at the mount point given
// after a comma (nothing of it exists on the host):
//   umview-lite -m ./examples/hello-fs.mjs,/hello -- ls -lR /hello
//   umview-lite -m ./examples/hello-fs.mjs,/hello,timeout=5000,who=you -- cat /hello/latest
import { FsError } from '@umview/umview-lite';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

export default (options) => {
  const who = typeof options.who === 'string' ? options.who : 'world';
  const files = new Map([
    ['/greeting.txt', Buffer.from(`hello, ${who}\n`)],
    ['/docs/about.md', Buffer.from('# hello-fs\nEvery byte here comes from the module.\n')],
  ]);
  const links = new Map([['/latest', 'greeting.txt']]);
  const dirs = new Set(['/', '/docs']);

  const fileSystem = {
    // lstat: paths are absolute within the mount, normalized, symlinks before the last one
    // already followed by the monitor. Throw an FsError (or any error with an errno `code`).
    getattr(path) {
      if (dirs.has(path)) return { mode: S_IFDIR | 0o555, size: 0 };
      if (files.has(path)) return { mode: S_IFREG | 0o444, size: files.get(path).length };
      if (links.has(path)) return { mode: S_IFLNK | 0o777, size: links.get(path).length };
      throw new FsError('ENOENT');
    },
    readlink: (path) => links.get(path),
    // Any operation may answer with a promise: the calling thread waits, the others go on.
    async readdir(path) {
      const prefix = path === '/' ? '/' : `${path}/`;
      return [...dirs, ...files.keys(), ...links.keys()]
        .filter((p) => p !== path && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => ({ name: p.slice(prefix.length), mode: fileSystem.getattr(p).mode }));
    },
    // No open: read gets no handle. No write, mkdir...: those calls fail with EROFS.
    read: (path, _handle, length, position) => files.get(path).subarray(position, position + length),
  };
  return { name: 'hello-fs', fileSystem };
};
