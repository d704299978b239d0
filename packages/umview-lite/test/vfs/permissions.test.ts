// Permission rules the dispatcher and the built-in file systems apply for an unprivileged
// caller (uid 999, made by setpriv inside the traced tree), compared with the same steps on a
// host directory: utimens's two rules (both times to now: the owner, or write permission;
// any other times: the owner only, EPERM) and a mode-000 directory (ls and cd refused; a walk
// through it, `ls shut/.`, is not refused yet: walk.ts checks no search permission).
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { exec, tempDir, umview } from '../helpers.js';

const MOUNT = '/vfs-permissions';

function devNullShut(): string | undefined {
  const mode = statSync('/dev/null').mode & 0o777;
  return (mode & 0o006) === 0o006 ? undefined : `/dev/null is mode ${mode.toString(8)} here: another user cannot open it, which the monitor's placeholder fds need`;
}

/** A directory everyone may enter (the temporary ones are 0700). */
function directory(): string {
  const base = tempDir('umview-vfs-perm-');
  chmodSync(base, 0o755);
  const dir = join(base, 'd');
  mkdirSync(dir);
  return dir;
}

/** Made as root in $1, then run as uid 999: each step's status, stderr kept. */
const SCRIPT = `cd "$1" && touch w r && chmod 666 w && chmod 644 r && mkdir shut && chmod 000 shut && chmod 777 . &&
exec setpriv --reuid=999 --regid=999 --clear-groups sh -c '
  for step in "touch w" "touch -d @1000 w" "touch -a w" "touch -m w" "touch r" "touch -d @1000 r" "touch -d now w" "ls shut" "cd shut"; do
    $step; echo "$step: $?"
  done
  python3 -c "import os, time; t = time.time(); os.utime(\\"w\\", (t, t))" 2>/dev/null; echo "utime w (the time now, given): $?"
  stat -c "%n %X %Y" w | grep -c " 1000 " || true'`;

const env = { PATH: process.env.PATH, LC_ALL: 'C' };

describe('as uid 999 on a mount', () => {
  skipEachWhen(missing.root() ?? missing.tool('setpriv') ?? missing.tool('python3') ?? devNullShut());

  // Not the passthrough: it serves the host as the monitor's user and leaves permissions to
  // the kernel's checks on that user (the unreal module runs as root).
  it.each(['tmpfs', 'overlay'])('utimens to now needs write permission, other times ownership; a 000 directory is shut (%s)', async (kind) => {
    const nat = directory();
    const native = await exec('/bin/sh', ['-c', SCRIPT, 'sh', nat], { env });
    expect(native.stdout).toContain('touch w: 0\ntouch -d @1000 w: 1\ntouch -a w: 1');
    expect(native.stdout).toContain('cd shut: 2');
    expect(native.stdout).toContain('utime w (the time now, given): 1');
    let where = MOUNT;
    let module: string;
    if (kind === 'tmpfs') module = `tmpfs,${MOUNT}`;
    else {
      where = directory();
      const upper = tempDir('umview-vfs-perm-upper-');
      module = `overlay,${where},upper=${upper}/upper`;
    }
    const r = await umview(['-m', module], ['/bin/sh', '-c', SCRIPT, 'sh', where], { env });
    expect(r.stdout).toBe(native.stdout);
    expect(r.stderr.split(where).join(nat)).toBe(native.stderr);
  });
});
