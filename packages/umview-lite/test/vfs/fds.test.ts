// The fd semantics the monitor keeps for served files (fixtures/vfs-fds.c: offsets shared
// after fork and dup, pread, O_APPEND, O_CLOEXEC across exec, getdents64 with a tiny buffer,
// AT_EMPTY_PATH, flock and fcntl locks between two processes, the second waiting in a held
// call), compared with a native run; the same with a module that answers with promises; and
// what a module's bug or silence costs: EIO for that call, the program goes on.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exec, fixture, tempDir, umview } from '../helpers.js';

const passthrough = fileURLToPath(new URL('./passthrough-fs.mjs', import.meta.url));
const MOUNT = '/vfs-fds';
const program = fixture('vfs-fds');

function directory(): string {
  const dir = join(tempDir('umview-vfs-fds-'), 'd');
  mkdirSync(dir);
  return dir;
}

const served = (options: string, command: string[]) => umview(['-m', `${passthrough},${MOUNT},root=${directory()}${options}`], command);

describe('fds on a file-system module', () => {
  it('behave as natively: offsets, dup, fork, exec, directories, locks', async () => {
    const native = await exec(program, [directory()]);
    expect(native.code).toBe(0);
    expect(native.stdout).toContain('parent releases the flock\nchild flock LOCK_EX (waited) = 0');
    const monitored = await served('', [program, MOUNT]);
    expect(monitored.stderr).toBe('');
    expect(monitored.stdout).toBe(native.stdout);
    expect(monitored.code).toBe(0);
  });

  it.each(['syscall', 'seccomp-all'])('behave as natively with --trace=%s', async (trace) => {
    const native = await exec(program, [directory()]);
    const monitored = await umview([`--trace=${trace}`, '-m', `${passthrough},${MOUNT},root=${directory()}`], [program, MOUNT]);
    expect(monitored.stderr).toBe('');
    expect(monitored.stdout).toBe(native.stdout);
  });

  it.each([
    ['the kernel data path (backing files)', ',backing'],
    ['the kernel data path, operations answered with promises', ',backing,async'],
  ])('behave as natively with %s', async (_name, options) => {
    const native = await exec(program, [directory()]);
    const monitored = await umview(['--stats', '-m', `${passthrough},${MOUNT},root=${directory()}${options}`], [program, MOUNT]);
    expect(monitored.stdout).toBe(native.stdout);
    expect(monitored.stderr).toMatch(/data path: fast opens\s+[1-9]/);
    expect(monitored.code).toBe(0);
  });

  it('behave as natively when every operation answers with a promise (held calls, two processes)', async () => {
    const native = await exec(program, [directory()]);
    const monitored = await served(',async', [program, MOUNT]);
    expect(monitored.stderr).toBe('');
    expect(monitored.stdout).toBe(native.stdout);
  });

  it('copy_file_range, sendfile and splice between served files, real files and pipes', async () => {
    const host = tempDir('umview-vfs-copy-');
    execFileSync('sh', ['-c', `head -c 300000 /dev/urandom > ${host}/src`]);
    const script = [
      `cp ${host}/src ${MOUNT}/a`, // real -> served: copy_file_range
      `cp ${MOUNT}/a ${MOUNT}/b`, // served -> served
      `cp ${MOUNT}/b ${host}/c`, // served -> real
      `cat ${MOUNT}/b | cat > ${host}/d`, // served -> pipe
      `cat ${host}/src | cat > ${MOUNT}/e && cp ${MOUNT}/e ${host}/e`, // pipe -> served
    ].join(' && ');
    for (const options of ['', ',backing']) {
      const r = await served(options, ['/bin/sh', '-c', script]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      for (const name of ['c', 'd', 'e']) execFileSync('cmp', [`${host}/src`, `${host}/${name}`]);
    }
  });

  it('a FIFO made by mknod is a real FIFO: a writer and a reader meet there', async () => {
    const r = await served('', ['/bin/sh', '-c', `mkfifo ${MOUNT}/p && stat -c %F ${MOUNT}/p && { echo through the fifo > ${MOUNT}/p & } && cat ${MOUNT}/p && wait`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('fifo\nthrough the fifo\n');
  });

  it('a module that throws fails that call with EIO, logged with its name; the program goes on', async () => {
    const r = await served(',throw=read', ['/bin/sh', '-c', `echo text > ${MOUNT}/f; cat ${MOUNT}/f; echo "cat: $?"; ls ${MOUNT}`]);
    expect(r.stdout).toBe('cat: 1\nf\n');
    expect(r.stderr).toMatch(/umview-lite: module passthrough: Error: passthrough-fs: read broke on purpose/);
    expect(r.stderr).toMatch(/cat: \/vfs-fds\/f: Input\/output error/);
  });

  it('an operation that never answers fails with EIO after the timeout the mount sets', async () => {
    const r = await served(',hang=getattr,timeout=200', ['/bin/sh', '-c', `stat ${MOUNT}/f; echo "stat: $?"`]);
    expect(r.stdout).toBe('stat: 1\n');
    expect(r.stderr).toMatch(/Input\/output error/);
  });
});
