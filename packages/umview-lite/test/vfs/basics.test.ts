// A file-system module's mount, served by the dispatcher (src/vfs/): the passthrough fixture
// module (passthrough-fs.mjs) serves a copy of a tree; programs on the mount must see what
// they see on the same tree on the host.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { exec, tempDir, tokenize, umview } from '../helpers.js';
import { makeTree } from '../tree.js';

export const passthrough = fileURLToPath(new URL('./passthrough-fs.mjs', import.meta.url));
const MOUNT = '/vfs-test-mount';

/** A fresh copy of the test tree on the host. */
function tree(): string {
  const dir = join(tempDir('umview-vfs-'), 'tree');
  mkdirSync(dir);
  makeTree(dir);
  return dir;
}

/** `sh -c script` with $T the tree: natively on a host copy, under the monitor on a copy served
 * at MOUNT; outputs (the tree's path as $T) and exit codes must match. */
async function same(script: string, extra: string[] = []): Promise<string> {
  const nat = tree();
  const served = tree();
  const env = { PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC', HOME: tempDir('umview-home-') };
  const native = await exec('/bin/sh', ['-c', script], { env: { ...env, T: nat } });
  const monitored = await umview(['-m', `${passthrough},${MOUNT},root=${served}${extra.map((e) => `,${e}`).join('')}`], ['/bin/sh', '-c', script], { env: { ...env, T: MOUNT } });
  const norm = (text: string, root: string): string => tokenize(text, { [root]: '$T' });
  expect(norm(monitored.stderr, MOUNT)).toBe(norm(native.stderr, nat));
  expect(norm(monitored.stdout, MOUNT)).toBe(norm(native.stdout, nat));
  expect(monitored.code).toBe(native.code);
  return norm(native.stdout, nat);
}

describe('a file-system module serves its mount', () => {
  it('cat, ls -lR, stat, find, readlink, cd and relative paths', async () => {
    const out = await same(`
      cat "$T/src/a.txt" "$T/src/link-a"
      ls -lR --time-style=+%s "$T/src"
      stat -c '%n %s %a %F %h' "$T/src/a.txt" "$T/src/link-a" "$T/src/sub1" "$T/src/hard-b"
      find "$T" | sort
      readlink "$T/src/link-a"
      cd "$T/src/sub1" && pwd && cat c.txt ../b.txt sub2/d.txt && ls .. && cd sub2 && cat ../../a.txt
      cmp "$T/src/sub1/sub2/data.bin" "$T/src/link-dir/data.bin" && echo same
      cat "$T/missing" ; echo "status $?"
    `);
    expect(out).toContain('$T/src/sub1/sub2/data.bin');
    expect(out).toContain('same');
  });

  it('is mounted from `-m FILE,/mnt` (mode fs in --routing), and names a bad timeout', async () => {
    const routing = await umview(['-m', `${passthrough},${MOUNT},root=${tree()}`, '--routing'], ['true']);
    expect(routing.stdout + routing.stderr).toMatch(new RegExp(`${MOUNT}\\s+passthrough\\s+fs`));
    const bad = await umview(['-m', `${passthrough},${MOUNT},root=${tree()},timeout=soon`], ['true']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/timeout=soon is not a positive number of milliseconds/);
  });

  it('leaves the mount through .. at its root and through an absolute symlink; EXDEV across', async () => {
    const host = tempDir('umview-vfs-out-');
    const r = await umview(['-m', `${passthrough},${MOUNT},root=${tree()}`], ['/bin/sh', '-c', [
      `cd ${MOUNT}/src && ls -d ../..${host} && cd ../.. && pwd`,
      `ln -s ${host} ${MOUNT}/out-link && echo made > ${MOUNT}/out-link/file && cat ${host}/file`,
      `ln ${MOUNT}/src/a.txt ${host}/hard`,
      `mv ${MOUNT}/src/b.txt ${host}/moved && cat ${host}/moved && test ! -e ${MOUNT}/src/b.txt && echo moved`,
    ].join('; ')]);
    expect(r.stdout).toBe(`../..${host}\n/\nmade\none\ntwo\nthree\nmoved\n`);
    expect(r.stderr).toMatch(/ln: failed to create hard link .*Invalid cross-device link/);
  });


});

describe('the real cwd while the guest cwd is in a mount', () => {
  skipEachWhen(missing.tool('python3'));
  it('is an empty directory nobody but root may change, not the host directory the program left', async () => {
    const left = tempDir('umview-vfs-left-');
    // A unix socket's relative address is resolved by the kernel from the real cwd: the monitor
    // does not see it (no path argument). Natively it lands in the program's directory.
    const script = `cd "${left}" && mkdir /mnt/d && cd /mnt/d && python3 -c '
import socket
s = socket.socket(socket.AF_UNIX)
try:
    s.bind("sock")
    print("bound")
except OSError as e:
    print("refused", e.errno)
' && ls -A "${left}" && pwd`;
    const r = await umview(['-m', 'tmpfs,/mnt'], ['/bin/sh', '-c', script]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [outcome, ...rest] = r.stdout.trim().split('\n');
    expect(outcome).toBe(process.getuid!() === 0 ? 'bound' : 'refused 13'); // root may write anywhere
    expect(rest).toEqual(['/mnt/d']); // nothing landed in the directory the program left
  });
});
