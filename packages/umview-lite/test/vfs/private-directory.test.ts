// When the monitor cannot make its private directory for copies of served files (every base
// it tries is unusable: here a regular file), execve, mmap and FIFOs on a mount fail with
// EACCES, and the reason, with what to do, is said once (not as a module's bug, not per call).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, umview } from '../helpers.js';

describe('no private directory for copies', () => {
  it('execve and FIFOs on a mount fail with EACCES; the reason is logged once', async () => {
    const notADirectory = join(tempDir('umview-vfs-noprivate-'), 'file');
    writeFileSync(notADirectory, '');
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TMPDIR: notADirectory, XDG_CACHE_HOME: join(notADirectory, 'cache') };
    const script = 'cp /bin/true /mnt/t; /mnt/t; echo "exec $?"; /mnt/t; echo "exec again $?"; mkfifo /mnt/p; (echo x > /mnt/p) 2>/dev/null; echo "fifo $?"';
    const r = await umview(['-m', 'tmpfs,/mnt'], ['/bin/sh', '-c', script], { env });
    expect(r.stdout).toBe('exec 126\nexec again 126\nfifo 2\n');
    const logged = r.stderr.split('\n').filter((line) => line.startsWith('umview-lite:'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/no private directory for copies of served files \(.*ENOTDIR.*\): mmap, execve and FIFOs of files on a mount fail with EACCES \(and a chdir into a mount leaves the real cwd where it was\)\. Set XDG_RUNTIME_DIR or TMPDIR/);
    expect(r.stderr).toContain('/mnt/t: Permission denied');
  });
});

describe('copies left by a killed monitor', () => {
  it('the next monitor that makes its directory removes those whose monitor is gone, and only those', async () => {
    const base = tempDir('umview-vfs-base-');
    const dead = spawnSync('true').pid!; // exited and reaped: no process has this pid now
    const make = (name: string, mode = 0o700): string => {
      const dir = join(base, name);
      mkdirSync(dir);
      chmodSync(dir, mode);
      return dir;
    };
    const stale = make(`umview-vfs-${dead}-AbC123`);
    writeFileSync(join(stale, '1'), 'a copy');
    mkdirSync(join(stale, 'cwd'), { mode: 0o555 });
    const live = make(`umview-vfs-${process.pid}-AbC123`); // its monitor (this process) is alive
    const notPrivate = make(`umview-vfs-${dead}-XyZ789`, 0o755); // not made by a monitor
    const notNamedSo = make(`umview-vfs-${dead}`);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TMPDIR: base, XDG_CACHE_HOME: join(base, 'cache') };
    const r = await umview(['-m', 'tmpfs,/mnt'], ['/bin/sh', '-c', 'cp /bin/true /mnt/t && /mnt/t; echo "exec $?"'], { env });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('exec 0\n'); // run from a copy in a directory of the monitor's own
    expect(existsSync(stale)).toBe(false);
    for (const kept of [live, notPrivate, notNamedSo]) expect(existsSync(kept)).toBe(true);
    // Its own went with it.
    expect(readdirSync(base).filter((name) => name.startsWith('umview-vfs-')).sort()).toEqual([live, notPrivate, notNamedSo].map((dir) => dir.slice(base.length + 1)).sort());
  });
});
