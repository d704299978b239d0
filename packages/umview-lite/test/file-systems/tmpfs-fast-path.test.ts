// The tmpfs module's files on the fast data path, end to end: real programs under
// `umview-lite -m tmpfs,MOUNT` read and write the files' backing files in the kernel (the
// monitor hands them real fds), and what they see must be what they see on a real tmpfs
// (/dev/shm), and what they see with --data-path=stop (a stop per read and write): contents,
// sizes after appends and truncates, stat beside a fast fd, mmap, fork, hard links, copies.
// The size limit's gap on the fast path (a write in the kernel is not refused) is checked as
// the README says it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileC } from '@umview/test-fixtures';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { exec, tempDir, umview } from '../helpers.js';

const MOUNT = '/umview-fast-mnt';
const TMPFS_MAGIC = 0x01021994;
const O_TMPFILE = 0o20200000;

const env = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  LC_ALL: 'C',
  TZ: 'UTC',
  ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
});

/** Why the native side or the backing files cannot be had here. */
function missing(): string | undefined {
  try {
    if (statfsSync('/dev/shm').type !== TMPFS_MAGIC) return '/dev/shm is not a tmpfs (the native runs need one)';
  } catch {
    return 'no /dev/shm (the native runs need a tmpfs)';
  }
  const probe = spawnSync(process.execPath, ['-e', `require('fs').openSync(require('os').tmpdir(), ${O_TMPFILE} | 2, 0o600)`], { encoding: 'utf8', env: env() });
  return probe.status === 0 ? undefined : `O_TMPFILE in the monitor's os.tmpdir() fails (no backing files: ${probe.stderr.split('\n').find((l) => l.includes('Error')) ?? 'error'})`;
}

const shmDirs: string[] = [];
afterAll(() => {
  for (const dir of shmDirs) rmSync(dir, { recursive: true, force: true });
});

function shmDir(): string {
  const dir = mkdtempSync('/dev/shm/umview-fast-native-');
  shmDirs.push(dir);
  return dir;
}

/** `command` with MOUNT's place in its arguments given by `at(dir)`, natively on /dev/shm and
 * under the monitor with each data path; the outputs. */
async function runs(at: (dir: string) => string[], extraArgs: string[] = []): Promise<{ native: string; kernel: string; stop: string; kernelStats: string; stopStats: string }> {
  const native = await exec(at(shmDir())[0]!, at(shmDir()).slice(1), { env: env() });
  expect(native.stderr).toBe('');
  expect(native.code).toBe(0);
  const monitored = async (dataPath: string) => {
    const r = await umview(['-m', `tmpfs,${MOUNT}`, `--data-path=${dataPath}`, '--stats', ...extraArgs], at(MOUNT), { env: env() });
    expect(`${dataPath}: ${r.code}`).toBe(`${dataPath}: 0`);
    return r;
  };
  const kernel = await monitored('kernel');
  const stop = await monitored('stop');
  return { native: native.stdout, kernel: kernel.stdout, stop: stop.stdout, kernelStats: kernel.stderr, stopStats: stop.stderr };
}

const fastOpens = (stats: string): number => Number(/data path: fast opens\s+(\d+)/.exec(stats)?.[1] ?? NaN);

describe('tmpfs files on the kernel data path', () => {
  skipEachWhen(missing());

  it('dd, cat, cp, appends and truncate: the same bytes and sizes as on a real tmpfs and with a stop per call', async () => {
    const host = tempDir('umview-fast-src-');
    spawnSync('sh', ['-c', `head -c 3000000 /dev/urandom > ${host}/src`]);
    const script = (dir: string): string[] => ['/bin/sh', '-c', `
      set -e
      cd ${dir}
      dd if=${host}/src of=f bs=4k status=none
      stat -c '%s %b' f
      cmp ${host}/src f && echo same
      echo appended >> f
      stat -c '%s' f
      tail -c 9 f
      dd if=f bs=4k status=none | md5sum
      cat f | md5sum
      md5sum < f
      dd if=f of=g bs=64k status=none
      cp f h
      cmp f g && cmp f h && echo copies
      printf 'xyz' | dd of=f bs=1 seek=1000 conv=notrunc status=none
      head -c 1003 f | tail -c 3; echo
      truncate -s 100 f
      stat -c '%s %b' f
      wc -c < f
      : > g
      stat -c '%s %b' g
      ls -l --time-style=+ . | tail -n +2 | sed 's/  */ /g'
    `];
    const { native, kernel, stop, kernelStats, stopStats } = await runs(script);
    expect(native).toContain('same\n');
    expect(native).toContain('copies\n');
    expect(kernel).toBe(native);
    expect(stop).toBe(native);
    // The data went through fast fds (dd, cat, cp, the appends...), and with a stop per call
    // through none.
    expect(fastOpens(kernelStats)).toBeGreaterThanOrEqual(8);
    expect(fastOpens(stopStats)).toBe(0);
  });

  it('a C program: fstat and stat beside a fast fd, pread, O_APPEND, ftruncate, MAP_SHARED, fork, hard links, unlink, copy_file_range, sendfile', async () => {
    const program = compileC(fileURLToPath(new URL('../fixtures/file-coherence.c', import.meta.url)), { flags: ['-O1'], name: 'file-coherence' });
    const { native, kernel, kernelStats } = await runs((dir) => [program, dir]);
    expect(native).toContain("reader sees the mapping: 6 bytes 'mapped'");
    expect(kernel).toBe(native);
    expect(fastOpens(kernelStats)).toBeGreaterThanOrEqual(5);
    // With a stop per call, a mapping is the monitor's copy of the file: the MAP_SHARED step
    // is left out there.
    const nativeNoMap = await exec(program, [shmDir(), 'no-shared-map'], { env: env() });
    const stop = await umview(['-m', `tmpfs,${MOUNT}`, '--data-path=stop'], [program, MOUNT, 'no-shared-map'], { env: env() });
    expect(stop.stdout).toBe(nativeNoMap.stdout);
  });

  it('size=: writes in the kernel are not refused; then the mount is full, a new writer gets ENOSPC, and rm gives the space back', async () => {
    // bash: dash's echo says "I/O error" whatever the errno.
    const r = await umview(['-m', `tmpfs,${MOUNT},size=1M`], ['/bin/bash', '-c', `
      cd ${MOUNT}
      dd if=/dev/zero of=big bs=4k count=1000 status=none && echo dd ok
      stat -c '%s %b' big
      stat -f -c 'free %f' .
      echo x > new || echo refused
      rm big
      stat -f -c 'free %f' .
      echo x > new && echo fits
      cat new
    `], { env: env() });
    expect(r.stdout).toBe(['dd ok', '4096000 8000', 'free 0', 'refused', 'free 256', 'fits', 'x', ''].join('\n'));
    expect(r.stderr).toMatch(/No space left on device/);
  });
});
