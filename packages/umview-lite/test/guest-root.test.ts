// The guest root (-r DIR, -b, -w): a root file system of this machine's own programs, laid out
// as Debian's (guest/mini-rootfs.ts), entered as the user who runs the suite. What it checks
// is what a guest sees natively: its own files, its absolute symlinks resolved inside it, its
// own loader running its programs, '..' stopping at its '/', its paths in getcwd and /proc.
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, exec, fixture, tempDir, umview } from './helpers.js';
import { GUEST_PASSWD, MARKER, newMiniRootfs, type MiniRootfs } from './guest/mini-rootfs.js';

let rootfs: MiniRootfs;
const inGuest = (script: string, extra: readonly string[] = []) => umview(['-r', rootfs.dir, '-b', '/proc', '-b', '/dev', ...extra], ['/bin/sh', '-c', script]);

beforeAll(() => {
  rootfs = newMiniRootfs();
});

describe('a guest root file system', () => {
  it("is the guest's '/': its files, not the host's", async () => {
    const r = await inGuest('cat /etc/guest-marker; ls /');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${MARKER}bin\ndev\netc\nlib\nlib64\nmnt\nproc\nroot\ntmp\nusr\n`);
  });

  it('resolves its absolute symlinks inside it, and runs a program reached through them', async () => {
    const r = await inGuest('readlink -f /usr/bin/kitty; kitty /etc/guest-marker; readlink -f /lib64/ld-linux-x86-64.so.2');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`/usr/bin/cat\n${MARKER}/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n`);
  });

  it("runs its programs with its own dynamic loader, and /proc/self/exe names the program", async () => {
    const r = await inGuest('cat /proc/self/maps; readlink /proc/self/exe');
    expect(r.stderr).toBe('');
    const loaders = [...new Set(r.stdout.split('\n').filter((l) => l.includes('ld-linux')).map((l) => l.split(/\s+/).at(-1)))];
    expect(loaders).toEqual([rootfs.loader]); // the guest's file, not the host's /lib64/ld-linux…
    expect(r.stdout.trim().split('\n').at(-1)).toBe('/usr/bin/readlink');
  });

  it("stops '..' at its '/'", async () => {
    const r = await inGuest('cat /../../etc/guest-marker; cd /../..; pwd -P; ls -d ../../usr');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${MARKER}/\n../../usr\n`);
  });

  it('names its cwd and open files with guest paths (getcwd, /proc/self/cwd, fd, root)', async () => {
    const r = await inGuest('/bin/pwd; readlink /proc/self/cwd; exec 3</etc/guest-marker; readlink /proc/self/fd/3; readlink /proc/$$/fd/3; readlink /proc/self/root; cd /usr/bin && /bin/pwd', ['-w', '/tmp']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('/tmp\n/tmp\n/etc/guest-marker\n/etc/guest-marker\n/\n/usr/bin\n');
  });

  it('runs a #! script with the interpreter it names in the guest (env, then sh)', async () => {
    const r = await inGuest('hello-script one; /usr/bin/hello-script two');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('script /usr/bin/hello-script one\nscript /usr/bin/hello-script two\n');
  });

  it('runs a program started by execveat with the argv it was given', async () => {
    copyFileSync(fixture('execveat-cat'), join(rootfs.dir, 'usr/bin/execveat-cat'));
    const r = await inGuest('execveat-cat /etc/guest-marker');
    expect(r).toMatchObject({ code: 0, stdout: MARKER, stderr: '' });
  });

  it('fails an execve whose argv it cannot read with EFAULT, as natively, and reads one across a page boundary', async () => {
    copyFileSync(fixture('exec-bad-argv'), join(rootfs.dir, 'usr/bin/exec-bad-argv'));
    const r = await inGuest('exec-bad-argv');
    expect(r).toMatchObject({ code: 0, stdout: 'bad argv: Bad address\nran with 4 args, last three\n', stderr: '' });
  });

  it('binds and connects unix sockets at guest paths, and names them so', async () => {
    copyFileSync(fixture('unix-socket'), join(rootfs.dir, 'usr/bin/unix-socket'));
    const r = await inGuest('unix-socket /tmp/server.sock');
    expect(r).toMatchObject({ code: 0, stdout: 'peer /tmp/server.sock\ngot hello\nname /tmp/server.sock\n', stderr: '' });
    expect(statSync(join(rootfs.dir, 'tmp/server.sock')).isSocket()).toBe(true); // in DIR, not the host's /tmp
  });

  it("finds the first program in the guest's PATH and starts it in -w", async () => {
    const r = await umview(['-r', rootfs.dir, '-b', '/proc', '-w', '/etc'], ['cat', 'guest-marker']);
    expect(r).toMatchObject({ code: 0, stdout: MARKER, stderr: '' });
  });

  it("shows a bind's host directory at its guest path, '..' of it being the guest's", async () => {
    const host = tempDir();
    mkdirSync(join(host, 'inner'));
    writeFileSync(join(host, 'inner', 'file'), 'from the host\n');
    mkdirSync(join(rootfs.dir, 'mnt/data')); // its mount point, as a mount needs one (readdir of /mnt shows it)
    const r = await inGuest('cat /mnt/data/inner/file; cd /mnt/data/inner; /bin/pwd; ls /mnt/data/..; readlink /proc/self/cwd', ['-b', `${host}:/mnt/data`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('from the host\n/mnt/data/inner\ndata\n/mnt/data/inner\n');
  });

  it('sees a directory renamed or removed, and a symlink put in its place, at once', async () => {
    // Each directory is walked (and remembered) first; then replaced by a symlink to /etc,
    // which must be followed in the guest: a stale walk would hand the kernel the old host path.
    const r = await inGuest([
      'mkdir -p /tmp/moved/sub /tmp/gone /tmp/tree/a', 'ls /tmp/moved/sub /tmp/gone /tmp/tree/a >/dev/null',
      'mv /tmp/moved /tmp/elsewhere && ln -s /etc /tmp/moved && cat /tmp/moved/guest-marker',
      'rmdir /tmp/gone && ln -s /etc /tmp/gone && cat /tmp/gone/guest-marker',
      'rm -r /tmp/tree && ln -s /etc /tmp/tree && cat /tmp/tree/guest-marker',
    ].join('; '));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(MARKER.repeat(3));
  });

  it('sees a symlink removed, replaced by a directory or renamed over, at once, at the stop and by the full way', async () => {
    // The resolver keeps the symlinks it walks (guest/known-paths.ts): each is walked first,
    // then changed, and must be walked anew. /tmp/sl/to-etc is absolute, so a stale host path
    // would name the host's /etc, where no guest marker is.
    const script = [
      'mkdir -p /tmp/sl/real/in && echo real > /tmp/sl/real/in/f && ln -s /tmp/sl/real /tmp/sl/link && cat /tmp/sl/link/in/f',
      'rm /tmp/sl/link && mkdir -p /tmp/sl/link/in && echo dir > /tmp/sl/link/in/f && cat /tmp/sl/link/in/f',
      'rm -r /tmp/sl/link && ln -s /etc /tmp/sl/to-etc && mv -T /tmp/sl/to-etc /tmp/sl/link && cat /tmp/sl/link/guest-marker',
      'ln -s real /tmp/sl/next && mv -T /tmp/sl/next /tmp/sl/link && cat /tmp/sl/link/in/f',
      'ln -sfn /etc /tmp/sl/link && cat /tmp/sl/link/guest-marker',
      'cd /tmp/sl/link && mv /tmp/sl/real /tmp/sl/moved 2>/dev/null; cat /tmp/sl/moved/in/f; cat /tmp/sl/real/in/f 2>/dev/null || echo gone',
    ].join('; ');
    const expected = `real\ndir\n${MARKER}real\n${MARKER}real\ngone\n`;
    for (const extra of [[], ['--no-let-through']]) {
      const r = await inGuest(`rm -rf /tmp/sl; ${script}`, extra);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(expected);
    }
  });

  it('fails a symlink loop with ELOOP, as natively', async () => {
    const r = await inGuest('cat /tmp/loop-a');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Too many levels of symbolic links/);
  });

  it('resolves most path calls at their stop (guest/at-stop.ts), with the answers of the full way', async () => {
    // Absolute paths through the guest's absolute symlinks, relative ones from a cwd and from a
    // directory fd (ls -l: getxattr on each entry), a name beyond ASCII, a /proc link's readlink
    // and a recursive rm (the full way's: their answers or what they change need its return).
    const script = [
      'cd /usr/bin && cat ../../etc/guest-marker && readlink ../../lib64/ld-linux-x86-64.so.2',
      'cat /lib64/../../etc/guest-marker; readlink /proc/self/exe; ls -l /usr/bin/kitty >/dev/null && stat -c %A /usr/bin/kitty',
      'mkdir -p /tmp/at-stop/d && cd /tmp/at-stop && echo é > d/é && cat d/é && ls -l d >/dev/null && stat -c %A d/é',
      'cd / && rm -r /tmp/at-stop && ls /tmp/at-stop',
    ].join('; ');
    const stats = /rewritten at the stop\s+(\d+)/;
    const atStop = await inGuest(script, ['--stats']);
    const fullWay = await inGuest(script, ['--stats', '--no-let-through']);
    expect(atStop.stdout).toBe(`${MARKER}/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n${MARKER}/usr/bin/readlink\nlrwxrwxrwx\né\n-rw-r--r--\n`);
    expect(atStop.stdout).toBe(fullWay.stdout);
    expect(atStop.stderr.replace(/umview-lite stats:[^]*/, '')).toBe(fullWay.stderr.replace(/umview-lite stats:[^]*/, ''));
    expect(Number(stats.exec(fullWay.stderr)?.[1])).toBe(0);
    expect(Number(stats.exec(atStop.stderr)?.[1])).toBeGreaterThan(20);
  });
});

describe("PRoot's other options", () => {
  it("-R binds what a system needs from the host, but never the host's /etc/passwd", async () => {
    const r = await umview(['-R', rootfs.dir], ['/bin/sh', '-c', 'readlink /proc/self/exe; ls -d /dev/null /sys/kernel; cat /etc/passwd']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`/usr/bin/readlink\n/dev/null\n/sys/kernel\n${GUEST_PASSWD}`);
  });

  it('-S is fake root with the binds of package management', async () => {
    const r = await umview(['-S', rootfs.dir], ['/bin/sh', '-c', 'id -u; ls -d /proc/self/fd; cat /etc/passwd']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`0\n/proc/self/fd\n${GUEST_PASSWD}`);
  });

  it('-k sets the release uname reports, and nothing else', async () => {
    const native = await exec('uname', ['-s', '-n', '-v', '-m']);
    const r = await inGuest('uname -r; uname -s -n -v -m', ['-k', '6.1.0-guest']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`6.1.0-guest\n${native.stdout}`);
  });

  it('--kill-on-exit: what the command left running is killed when it exits', async () => {
    const r = await inGuest('sleep 1000 & echo $!', ['--kill-on-exit']);
    expect(r.code).toBe(0);
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    // The monitor returned after its death: gone, or a zombie its new parent (init) has not
    // reaped yet.
    expect(processState(pid)).toMatch(/^(gone|Z)$/);
  });
});

describe('a guest root, bad input', () => {
  it('a rootfs that is missing, or not a directory: exit 2 and why', async () => {
    const missing = await exec(process.execPath, [cli, '-r', '/no/such/rootfs', '--', 'true']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/guest root file system \/no\/such\/rootfs does not exist/);
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    const notDir = await exec(process.execPath, [cli, '-r', file, '--', 'true']);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toMatch(/is not a directory/);
    const bind = await exec(process.execPath, [cli, '-r', rootfs.dir, '-b', '/no/such/dir:/x', '--', 'true']);
    expect(bind.code).toBe(2);
    expect(bind.stderr).toMatch(/bind '\/no\/such\/dir:\/x': \/no\/such\/dir does not exist/);
  });

  it('a program built for another machine: ENOEXEC, and a message naming its architecture', async () => {
    // An ELF header for AArch64 (e_machine 183), executable.
    const header = Buffer.alloc(64);
    header.writeUInt32BE(0x7f454c46, 0);
    header[4] = 2; // 64-bit
    header[5] = 1; // little-endian
    header[6] = 1;
    header.writeUInt16LE(2, 16); // ET_EXEC
    header.writeUInt16LE(183, 18);
    writeFileSync(join(rootfs.dir, 'usr/bin/foreign'), header, { mode: 0o755 });
    const first = await umview(['-r', rootfs.dir], ['/usr/bin/foreign']);
    expect(first.code).toBe(126);
    expect(first.stderr).toMatch(/\/usr\/bin\/foreign: an ELF program for AArch64, not x86-64/);
    const inside = await inGuest('exec /usr/bin/foreign');
    expect(inside.code).not.toBe(0);
    expect(inside.stderr).toMatch(/\/usr\/bin\/foreign: an ELF program for AArch64/);
    expect(inside.stderr).toMatch(/Exec format error/);
  });

  it('a program not in the guest: 127, named', async () => {
    const r = await umview(['-r', rootfs.dir], ['no-such-program']);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/no-such-program: not found in the guest/);
  });

  it('a path module beside it is refused: binds are -b', async () => {
    const r = await exec(process.execPath, [cli, '-r', rootfs.dir, '-m', 'unreal', '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a guest root \(-r\) serves every path/);
  });
});

/** A process's state letter from /proc, or 'gone'. */
function processState(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]!;
  } catch {
    return 'gone';
  }
}
