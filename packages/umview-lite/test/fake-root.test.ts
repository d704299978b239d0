// Fake root (-0): the tree sees itself as root, and the host's files and permissions stay the
// user's. Checked in the rootfs of this machine's programs (guest/mini-rootfs.ts) and, where
// CI provides one, in a real Debian root file system (debian-rootfs.test.ts).
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempDir, umview } from './helpers.js';
import { newMiniRootfs, type MiniRootfs } from './guest/mini-rootfs.js';

let rootfs: MiniRootfs;
const asFakeRoot = (script: string) => umview(['-0', '-r', rootfs.dir, '-b', '/proc', '-b', '/dev'], ['/bin/sh', '-c', script]);

beforeAll(() => {
  rootfs = newMiniRootfs();
});

/** Where -0 keeps its store for `-r DIR` (the documented default). */
const storeFile = () => join(dirname(rootfs.dir), `.${basename(rootfs.dir)}.umview-meta`);
const storeEntries = () => (existsSync(storeFile()) ? (JSON.parse(readFileSync(storeFile(), 'utf8')) as { entries: Record<string, unknown> }).entries : {});

describe('fake root (-0)', () => {
  it('the ids say root (getuid, getgid, getgroups)', async () => {
    const r = await asFakeRoot('id -u; id -g; id -G');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0\n0\n0\n');
  });

  it("files the user owns show as root's; chown succeeds and leaves the host's file as it was", async () => {
    const r = await asFakeRoot('touch /tmp/made; stat -c %u:%g /tmp/made; chown 5:7 /tmp/made; echo chown $?; chown 1:1 /tmp/no-such-file; echo missing $?');
    expect(r.stdout).toBe('0:0\nchown 0\nmissing 1\n');
    expect(r.stderr).toMatch(/no-such-file.*No such file or directory/);
    const host = statSync(join(rootfs.dir, 'tmp/made'));
    expect([host.uid, host.gid]).toEqual([process.getuid!(), process.getgid!()]);
  });

  it('remembers a chown across calls and runs, through hard links, and forgets it with the last link', async () => {
    const before = storeEntries();
    const first = await asFakeRoot('touch /tmp/owned; chown 12:34 /tmp/owned; stat -c %u:%g /tmp/owned; ln /tmp/owned /tmp/link');
    expect(first).toMatchObject({ stdout: '12:34\n', stderr: '' });
    const host = statSync(join(rootfs.dir, 'tmp/owned'));
    expect([host.uid, host.gid]).toEqual([process.getuid!(), process.getgid!()]); // the host's file is the user's
    const second = await asFakeRoot('stat -c %u:%g /tmp/owned; rm /tmp/owned; stat -c %u:%g /tmp/link; rm /tmp/link');
    expect(second).toMatchObject({ stdout: '12:34\n12:34\n', stderr: '' });
    expect(storeEntries()).toEqual(before); // the last link gone, its inode number free for another file
  });

  it('mknod of a device: an empty file on the host, a device in the guest, across runs', async () => {
    const made = await asFakeRoot('mknod /tmp/tty0 c 4 5 && stat -c "%F %t:%T %u" /tmp/tty0');
    expect(made).toMatchObject({ stdout: 'character special file 4:5 0\n', stderr: '' });
    const host = statSync(join(rootfs.dir, 'tmp/tty0'));
    expect(host.isFile() && host.size === 0).toBe(true);
    const again = await asFakeRoot('stat -c "%F %t:%T" /tmp/tty0; rm /tmp/tty0');
    expect(again.stdout).toBe('character special file 4:5\n');
  });

  it('keeps the store beside the rootfs, outside the guest, its own user\'s', async () => {
    await asFakeRoot('touch /tmp/x; chown 7 /tmp/x');
    const store = statSync(storeFile());
    expect(store.mode & 0o777).toBe(0o600);
    expect(store.uid).toBe(process.getuid!());
    await asFakeRoot('rm /tmp/x');
  });

  it('two monitors on one rootfs at once: neither loses the other\'s changes', async () => {
    const script = (who: string) => `for i in 1 2 3 4 5 6 7 8; do touch /tmp/${who}$i; chown $i:$i /tmp/${who}$i; done`;
    await Promise.all([asFakeRoot(script('a')), asFakeRoot(script('b'))]);
    const r = await asFakeRoot('stat -c %u /tmp/a* /tmp/b*; rm /tmp/a* /tmp/b*');
    expect(r).toMatchObject({ stdout: '1\n2\n3\n4\n5\n6\n7\n8\n'.repeat(2), stderr: '' });
  });

  it("chmod: root's mode shown and remembered, the user's own access to the host's file kept", async () => {
    const first = await asFakeRoot('touch /tmp/locked; chmod 000 /tmp/locked; stat -c %a /tmp/locked; cat /tmp/locked && echo readable; mkdir /tmp/shut; chmod 0 /tmp/shut; ls /tmp/shut && echo listable');
    expect(first).toMatchObject({ stdout: '0\nreadable\nlistable\n', stderr: '' });
    expect(statSync(join(rootfs.dir, 'tmp/locked')).mode & 0o777).toBe(0o600); // on the host: the user's read and write
    const again = await asFakeRoot('stat -c %a /tmp/locked /tmp/shut; chmod 4755 /tmp/locked; stat -c %a /tmp/locked; rm -r /tmp/locked /tmp/shut');
    expect(again).toMatchObject({ stdout: '0\n0\n4755\n', stderr: '' });
  });

  it("chmod of another user's file succeeds, remembered, the host's file unchanged", async (ctx) => {
    if (process.getuid!() === 0) ctx.skip('needs a file of another user: root may chmod every file for real');
    const r = await umview(['-0', '-r', rootfs.dir, '-b', `/etc/hostname:/mnt/hostname`], ['/bin/sh', '-c', 'chmod 600 /mnt/hostname && stat -c %a /mnt/hostname']);
    expect(r).toMatchObject({ stdout: '600\n', stderr: '' });
    expect(statSync('/etc/hostname').mode & 0o777).not.toBe(0o600);
  });

  it('a store that is corrupt, or written by a newer version: exit 2 and why, the store left as it was', async () => {
    const file = join(tempDir(), 'meta');
    for (const [text, message] of [['{"format": "umview-lite fake-root metadata", "ver', /unreadable/], [JSON.stringify({ format: 'umview-lite fake-root metadata', version: 99, entries: {} }), /written by a newer umview-lite \(format version 99/]] as const) {
      writeFileSync(file, text);
      const r = await umview(['-0', '--meta', file, '-r', rootfs.dir], ['/bin/sh', '-c', 'touch /tmp/y; chown 1 /tmp/y']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it("answers the stat calls of paths at their stop (guest/at-stop.ts), as the full way does: ownership, modes and devices remembered, links followed or not", async () => {
    const script = [
      'touch /tmp/s-file; chown 21:43 /tmp/s-file; chmod 4751 /tmp/s-file; mknod /tmp/s-dev c 4 5; ln -s /tmp/s-file /tmp/s-link',
      'stat -c "%u:%g %a %F" /tmp/s-file /tmp/s-dev; stat -c "%t:%T" /tmp/s-dev; stat -c %F /tmp/s-link; stat -L -c %u:%g /tmp/s-link',
      'ls -ln /tmp/s-file | { read mode links owner group rest; echo "$mode $owner $group"; }; stat /no/such 2>/dev/null; echo missing $?',
      'stat -c %u:%g - < /tmp/s-file', // an fd's: statx(0, "", AT_EMPTY_PATH)
      'rm /tmp/s-file /tmp/s-dev /tmp/s-link',
    ].join('; ');
    const stats = /rewritten at the stop\s+(\d+)/;
    const atStop = await umview(['-0', '-r', rootfs.dir, '-b', '/proc', '-b', '/dev', '--stats'], ['/bin/sh', '-c', script]);
    const fullWay = await umview(['-0', '-r', rootfs.dir, '-b', '/proc', '-b', '/dev', '--stats', '--no-let-through'], ['/bin/sh', '-c', script]);
    expect(atStop.stdout).toBe('21:43 4751 regular empty file\n0:0 644 character special file\n4:5\nsymbolic link\n21:43\n-rwsr-x--x 21 43\nmissing 1\n21:43\n');
    expect(atStop.stdout).toBe(fullWay.stdout);
    expect(Number(stats.exec(fullWay.stderr)?.[1])).toBe(0);
    expect(Number(stats.exec(atStop.stderr)?.[1])).toBeGreaterThan(10);
  });

  it('makes chown and chmod at their stop, an fd\'s too, as the full way does: ids and modes remembered, links followed or not', async () => {
    copyFileSync(fixture('fake-root-fds'), join(rootfs.dir, 'usr/bin/fake-root-fds'));
    const args = ['-0', '-r', rootfs.dir, '-b', '/proc', '-b', '/dev', '--stats'];
    const atStop = await umview(args, ['/usr/bin/fake-root-fds']);
    const fullWay = await umview([...args, '--no-let-through'], ['/usr/bin/fake-root-fds']);
    expect(atStop.stdout).toBe([
      'fchown 0', 'fchmod 0', 'fstat 12:34 640', 'stat 12:34 640', 'fchmod 0 0', 'fstat 12:34 0', 'fchown -1 0', 'fstat 12:56 0',
      'chown link 0', 'lchown link 0', 'lstat link 9:10', 'stat link 7:8 0', 'fchmodat link 0', 'stat 7:8 751',
      'chown missing -1 No such file or directory', 'fchmod -1 -1 Bad file descriptor', '',
    ].join('\n'));
    expect(atStop.stdout).toBe(fullWay.stdout);
    // At the stop: no exit stop for them (the full way takes one per chown).
    const exitStops = (r: { stderr: string }) => Number(/exit stops\s+(\d+)/.exec(r.stderr)?.[1]);
    expect(exitStops(atStop)).toBeLessThan(exitStops(fullWay));
  });

  it('without it, the ids are the real ones', async () => {
    const r = await umview(['-r', rootfs.dir], ['/bin/sh', '-c', 'id -u']);
    expect(r.stdout).toBe(`${process.getuid!()}\n`);
  });
});
