// The command line and the library: usage errors and exit codes a shell would give, modules by
// name and by file, the bind module, and run().
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UNREAL, exec, cli, tempDir, umview } from './helpers.js';

describe('usage', () => {
  it('--help and --version', async () => {
    const help = await exec(process.execPath, [cli, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: umview-lite/);
    const version = await exec(process.execPath, [cli, '--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^umview-lite \d+\.\d+\.\d+/);
  });

  it.each([
    [['--bogus', '--', 'true'], /unknown option '--bogus'/],
    [['--trace=fast', '--', 'true'], /--trace must be one of/],
    [[], /no command given/],
    [['-m', 'nosuchmodule', '--', 'true'], /unknown module 'nosuchmodule'/],
    [['-m', './no/such/file.js', '--', 'true'], /cannot load module/],
    [['-m', 'bind', '--', 'true'], /bind: give at least one HOST=GUEST pair/],
  ])('%j exits with 2 and says why', async (args, message) => {
    const r = await exec(process.execPath, [cli, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a missing program exits with 127, one that cannot run with 126', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'not-executable'), '#!/bin/sh\necho no\n');
    const missing = await umview(['-m', UNREAL], ['/unreal/no/such/program']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/umview-lite: .*no\/such\/program/);
    const notOnPath = await umview([], ['no-such-program-anywhere']);
    expect(notOnPath.code).toBe(127);
    const notExecutable = await umview(['-m', UNREAL], [`/unreal${dir}/not-executable`]);
    expect(notExecutable.code).toBe(126);
    const directory = await umview([], [dir]);
    expect(directory.code).toBe(126);
  });
});

describe('modules', () => {
  it('a module from a file, with paths and with a syscall it claims', async () => {
    const dir = tempDir();
    const file = join(dir, 'my-module.mjs');
    writeFileSync(file, `export default (options) => ({
      name: 'mine',
      paths: ['/secret'],
      mapPath: () => '/dev/null',
      syscalls: ['getppid'],
      handleSyscall(call) { call.skip(Number(options.ppid)); return true; },
    });\n`);
    // Twice: the second run comes from the launcher's V8 code cache, where import() goes
    // through the launcher.
    await umview(['-m', `${file},ppid=4242`], ['true']);
    const r = await umview(['-m', `${file},ppid=4242`], ['sh', '-c', 'cat /secret/anything; echo "[$PPID]"; wc -c < /secret/x']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('[4242]\n0\n');
  });

  it('several modules at once: unreal and bind', async () => {
    const host = tempDir();
    writeFileSync(join(host, 'f'), 'bound\n');
    const r = await umview(['-m', UNREAL, '-m', `bind,${host}=/bound`], ['/unreal/bin/sh', '-c', 'cat /bound/f /unreal/bound/f /unreal/unreal/bound/f']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('bound\nbound\nbound\n');
  });

  // Remap mode: the program's fd is its own host file and the monitor keeps nothing; proxy
  // mode: the monitor keeps the file and serves its reads (the program sees the same data).
  it.each([
    ['unreal', 'remap', null],
    ['unreal,mode=remap', 'remap', null],
    ['unreal,mode=proxy', 'proxy', '1'],
  ])('-m %s runs in %s mode', async (spec, _mode, filesKept) => {
    const script = 'exec 7</unreal/etc/hostname; readlink /proc/self/fd/7; cat <&7';
    const r = await umview(['-m', spec, '--stats'], ['sh', '-c', script]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`/etc/hostname\n${readFileSync('/etc/hostname', 'utf8')}`);
    expect(/proxy: files opened\s+(\d+)/.exec(r.stderr)?.[1] ?? null).toBe(filesKept);
  });

  it('an unknown mode of unreal exits with 2 and names the modes', async () => {
    const r = await exec(process.execPath, [cli, '-m', 'unreal,mode=fast', '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown mode 'fast' \(modes: proxy, remap, fs\)/);
  });
});

describe('bind', () => {
  const setup = (): string => {
    const host = tempDir();
    mkdirSync(join(host, 'dir/sub'), { recursive: true });
    writeFileSync(join(host, 'dir/f'), 'in dir\n');
    writeFileSync(join(host, 'dir/sub/g'), 'in sub\n');
    symlinkSync('sub/g', join(host, 'dir/rel'));
    writeFileSync(join(host, 'dir/run.sh'), '#!/bin/sh\necho "run $0"\n');
    chmodSync(join(host, 'dir/run.sh'), 0o755);
    return host;
  };

  it('maps a guest directory to a host one, like proot -b', async () => {
    const host = setup();
    const script = [
      'cat /g/f /g/sub/g /g/rel',
      'ls /g | tr "\\n" " "; echo',
      'cd /g/sub && pwd && cat ../f && cd .. && pwd',
      'cd /g && cd .. && pwd',            // the parent of the bind's root is the guest's
      'cd /g/sub && cd ../.. && pwd',
      'stat -c %n:%s /g/f /g/sub/../f',
      '/g/run.sh',
      'echo new > /g/sub/new && cat /g/sub/new',
      'mkdir /g/m && mv /g/m /g/m2 && rmdir /g/m2 && echo mkdir-mv-rmdir',
    ].join('\n');
    const r = await umview(['-m', `bind,${host}/dir=/g`], ['sh', '-c', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe([
      'in dir', 'in sub', 'in sub',
      'f rel run.sh sub ',
      '/g/sub', 'in dir', '/g',
      '/',
      '/',
      '/g/f:7', '/g/sub/../f:7',
      'run /g/run.sh',
      'new',
      'mkdir-mv-rmdir',
      '',
    ].join('\n'));
    expect(r.code).toBe(0);
  });

  it('a bind of a path inside another bind: the longest prefix wins', async () => {
    const a = tempDir();
    const b = tempDir();
    writeFileSync(join(a, 'x'), 'from a\n');
    writeFileSync(join(b, 'x'), 'from b\n');
    const r = await umview(['-m', `bind,${a}=/m,${b}=/m/inner`], ['sh', '-c', 'cat /m/x /m/inner/x']);
    expect(r.stdout).toBe('from a\nfrom b\n');
  });
});

describe('the library', () => {
  it('run() runs a command under modules and returns its status and stats', async () => {
    const { run } = await import('@umview/umview-lite');
    const dir = tempDir();
    writeFileSync(join(dir, 'in'), 'library\n');
    const out = join(dir, 'out');
    const result = await run(['/unreal/bin/sh', '-c', `cat /unreal${dir}/in > /unreal${out}; exit 3`], {
      modules: [UNREAL],
      spawn: { stdout: 'ignore', stderr: 'ignore' },
    });
    expect(result.exitStatus).toBe(3);
    expect(result.stats.virtualized).toBeGreaterThanOrEqual(2); // cat's path, the redirection's
    expect(result.stats.processes).toBeGreaterThanOrEqual(2);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(out, 'utf8')).toBe('library\n');
  });
});
