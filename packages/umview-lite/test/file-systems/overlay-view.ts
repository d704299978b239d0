// The tree an overlay shows, read through the file system's own operations (a mount of the
// same layers in the test's process): in test/helpers.ts snapshot()'s format, so that it
// compares with the snapshot of a real directory that went through the same run.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import type { OverlayFileSystem } from '../../src/file-systems/overlay/overlay-file-system.js';
import type { Caller } from '../../src/vfs/file-system.js';

const S_IFMT = 0o170000;
/** The snapshot reads everything, as root would. */
const ROOT: Caller = { pid: process.pid, uid: 0, gid: 0, umask: 0o022 };

export function overlaySnapshot(fs: OverlayFileSystem, root: string, skip: (rel: string) => boolean = () => false): string {
  const lines: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const { name } of [...fs.readdir(dir)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const a = fs.getattr(path);
      const mode = (a.mode & 0o7777).toString(8).padStart(4, '0');
      const type = a.mode & S_IFMT;
      if (type === 0o120000) lines.push(`${r} l ${fs.readlink(path).split(root).join('$ROOT')}`);
      else if (type === 0o040000) {
        lines.push(`${r} d ${mode}`);
        walk(path, r);
      } else if (type === 0o100000) {
        const handle = fs.open(path, constants.O_RDONLY, ROOT);
        const data = fs.read(path, handle, a.size, 0);
        fs.release(path, handle);
        const hash = createHash('sha256').update(data).digest('hex').slice(0, 16);
        lines.push(`${r} f ${mode} ${a.size} ${hash} nlink=${a.nlink}`);
      } else lines.push(`${r} ? ${mode}`);
    }
  };
  walk('/', '');
  return lines.join('\n');
}
