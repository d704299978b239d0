// The oracle side of test/file-systems/fs-steps.ts: runs a list of file operations on a real
// directory (of a real tmpfs) with node:fs, each as the user it names (seteuid/setegid: this
// process runs as root), and prints each step's result as JSON: 'ok', an errno name, or a value.
// argv: ROOT STEPS_JSON
import fs from 'node:fs';

const [root, stepsJson] = process.argv.slice(2);
const steps = JSON.parse(stepsJson);
process.umask(0);
process.setgroups([]);
const fds = new Map();
const at = (p) => root + p;

function become(who) {
  process.seteuid(0);
  process.setegid(who?.gid ?? 0);
  process.seteuid(who?.uid ?? 0);
}

const OPS = {
  mkdir: (p, mode) => void fs.mkdirSync(at(p), mode),
  rmdir: (p) => void fs.rmdirSync(at(p)),
  unlink: (p) => void fs.unlinkSync(at(p)),
  rename: (a, b) => void fs.renameSync(at(a), at(b)),
  write: (p, text, mode = 0o644) => void fs.writeFileSync(at(p), text, { mode }),
  read: (p) => fs.readFileSync(at(p), 'utf8'),
  open: (id, p, flags, mode = 0o644) => void fds.set(id, fs.openSync(at(p), flags, mode)),
  pwrite: (id, text, pos) => fs.writeSync(fds.get(id), Buffer.from(text), 0, Buffer.byteLength(text), pos),
  pwriteZeros: (id, length, pos) => fs.writeSync(fds.get(id), Buffer.alloc(length, 0x61), 0, length, pos),
  pread: (id, len, pos) => { const b = Buffer.alloc(len); return b.subarray(0, fs.readSync(fds.get(id), b, 0, len, pos)).toString(); },
  ftruncate: (id, size) => void fs.ftruncateSync(fds.get(id), size),
  close: (id) => { fs.closeSync(fds.get(id)); fds.delete(id); },
  truncate: (p, size) => void fs.truncateSync(at(p), size),
  link: (a, b) => void fs.linkSync(at(a), at(b)),
  symlink: (target, p) => void fs.symlinkSync(target, at(p)),
  readlink: (p) => fs.readlinkSync(at(p)),
  chmod: (p, mode) => void fs.chmodSync(at(p), mode),
  chown: (p, uid, gid) => void fs.chownSync(at(p), uid, gid),
  access: (p, mode) => void fs.accessSync(at(p), mode),
  utimes: (p, a, m) => void fs.utimesSync(at(p), a, m),
  stat: (p) => { const s = fs.lstatSync(at(p)); return { mode: s.mode.toString(8), nlink: s.nlink, size: s.size, uid: s.uid, gid: s.gid, blocks: s.blocks }; },
  fstat: (id) => { const s = fs.fstatSync(fds.get(id)); return { mode: s.mode.toString(8), nlink: s.nlink, size: s.size, blocks: s.blocks }; },
  mtime: (p) => String(fs.lstatSync(at(p), { bigint: true }).mtimeNs / 1_000_000_000n),
  // In the directory's own order (readdirSync sorts).
  ls: (p) => { const d = fs.opendirSync(at(p)); const names = []; for (let e; (e = d.readSync()); ) names.push(e.name); d.closeSync(); return names; },
  statfs: () => { const s = fs.statfsSync(root); return { bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail }; },
};

const results = [];
for (const step of steps) {
  become(step.as);
  try {
    const value = OPS[step.op](...step.args);
    results.push(value === undefined ? 'ok' : value);
  } catch (error) {
    if (!error.code) throw error;
    results.push(error.code);
  }
}
become(undefined);
process.stdout.write(JSON.stringify(results));
