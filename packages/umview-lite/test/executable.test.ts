// The package's executable (bin/umview-lite, a shell script that starts Node on dist/cli.cjs):
// found through npm's symlink, on the Node first in PATH, and NODE_EXTRA_CA_CERTS kept from the
// monitor's Node (which Node 20 would parse at start) but handed to the command unchanged; the
// fds, ignored signals and open-files limit the shell passes on reach the command as natively.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exec, packageDir, tempDir } from './helpers.js';
import { serverEnv, startServer, stopServers } from './warm-server.js';

afterEach(stopServers);

const executable = join(packageDir, 'bin', 'umview-lite');
/** This Node first in PATH, as npm runs a package's bin; without the variables under test. */
const baseEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.UMVIEW_NODE_EXTRA_CA_CERTS;
  return env;
};
/** What the command sees, then the monitor's own start-up environment (its /proc environ:
 * the monitor is the parent of the command). */
const report = [
  'sh',
  '-c',
  'echo "command: ${NODE_EXTRA_CA_CERTS-(unset)} ${UMVIEW_NODE_EXTRA_CA_CERTS-(unset)}"; ' +
    'echo "monitor: $(tr "\\0" "\\n" </proc/$PPID/environ | grep "^NODE_EXTRA_CA_CERTS=" || echo "(unset)")"',
];

describe('the executable', () => {
  it('runs through a symlink to it, as npm installs it in node_modules/.bin', async () => {
    // A relative link to an absolute one, as npm's ../@umview/umview-lite/bin/umview-lite.
    const bin = join(tempDir(), '.bin');
    mkdirSync(bin);
    symlinkSync(executable, join(bin, 'absolute'));
    symlinkSync(relative(bin, join(bin, 'absolute')), join(bin, 'umview-lite'));
    const r = await exec(join(bin, 'umview-lite'), ['--version'], { env: baseEnv() });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^umview-lite \d+\.\d+\.\d+\n$/);
    expect(r.code).toBe(0);
  });

  it('passes the exit status and the arguments through', async () => {
    const r = await exec(executable, ['--', 'sh', '-c', 'echo "$1|$2"; exit 7', 'sh', 'a b', ''], { env: baseEnv() });
    expect(r.stdout).toBe('a b|\n');
    expect(r.code).toBe(7);
  });

  it.each([
    ['a path', '/etc/ssl/certs/ca-certificates.crt'],
    ['empty', ''],
  ])('NODE_EXTRA_CA_CERTS set (%s): not in the monitor, unchanged in the command', async (_, value) => {
    const r = await exec(executable, ['-m', 'unreal', '--', ...report], { env: { ...baseEnv(), NODE_EXTRA_CA_CERTS: value } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`command: ${value} (unset)\nmonitor: (unset)\n`);
  });

  for (const served of [false, true]) {
    it(`gives the command the fds its shell gives it, as a native run has them (${served ? 'served' : 'cold'})`, async () => {
      const env = serverEnv();
      if (served) await startServer(env);
      else env.UMVIEW_SERVER = '0';
      const file = join(tempDir(), 'four');
      writeFileSync(file, 'four\n');
      // Node would hold fds 3-15 close-on-exec, and /dev/null on a closed stdin.
      const command = ['sh', '-c', 'echo $(ls /proc/self/fd); cat <&4; echo seven >&7'];
      const shell = (run: string[]) => exec('/bin/sh', ['-c', `"$@" 4<${file} 7>&1 <&-`, 'sh', ...run], { env });
      const native = await shell(command);
      const [listing, ...rest] = native.stdout.split('\n');
      expect(listing!.split(' ')).toEqual(expect.arrayContaining(['0', '1', '2', '4', '7'])); // 0: ls's directory
      expect(rest.join('\n')).toBe('four\nseven\n');
      expect(await shell([executable, '--', ...command])).toEqual(native);
    });

    it(`gives the command the signals its shell ignored (trap '', a background job), as a native run has them (${served ? 'served' : 'cold'})`, async () => {
      const env = serverEnv();
      if (served) await startServer(env);
      else env.UMVIEW_SERVER = '0';
      // Node sets every signal to its default action as it starts: the command would die here.
      const command = ['sh', '-c', 'kill -HUP $$; kill -INT $$; kill -TERM $$; grep "^SigIgn:" /proc/self/status'];
      const shell = (run: string[]) => exec('/bin/sh', ['-c', `trap '' HUP INT TERM; "$@" & wait $!`, 'sh', ...run], { env });
      const native = await shell(command);
      expect(native).toMatchObject({ stdout: 'SigIgn:\t0000000000004007\n', code: 0 }); // HUP, INT, QUIT (the job's), TERM
      expect(await shell([executable, '-m', 'unreal', '--', ...command])).toEqual(native);
    });

    it(`dies of the signal that killed the command, as a native run's parent sees it (${served ? 'served' : 'cold'})`, async () => {
      const env = serverEnv();
      if (served) await startServer(env);
      else env.UMVIEW_SERVER = '0';
      const ended = async (command: string[]) => {
        const child = spawn(command[0]!, command.slice(1), { env, stdio: 'ignore' });
        const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
        return { code, signal };
      };
      for (const script of ['kill -TERM $$', 'kill -PIPE $$', 'exit 143']) {
        const native = await ended(['sh', '-c', script]);
        expect(await ended([executable, '-m', 'unreal', '--', 'sh', '-c', script])).toEqual(native);
      }
    });

    it(`gives the command its shell's soft limit of open files, as a native run has it (${served ? 'served' : 'cold'})`, async () => {
      const env = serverEnv();
      if (served) await startServer(env);
      else env.UMVIEW_SERVER = '0';
      // Node raises its own soft limit to the hard one as it starts.
      const command = ['sh', '-c', 'ulimit -Sn; ulimit -Hn'];
      const shell = (run: string[]) => exec('/bin/sh', ['-c', 'ulimit -Sn 100; "$@"', 'sh', ...run], { env });
      const native = await shell(command);
      expect(native.stdout).toMatch(/^100\n\w+\n$/);
      expect(await shell([executable, '-m', 'unreal', '--', ...command])).toEqual(native);
    });
  }

  it('NODE_EXTRA_CA_CERTS unset: unset in the command, and a stray carrier variable is not taken for it', async () => {
    const r = await exec(executable, ['--', ...report], { env: { ...baseEnv(), UMVIEW_NODE_EXTRA_CA_CERTS: '/stray' } });
    expect(r.stdout).toBe('command: (unset) (unset)\nmonitor: (unset)\n');
  });

  it('cli.cjs run directly leaves the environment alone', async () => {
    const r = await exec(process.execPath, [join(packageDir, 'dist', 'cli.cjs'), '--', ...report], {
      env: { ...baseEnv(), NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' },
    });
    expect(r.stdout).toBe('command: /etc/ssl/certs/ca-certificates.crt (unset)\nmonitor: NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt\n');
  });
});

describe('the code cache', () => {
  it('is written at the first run, and caches of other builds not rewritten for a month go then', async () => {
    const home = tempDir();
    const caches = join(home, 'umview-lite');
    mkdirSync(caches);
    const old = join(caches, 'cli-v0.0.0-x64-1-1.v8');
    const oldFigure = `${old}.bytecode`; // what the run that wrote it ended with (launcher.ts)
    const recent = join(caches, 'cli-v0.0.0-x64-2-2.v8');
    const notOurs = join(caches, 'notes.txt');
    for (const file of [old, oldFigure, recent, notOurs]) writeFileSync(file, 'x');
    const fortyDaysAgo = (Date.now() - 40 * 24 * 3600 * 1000) / 1000;
    for (const file of [old, oldFigure, notOurs]) utimesSync(file, fortyDaysAgo, fortyDaysAgo);
    const r = await exec(executable, ['--', 'true'], { env: { ...baseEnv(), XDG_CACHE_HOME: home } });
    expect(r.code).toBe(0);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(oldFigure)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(notOurs)).toBe(true);
    const ours = readdirSync(caches).filter((name) => name.startsWith(`cli-${process.version}-`)).sort();
    expect(ours).toHaveLength(2);
    expect(ours[1]).toBe(`${ours[0]}.bytecode`);
  });
});

describe('start-up', () => {
  /** The Node built-in modules a run of the CLI loaded (process.moduleLoadList at exit). */
  /** The built-in modules a run of the CLI loaded: recorded at the first of its exit handlers,
   * before the launcher's own, which may check its code cache then; or `afterExit`, once every
   * exit handler has run. */
  async function builtinsLoaded(args: string[], env: NodeJS.ProcessEnv = {}, afterExit = false): Promise<string[]> {
    const dir = tempDir();
    const record = join(dir, 'record.cjs');
    const write = "require('node:fs').writeFileSync(process.env.UMVIEW_TEST_LOADED, process.moduleLoadList.join('\\n'))";
    writeFileSync(record, afterExit
      // Node emits 'exit' through process.emit, at process.exit() and at the end of the loop.
      ? `const emit = process.emit; process.emit = function (event, ...rest) { const r = emit.call(this, event, ...rest); if (event === 'exit') ${write}; return r; };\n`
      : `process.on('exit', () => ${write});\n`);
    const out = join(dir, 'loaded.txt');
    const r = await exec(process.execPath, ['-r', record, join(packageDir, 'dist', 'cli.cjs'), ...args], { env: { ...baseEnv(), ...env, UMVIEW_TEST_LOADED: out } });
    expect(r.code, r.stderr).toBe(0);
    return readFileSync(out, 'utf8').split('\n').filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  }

  it('loads no Node module that only an archive mount needs (crypto, zlib: ~3 ms each), until one does', async () => {
    const plain = await builtinsLoaded(['-m', 'unreal', '--', '/bin/true']);
    expect(plain).toContain('fs'); // the list is the real one
    expect(plain).not.toContain('crypto');
    expect(plain).not.toContain('zlib');
    const dir = tempDir();
    mkdirSync(join(dir, 't'));
    writeFileSync(join(dir, 't', 'a.txt'), 'a\n');
    const tgz = join(dir, 'a.tar.gz');
    const tar = await exec('tar', ['-czf', tgz, '-C', join(dir, 't'), '.']);
    expect(tar.code).toBe(0);
    const archive = await builtinsLoaded(['-m', `archive,${tgz}=/m`, '--', 'cat', '/m/a.txt']);
    expect(archive).toContain('zlib');
  });

  // On Node 20 the launcher tunes V8's flags first, and Node's own modules loaded after that
  // compile from source (Node's code cache is checked against the flags): its streams, which
  // process.stderr or the archive's code would load, cost ~6 ms then.
  it('loads none of Node\'s streams in a plain run or a --stats run, its code cache settled', async () => {
    for (const args of [['-m', 'unreal', '--', '/bin/true'], ['--stats', '--', '/bin/true']]) {
      const env = { XDG_CACHE_HOME: tempDir() };
      await builtinsLoaded(args, env); // writes the cache
      await builtinsLoaded(args, env); // measures the heap at its start (node:v8 loads streams)
      const settled = await builtinsLoaded(args, env);
      expect(settled).toContain('fs');
      expect(settled.filter((name) => ['stream', 'internal/streams/readable', 'internal/streams/writable'].includes(name)), args.join(' ')).toEqual([]);
    }
  });

  // On Node 20 the launcher asks V8's own binding for the heap's bytecode (cli/node20-v8.ts):
  // node:v8, loaded after the flags are set, would compile its 30 modules from source (~8 ms).
  it('measures the heap for its code cache without loading node:v8 on Node 20', async (ctx) => {
    if (!process.versions.node.startsWith('20.')) ctx.skip(`Node ${process.versions.node}: node:v8 is the only way to ask (only Node 20's binding is used)`);
    const env = { XDG_CACHE_HOME: tempDir() };
    // The first run writes the cache, the second measures its start and, its kind new, checks
    // at exit: both read the heap's bytecode.
    for (const run of ['first run', 'second run']) {
      const loaded = await builtinsLoaded(['-m', 'unreal', '--', '/bin/true'], env, true);
      expect(loaded, run).toContain('fs');
      expect(loaded, run).not.toContain('v8');
    }
    expect(readdirSync(join(env.XDG_CACHE_HOME, 'umview-lite')).filter((name) => name.endsWith('.v8'))).toHaveLength(1);
  });
});
