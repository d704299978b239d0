// The overlay tests' lower trees and their fingerprint: every entry's type, mode, owner, size,
// content hash, link count, inode, symlink target, xattrs and its three times to the
// nanosecond, so that "the lower directory is unchanged" means byte for byte and metadata for
// metadata. The tree's atimes are set an hour ahead, after its mtimes and ctimes, so that
// relatime (which updates an atime not after the mtime or the ctime, or a day old) has no
// reason to touch them: reading the tree, the fingerprint's own reads included, leaves them,
// and anything else that touched them shows.
import { createHash } from 'node:crypto';
import { chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, utimesSync, lutimesSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { getXattr, listXattrs, setXattr } from '../../src/file-systems/overlay/host-calls.js';

/** 2001-09-09: far from now, so that a time the overlay failed to keep shows. */
const MTIME = 1_000_000_000;


export function makeLowerTree(root: string): void {
  mkdirSync(join(root, 'dir/sub'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  mkdirSync(join(root, 'gone/deeper'), { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'alpha\n');
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho run\n');
  chmodSync(join(root, 'run.sh'), 0o754);
  writeFileSync(join(root, 'dir/b.txt'), 'beta\n');
  writeFileSync(join(root, 'dir/sub/c.txt'), 'gamma\n');
  writeFileSync(join(root, 'gone/x'), 'x\n');
  writeFileSync(join(root, 'gone/deeper/y'), 'y\n');
  writeFileSync(join(root, 'owned'), 'owned by 999\n');
  writeFileSync(join(root, 'hard1'), 'linked\n');
  linkSync(join(root, 'hard1'), join(root, 'hard2'));
  symlinkSync('a.txt', join(root, 'link'));
  try {
    chownSync(join(root, 'owned'), 999, 999);
  } catch {
    // Not root: the owner test says so.
  }
  setXattr(join(root, 'a.txt'), 'user.note', Buffer.from('kept'), 0);
  chmodSync(join(root, 'dir'), 0o750);
  setTreeTimes(root);
}

function setTreeTimes(root: string): void {
  pinAtimes(root, MTIME);
}

/** Sets every entry's atime an hour ahead (see above), and its mtime to `mtime` (seconds) or
 * to what it was. */
export function pinAtimes(root: string, mtime?: number): void {
  const atime = Math.floor(Date.now() / 1000) + 3600;
  const walk = (path: string): void => {
    const stats = lstatSync(path);
    if (stats.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    const m = mtime ?? stats.mtime;
    if (stats.isSymbolicLink()) lutimesSync(path, atime, m);
    else utimesSync(path, atime, m);
  };
  walk(root);
}

/** Everything about a tree, one line per entry (the root's own line first). */
export function fingerprint(root: string): string {
  const lines: string[] = [];
  const walk = (path: string, rel: string): void => {
    const s = lstatSync(path, { bigint: true });
    let content = '';
    if (s.isFile()) content = createHash('sha256').update(readFileSync(path)).digest('hex');
    else if (s.isSymbolicLink()) content = `-> ${readlinkSync(path)}`;
    let xattrs = '';
    try {
      xattrs = listXattrs(path).sort().map((name) => `${name}=${Buffer.from(getXattr(path, name)).toString('hex')}`).join(',');
    } catch {
      xattrs = '?';
    }
    lines.push(`${rel || '.'} mode=${s.mode.toString(8)} uid=${s.uid} gid=${s.gid} size=${s.size} nlink=${s.nlink} ino=${s.ino} `
      + `atime=${s.atimeNs} mtime=${s.mtimeNs} ctime=${s.ctimeNs} xattrs=${xattrs} ${content}`);
    if (s.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name), rel ? `${rel}/${name}` : name);
  };
  walk(root, '');
  return lines.join('\n');
}
