// unreal in proxy mode: fd semantics of files the monitor serves, compared with a native run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileC, tempDir } from '@umview/test-fixtures';

const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const fixture = compileC(fileURLToPath(new URL('./fixtures/proxy-fds.c', import.meta.url)), { flags: ['-O0', '-g'], name: 'proxy-fds' });

function transcript(prefix: string, monitorArgs: string[] | undefined): string {
  const dir = join(tempDir('umview-proxy-'), 'd');
  mkdirSync(dir);
  const argv = [fixture, prefix, dir];
  const out = monitorArgs
    ? execFileSync('node', [cli, ...monitorArgs, '--', ...argv], { encoding: 'utf8' })
    : execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return out;
}

const nullDevice = (): string => execFileSync('stat', ['-c', '%a %u %g', '/dev/null'], { encoding: 'utf8' });

describe('unreal in proxy mode: file descriptors the monitor serves', () => {
  const nullBefore = nullDevice(); // before any run here could change it
  const native = transcript('', undefined);

  it('the native transcript covers every case', () => {
    expect(native).toMatch(/read data: \[567\]/);
    expect(native).toMatch(/shared: \[child-parent\]/);
    expect(native).toMatch(/stdout file: \[this line went to the file\n\]/);
    expect(native).toMatch(/after exec: plain fd open, cloexec fd closed/);
    expect(native).toMatch(/after shared mapping: \[MAPPED contents\]/);
    expect(native).toMatch(/readv data: \[one t\|wo thre\]/);
    expect(native).toMatch(/directory: \. \.\. mapped offsets shared stdout vectors/);
    expect(native).toMatch(/is a symlink: yes\nchmod\(\/proc\/self\/fd\/N, 0751\) = 0\nsub mode: 751\nreadlink\(\/proc\/self\/fd\/N\) ends in: \/sub\n/);
    expect(native).toMatch(/reopened through \/dev\/fd\/N: \[\w+/);
    expect(native).toMatch(/exec through \/proc\/self\/fd\/N: exit 0\n$/);
  });

  for (const [name, args] of [
    ['default (seccomp filter)', ['-m', 'unreal,mode=proxy']],
    ['seccomp-all', ['-m', 'unreal,mode=proxy', '--trace=seccomp-all']],
    ['ptrace-syscall', ['-m', 'unreal,mode=proxy', '--trace=syscall']],
    ['no-multi', ['-m', 'unreal,mode=proxy', '--no-multi']],
    ['a stop per call', ['-m', 'unreal,mode=proxy', '--data-path=stop']],
    ['a stop per call, ptrace-syscall', ['-m', 'unreal,mode=proxy', '--data-path=stop', '--trace=syscall']],
  ] as const) {
    it(`behaves as natively through /unreal: ${name}`, () => {
      expect(transcript('/unreal', [...args])).toBe(native);
    });
  }

  it('behaves as natively through /unreal/unreal', () => {
    expect(transcript('/unreal/unreal', ['-m', 'unreal,mode=proxy'])).toBe(native);
  });

  it('never lets a tracee change the placeholder it holds (after every run above)', () => {
    expect(nullDevice()).toBe(nullBefore);
  });

  it('says in --stats how the data moved', () => {
    const dir = tempDir('umview-proxy-');
    execFileSync('sh', ['-c', `head -c 100000 /dev/urandom > ${dir}/src`]);
    const stats = (script: string, dataPath = 'stop') => execFileSync('sh', ['-c', `node ${cli} -m unreal,mode=proxy --data-path=${dataPath} --stats -- sh -c '${script}' 2>&1 >/dev/null`], { encoding: 'utf8' });
    // The stop per call (the 2006 design). coreutils cp uses copy_file_range: the monitor
    // copies in the kernel.
    expect(stats(`cp /unreal${dir}/src ${dir}/cp`)).toMatch(/proxy: data in the kernel\s+[1-9]\d* calls, 100000 bytes/);
    // dd reads with read(2): the data goes through tracee memory.
    expect(stats(`dd if=/unreal${dir}/src of=${dir}/dd bs=4k status=none`)).toMatch(/proxy: data through tracee memory\s+25 calls, 100\d{3} bytes/);
    // The kernel data path: dd reads a real fd on the file, the monitor moves nothing.
    const fast = stats(`dd if=/unreal${dir}/src of=${dir}/fast bs=4k status=none`, 'kernel');
    expect(fast).toMatch(/data path: fast opens\s+1 /);
    expect(fast).toMatch(/proxy: data through tracee memory\s+0 calls/);
    execFileSync('cmp', [`${dir}/src`, `${dir}/cp`]);
    execFileSync('cmp', [`${dir}/src`, `${dir}/dd`]);
    execFileSync('cmp', [`${dir}/src`, `${dir}/fast`]);
  });
});

describe('unreal in proxy mode: the kernel data path', () => {
  it('falls back to a stop per call for a tracee that may not open the monitor\'s fd', (ctx) => {
    // A tracee of another user may not open /proc/<monitor>/fd/N (ptrace access to the
    // monitor): its open gets a placeholder, and the data still comes.
    if (process.getuid!() !== 0) ctx.skip('needs root: the tracee switches to another user with setpriv');
    const setpriv = spawnSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' });
    if (setpriv.status !== 0) ctx.skip('needs setpriv (util-linux) to run the tracee as another user');
    const dir = tempDir('umview-proxy-');
    execFileSync('sh', ['-c', `printf 'other user reads\n' > ${dir}/f && chmod 755 ${dir} && chmod 644 ${dir}/f`]);
    const r = spawnSync('node', [cli, '-m', 'unreal,mode=proxy', '--stats', '--', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'cat', `/unreal${dir}/f`], { encoding: 'utf8' });
    expect(r.stdout).toBe('other user reads\n');
    expect(r.stderr).toMatch(/proxy: files opened\s+1\n/);
    expect(r.stderr).toMatch(/data path: fast opens\s+0 /);
    expect(r.status).toBe(0);
  });

  it('lets reads and writes run without a stop', () => {
    const dir = tempDir('umview-proxy-');
    execFileSync('sh', ['-c', `head -c 1048576 /dev/urandom > ${dir}/src`]);
    const run = (dataPath: string) => spawnSync('node', [cli, '-m', 'unreal,mode=proxy', `--data-path=${dataPath}`, '--stats', '--', 'dd', `if=/unreal${dir}/src`, `of=/unreal${dir}/${dataPath}`, 'bs=4k', 'status=none'], { encoding: 'utf8' });
    const stops = (stderr: string) => Number(/ptrace stops\s+(\d+)/.exec(stderr)![1]);
    const kernel = run('kernel');
    const stop = run('stop');
    execFileSync('cmp', [`${dir}/src`, `${dir}/kernel`]);
    execFileSync('cmp', [`${dir}/src`, `${dir}/stop`]);
    expect(kernel.stderr).toMatch(/data path: fast opens\s+2 /);
    // 256 reads and 256 writes: each stops with a placeholder, none with fast fds.
    expect(stops(stop.stderr) - stops(kernel.stderr)).toBeGreaterThanOrEqual(512);
    expect(stops(kernel.stderr)).toBeLessThan(100);
    expect(Number(/data path: calls in the kernel\s+(\d+)/.exec(kernel.stderr)![1])).toBeGreaterThanOrEqual(512);
  });
});

describe('unreal in proxy mode: splice and sendfile with a pipe that is not ready', () => {
  // The monitor must not block in such a copy: the child that fills or drains the pipe needs
  // the monitor first (it opens a file through /unreal). A monitor that blocked would hang the
  // run; the timeout turns that into a failure (and PTRACE_O_EXITKILL cleans up).
  const copyWait = compileC(fileURLToPath(new URL('./fixtures/copy-wait.c', import.meta.url)), { flags: ['-O0', '-g'], name: 'copy-wait' });
  const run = (prefix: string, monitorArgs?: string[]): string => {
    const dir = join(tempDir('umview-copy-wait-'), 'd');
    mkdirSync(dir);
    const argv = [copyWait, prefix, dir];
    return monitorArgs
      ? execFileSync('node', [cli, ...monitorArgs, '--', ...argv], { encoding: 'utf8', timeout: 20_000 })
      : execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20_000 });
  };
  const native = run('');

  it('the native transcript covers every case', () => {
    expect(native).toBe([
      'splice(empty pipe -> file) = 10',
      'file holds [from child]',
      'sendfile(file -> full pipe) = 5',
      "child read 5 bytes past the pipe's capacity",
      'splice without SA_RESTART = -1 Interrupted system call',
      'handler ran 1 time(s)',
      'splice with SA_RESTART = 10',
      'handler ran 1 time(s)',
      '',
    ].join('\n'));
  });

  it.each([
    ['default (seccomp filter)', ['-m', 'unreal,mode=proxy']],
    ['ptrace-syscall', ['-m', 'unreal,mode=proxy', '--trace=syscall']],
    ['a stop per call', ['-m', 'unreal,mode=proxy', '--data-path=stop']],
    ['a stop per call, ptrace-syscall', ['-m', 'unreal,mode=proxy', '--data-path=stop', '--trace=syscall']],
  ])('the tracee waits, the monitor keeps serving, signals act as natively: %s', (_name, args) => {
    expect(run('/unreal', args)).toBe(native);
  });

  it('says so in --stats', () => {
    const dir = join(tempDir('umview-copy-wait-'), 'd');
    mkdirSync(dir);
    // With a stop per call the monitor makes the copies (with fast fds the tracee does).
    const r = spawnSync('node', [cli, '-m', 'unreal,mode=proxy', '--data-path=stop', '--stats', '--', copyWait, '/unreal', dir], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toBe(native);
    expect(r.stderr).toMatch(/proxy: waits in the tracee\s+[1-9]/);
  });
});
