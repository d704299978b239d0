// openat2's RESOLVE_* flags on a mount (src/vfs/resolve-walk.ts), compared with a native run
// of fixtures/openat2-resolve.c on a host directory; the mount's own crossings (RESOLVE_NO_XDEV),
// RESOLVE_CACHED and inotify_add_watch (EOPNOTSUPP: no kernel inode to watch) asserted.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exec, fixture, tempDir, umview } from '../helpers.js';

const passthrough = fileURLToPath(new URL('./passthrough-fs.mjs', import.meta.url));
const MOUNT = '/vfs-openat2';
const program = fixture('openat2-resolve');

function directory(): string {
  const dir = join(tempDir('umview-vfs-openat2-'), 'd');
  mkdirSync(dir);
  return dir;
}

describe('openat2 on a mount', () => {
  it('RESOLVE_BENEATH, IN_ROOT, NO_SYMLINKS, NO_MAGICLINKS as natively; NO_XDEV at the mount; CACHED is EAGAIN', async () => {
    const native = await exec(program, [directory()]);
    expect(native.code).toBe(0);
    expect(native.stdout).toContain('BENEATH ../f = -1 Invalid cross-device link');
    expect(native.stdout).toContain('IN_ROOT abs-link = fd');
    const host = tempDir('umview-vfs-openat2-host-');
    const r = await umview(['-m', `${passthrough},${MOUNT},root=${directory()}`], [program, MOUNT, host]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [shared, own] = [r.stdout.slice(0, native.stdout.length), r.stdout.slice(native.stdout.length)];
    expect(shared).toBe(native.stdout);
    expect(own).toBe([
      'NO_XDEV g = fd',
      'NO_XDEV ../f = fd',
      'NO_XDEV from / into the mount = -1 Invalid cross-device link',
      'plain from / into the mount = fd',
      'NO_XDEV absolute into the mount = -1 Invalid cross-device link',
      'NO_XDEV out of the mount = -1 Invalid cross-device link',
      'plain out of the mount = fd',
      'CACHED g = -1 Resource temporarily unavailable',
      'inotify_add_watch d = -1 Operation not supported',
      'inotify_add_watch missing = -1 No such file or directory',
      'inotify_add_watch f ONLYDIR = -1 Not a directory',
      'inotify_add_watch d no inotify fd = -1 Invalid argument',
      'inotify_add_watch host dir = 1',
      '',
    ].join('\n'));
  });
});
