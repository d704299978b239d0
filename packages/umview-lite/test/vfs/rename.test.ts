// rename onto itself and into itself on a mount: the dispatcher answers as the kernel does
// before a file system sees the call (fixtures/rename-same.c, compared with a native run), and
// `mv d d` fails as natively.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exec, fixture, tempDir, umview } from '../helpers.js';

const passthrough = fileURLToPath(new URL('./passthrough-fs.mjs', import.meta.url));
const MOUNT = '/vfs-rename';
const program = fixture('rename-same');

function directory(): string {
  const dir = join(tempDir('umview-vfs-rename-'), 'd');
  mkdirSync(dir);
  return dir;
}

describe('rename on a mount', () => {
  it('onto itself (RENAME_NOREPLACE: EEXIST) and into itself (EINVAL) as natively', async () => {
    const native = await exec(program, [directory()]);
    expect(native.code).toBe(0);
    expect(native.stdout).toContain('renameat2 f f NOREPLACE = -1 File exists');
    const r = await umview(['-m', `${passthrough},${MOUNT},root=${directory()}`], [program, MOUNT]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(native.stdout);
  });

  it.each(['tmpfs', 'passthrough'])('mv d d fails as natively (on %s)', async (kind) => {
    const script = 'cd "$1" && mkdir d && mv d d; echo "status $?"; mv -T d d; echo "status $?"; ls';
    const nat = directory();
    const native = await exec('/bin/sh', ['-c', script, 'sh', nat], { env: { PATH: process.env.PATH, LC_ALL: 'C' } });
    const module = kind === 'tmpfs' ? `tmpfs,${MOUNT}` : `${passthrough},${MOUNT},root=${directory()}`;
    const r = await umview(['-m', module], ['/bin/sh', '-c', script, 'sh', MOUNT], { env: { PATH: process.env.PATH, LC_ALL: 'C' } });
    expect(r.stdout).toBe(native.stdout);
    expect(r.stderr.split(MOUNT).join(nat)).toBe(native.stderr);
  });
});
