// When the monitor cannot make its private directory for copies of served files (every base
// it tries is unusable: here a regular file), execve, mmap and FIFOs on a mount fail with
// EACCES, and the reason, with what to do, is said once (not as a module's bug, not per call).
import { writeFileSync } from 'node:fs';
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
