// A test fixture: a file-system module that serves a host directory through the operations
// (not a built-in; the tests mount it to run real programs on a served tree). Options:
//   root=DIR     the host directory served
//   async        every operation answers with a promise (fs/promises)
//   throw=NAME   the operation NAME throws a plain Error (a module's bug: EIO)
//   hang=NAME    the operation NAME never answers (the mount's timeout bounds it)
//   backing      an open file's own fd is its backing file (the kernel data path: the tracee
//                reads and writes the host file without a stop)
// `-m ./passthrough-fs.mjs,/mnt,root=DIR`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';

export default function passthrough(options) {
  const root = options.root;
  if (typeof root !== 'string') throw new Error('passthrough-fs: root=DIR is required');
  const host = (path) => join(root, path);
  const asyncMode = options.async === true;
  const attrs = (st) => ({
    mode: Number(st.mode), size: Number(st.size), uid: Number(st.uid), gid: Number(st.gid), nlink: Number(st.nlink),
    ino: Number(st.ino), rdev: Number(st.rdev), atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs,
    birthtimeNs: st.birthtimeNs, blocks: Number(st.blocks), blksize: Number(st.blksize),
  });
  const ops = {
    getattr: (p) => attrs(fs.lstatSync(host(p), { bigint: true })),
    readlink: (p) => fs.readlinkSync(host(p)),
    // In the directory's own order (fs.readdirSync sorts the names: tar, du and find would see
    // another order than natively).
    readdir: (p) => {
      const dir = fs.opendirSync(host(p));
      const entries = [];
      try {
        for (let d = dir.readSync(); d !== null; d = dir.readSync()) {
          entries.push({
            name: d.name,
            mode: d.isDirectory() ? 0o040000 : d.isSymbolicLink() ? 0o120000 : d.isFile() ? 0o100000 : d.isFIFO() ? 0o010000 : undefined,
          });
        }
      } finally {
        dir.closeSync();
      }
      return entries;
    },
    open: (p, flags) => fs.openSync(host(p), flags & ~0o2000000 & ~0o2000), // the monitor keeps O_APPEND and O_CLOEXEC
    create: (p, flags, mode) => fs.openSync(host(p), (flags | 0o100) & ~0o2000, mode),
    read: (p, fd, length, position) => {
      const buffer = Buffer.alloc(length);
      const n = fs.readSync(fd ?? 0, buffer, 0, length, position);
      return buffer.subarray(0, n);
    },
    write: (p, fd, data, position) => fs.writeSync(fd, data, 0, data.length, position),
    backing: (p, fd) => (options.backing === true && typeof fd === 'number' ? fd : undefined),
    release: (p, fd) => { if (typeof fd === 'number') fs.closeSync(fd); },
    fsync: (p, fd) => { if (typeof fd === 'number') fs.fsyncSync(fd); },
    truncate: (p, size, fd) => (typeof fd === 'number' ? fs.ftruncateSync(fd, size) : fs.truncateSync(host(p), size)),
    mkdir: (p, mode) => fs.mkdirSync(host(p), { mode }),
    rmdir: (p) => fs.rmdirSync(host(p)),
    unlink: (p) => fs.unlinkSync(host(p)),
    rename: (from, to, flags) => {
      if (flags !== 0) { const e = new Error('EINVAL'); e.code = 'EINVAL'; throw e; }
      fs.renameSync(host(from), host(to));
    },
    link: (existing, p) => fs.linkSync(host(existing), host(p)),
    symlink: (target, p) => fs.symlinkSync(target, host(p)),
    chmod: (p, mode) => fs.chmodSync(host(p), mode),
    chown: (p, uid, gid) => fs.lchownSync(host(p), uid, gid), // lchown, fchownat(AT_SYMLINK_NOFOLLOW): the link itself
    utimens: (p, atimeNs, mtimeNs) => {
      // The path itself (a symlink: utimensat with AT_SYMLINK_NOFOLLOW).
      const st = fs.lstatSync(host(p), { bigint: true });
      const seconds = (ns) => Number(ns) / 1e9;
      fs.lutimesSync(host(p), seconds(atimeNs ?? st.atimeNs), seconds(mtimeNs ?? st.mtimeNs));
    },
    statfs: (p) => {
      const s = fs.statfsSync(host(p));
      return { bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
    },
    mknod: (p, mode) => {
      if ((mode & 0o170000) !== 0o010000) { const e = new Error('EPERM'); e.code = 'EPERM'; throw e; }
      execFileSync('mkfifo', ['-m', (mode & 0o7777).toString(8), host(p)]); // Node has no mkfifo
    },
  };
  const thrower = typeof options.throw === 'string' ? options.throw : undefined;
  const hanger = typeof options.hang === 'string' ? options.hang : undefined;
  const fileSystem = {};
  for (const [name, op] of Object.entries(ops)) {
    fileSystem[name] = (...args) => {
      if (name === thrower) throw new Error(`passthrough-fs: ${name} broke on purpose`);
      if (name === hanger) return new Promise(() => {});
      if (!asyncMode) return op(...args);
      // A promise answered on a later turn of the event loop.
      return new Promise((resolve, reject) => setImmediate(() => { try { resolve(op(...args)); } catch (e) { reject(e); } }));
    };
  }
  return { name: 'passthrough', fileSystem };
}
