// A real distribution inside, as an unprivileged user would use it: a Debian bookworm minbase
// root file system (a tarball built by .ci/debian-rootfs, as root, once), unpacked by the user
// who runs the suite, entered with fake root. The jobs PRoot is used for: who am I, whose are
// the files, a package installed with dpkg and with apt-get, a user added and switched to.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { exec, tempDir, umview } from './helpers.js';

const tarball = process.env.UMVIEW_TEST_DEBIAN_ROOTFS;
const debs = process.env.UMVIEW_TEST_DEBS;
const proot = findProot();

describe('a Debian root file system, as fake root', () => {
  skipEachWhen(tarball === undefined || debs === undefined ? 'no Debian rootfs: UMVIEW_TEST_DEBIAN_ROOTFS and UMVIEW_TEST_DEBS are unset (.ci/debian-rootfs builds them, as root)' : undefined);
  let rootfs = '';
  const inDebian = (script: string) => umview(['-0', '-r', rootfs, '-b', '/proc', '-b', '/dev', '-b', `${debs}:/debs`], ['/bin/sh', '-c', script]);

  beforeAll(() => {
    if (tarball === undefined) return;
    rootfs = join(tempDir('umview-debian-'), 'rootfs');
    mkdirSync(rootfs);
    // As a user unpacks a rootfs tarball: owned by that user, device nodes left out.
    execFileSync('tar', ['-xf', tarball, '-C', rootfs, '--no-same-owner', '--no-same-permissions', '--exclude=./dev/*']);
  });

  it("id says root; the files are root's; /bin/sh is dash", async () => {
    const r = await inDebian('id; stat -c %U:%G /usr/bin/* | sort -u; readlink -f /bin/sh');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('uid=0(root) gid=0(root) groups=0(root)\nroot:root\n/usr/bin/dash\n');
  });

  it('dpkg -i installs a real package: its files land, root-owned in the guest, and it runs', async () => {
    const r = await inDebian('dpkg -i /debs/hello_*.deb >/dev/null && hello && stat -c %U /usr/bin/hello && dpkg-query -W -f "\\${Status}\\n" hello');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Hello, world!\nroot\ninstall ok installed\n');
    expect(statSync(join(rootfs, 'usr/bin/hello')).uid).toBe(process.getuid!()); // on the host: the user's
  });

  it('apt-get install of a local package (apt drops to _apt and back)', async () => {
    const r = await inDebian('dpkg -r hello >/dev/null 2>&1; apt-get install -y -q /debs/hello_*.deb >/dev/null && hello');
    expect(r.stdout).toBe('Hello, world!\n');
    expect(r.code).toBe(0);
  });

  it('useradd, then su to that user and back', async () => {
    const r = await inDebian('useradd -m alice && su alice -c "id -un; echo \\$HOME" && id -un && ls -d /home/alice');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('alice\n/home/alice\nroot\n/home/alice\n');
    // The host's /etc/passwd is not the guest's: the user was added inside only.
    expect(readFileSync(join(rootfs, 'etc/passwd'), 'utf8')).toMatch(/^alice:x:1000:1000:/m);
    expect(readFileSync('/etc/passwd', 'utf8')).not.toMatch(/^alice:/m);
  });

  it('compiles and runs a C program inside, with the guest\'s compiler', async (ctx) => {
    if (!existsSync(join(rootfs, 'usr/bin/cc'))) ctx.skip('this rootfs has no C compiler (/usr/bin/cc)');
    const r = await inDebian('printf "#include <stdio.h>\\nint main(void) { puts(\\"compiled inside\\"); return 0; }\\n" >/tmp/c.c && cc -o /tmp/c /tmp/c.c && /tmp/c');
    expect(r).toMatchObject({ code: 0, stdout: 'compiled inside\n', stderr: '' });
  });

  it('runs a #!/usr/bin/env python3 script with the guest\'s Python', async (ctx) => {
    if (!existsSync(join(rootfs, 'usr/bin/python3'))) ctx.skip('this rootfs has no Python (/usr/bin/python3)');
    writeFileSync(join(rootfs, 'tmp/hello.py'), '#!/usr/bin/env python3\nimport sys\nprint("python", sys.version_info[0], sys.executable)\n', { mode: 0o755 });
    const r = await inDebian('/tmp/hello.py');
    expect(r).toMatchObject({ code: 0, stdout: 'python 3 /usr/bin/python3\n', stderr: '' });
  });

  it("useradd -m gives the new home to its user, remembered (PRoot shows it root's)", async () => {
    const r = await inDebian('useradd -m bob && stat -c %U:%G /home/bob /home/bob/.profile');
    expect(r).toMatchObject({ stdout: 'bob:bob\nbob:bob\n', stderr: '' });
  });
});

describe("the same jobs under Debian's PRoot (proot -S), each on a fresh copy", () => {
  skipEachWhen(
    tarball === undefined || debs === undefined ? 'no Debian rootfs: UMVIEW_TEST_DEBIAN_ROOTFS and UMVIEW_TEST_DEBS are unset (.ci/debian-rootfs builds them, as root)'
      : proot === undefined ? 'no proot on this machine (Debian package proot; .ci/run installs it)' : undefined,
  );
  // Jobs without stat: Debian's proot 5.1 has no statx (`stat` and `ls -l` fail under it).
  const JOBS = [
    'id',
    'readlink -f /bin/sh',
    'dpkg -i /debs/hello_*.deb >/dev/null && hello && dpkg-query -W -f "\\${Status}\\n" hello',
    'useradd -M carol && su carol -c "id -un" && id -un',
  ].join('; ');
  /** The one difference: PRoot's id also lists the groups of the user who runs it (the
   * kernel's own supplementary groups); umview-lite's fake root has only root's. */
  const withoutHostGroups = (text: string) => text.replace(/^(uid=0\(root\) gid=0\(root\) groups=0\(root\))(,\d+(\([^)]*\))?)+$/m, '$1');

  it('give the same output', async () => {
    const copy = (): string => {
      const dir = join(tempDir('umview-debian-'), 'rootfs');
      mkdirSync(dir);
      execFileSync('tar', ['-xf', tarball!, '-C', dir, '--no-same-owner', '--no-same-permissions', '--exclude=./dev/*']);
      return dir;
    };
    const ours = await umview(['-S', copy(), '-b', `${debs}:/debs`], ['/bin/sh', '-c', JOBS]);
    const theirs = await exec(proot!, ['-S', copy(), '-w', '/', '-b', `${debs}:/debs`, '/bin/sh', '-c', JOBS]);
    expect(ours.stdout).toBe('uid=0(root) gid=0(root) groups=0(root)\n/usr/bin/dash\nHello, world!\ninstall ok installed\ncarol\nroot\n');
    expect(withoutHostGroups(theirs.stdout)).toBe(ours.stdout);
  });
});

/** Debian's proot, when this machine has it. */
function findProot(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v proot'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
