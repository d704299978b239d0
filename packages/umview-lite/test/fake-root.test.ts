// Fake root (-0): the tree sees itself as root, and the host's files and permissions stay the
// user's. Checked in the rootfs of this machine's programs (guest/mini-rootfs.ts) and, where
// CI provides one, in a real Debian root file system (debian-rootfs.test.ts).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { umview } from './helpers.js';
import { newMiniRootfs, type MiniRootfs } from './guest/mini-rootfs.js';

let rootfs: MiniRootfs;
const asFakeRoot = (script: string) => umview(['-0', '-r', rootfs.dir, '-b', '/proc', '-b', '/dev'], ['/bin/sh', '-c', script]);

beforeAll(() => {
  rootfs = newMiniRootfs();
});

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

  it('without it, the ids are the real ones', async () => {
    const r = await umview(['-r', rootfs.dir], ['/bin/sh', '-c', 'id -u']);
    expect(r.stdout).toBe(`${process.getuid!()}\n`);
  });
});
