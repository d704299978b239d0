// The warm monitor (src/server/monitor-server.ts): with UMVIEW_SERVER=1 the executable hands its
// command to `umview-lite --serve` through the hand-off client, and the command runs as it would
// under a monitor of its own: the client's output, status, working directory, umask and
// environment; the messages of a cold run; one command at a time; a server started for the next
// runs when none is there. Which monitor ran a command shows in the command's parent: the
// hand-off client when served, Node when not.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exec, packageDir, tempDir } from './helpers.js';
import { until } from './faults/fault-helpers.js';
import { WHO, defaultServerEnv, executable, serverEnv, serverListens, serverPid, startServer, stopServers } from './warm-server.js';

afterEach(stopServers);

describe('the warm monitor', () => {
  it('runs the command as the client would: output, status, working directory, umask, environment', async () => {
    const env = serverEnv();
    await startServer(env);
    const cwd = tempDir();
    // --strace=log: a file the monitor itself creates, in the client's directory, with its umask.
    const r = await exec('/bin/sh', ['-c', 'umask 027; exec "$0" "$@"', executable, '-m', 'unreal', '--strace=log', '--', 'sh', '-c', `echo "$(${WHO}) $(pwd) $GREETING"; ls /unreal${cwd}; echo oops >&2; exit 5`], { cwd, env: { ...env, GREETING: 'hello' } });
    expect(r.stdout).toBe(`hand-off ${cwd} hello\nlog\n`);
    expect(r.stderr).toBe('oops\n');
    expect(r.code).toBe(5);
    expect(statSync(join(cwd, 'log')).mode & 0o777).toBe(0o640);
  });

  it('gives the command its NODE_EXTRA_CA_CERTS back, as a cold run does', async () => {
    const env = serverEnv();
    await startServer(env);
    const r = await exec(executable, ['--', 'sh', '-c', `echo "$(${WHO}) \${NODE_EXTRA_CA_CERTS-(unset)} \${UMVIEW_NODE_EXTRA_CA_CERTS-(unset)}"`], { env: { ...env, NODE_EXTRA_CA_CERTS: '/etc/ssl/x.pem' } });
    expect(r.stdout).toBe('hand-off /etc/ssl/x.pem (unset)\n');
  });

  it('says what a cold run says, once: --version, a usage error, a command not found', async () => {
    const env = serverEnv();
    await startServer(env);
    const version = await exec(executable, ['--version'], { env });
    expect(version.stdout).toMatch(/^umview-lite \d+\.\d+\.\d+\n$/);
    expect(version.code).toBe(0);
    const usage = await exec(executable, ['--no-such-option', '--', 'true'], { env });
    expect(usage.stderr).toBe("umview-lite: unknown option '--no-such-option'\nTry 'umview-lite --help' for more information.\n");
    expect(usage.code).toBe(2);
    const missing = await exec(executable, ['--', '/no/such/program'], { env });
    expect(missing.stderr).toMatch(/^umview-lite: .*\/no\/such\/program.*\n$/);
    expect(missing.code).toBe(127);
  });

  it('runs one command at a time: a client that comes meanwhile runs a monitor of its own', async () => {
    const env = serverEnv();
    await startServer(env);
    const first = spawn(executable, ['--', 'sh', '-c', `echo "$(${WHO})"; read line; echo "$line"`], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    let firstOut = '';
    first.stdout!.on('data', (d: Buffer) => (firstOut += d));
    await once(first.stdout!, 'data'); // the first command runs, served
    const second = await exec(executable, ['--', 'sh', '-c', WHO], { env });
    expect(second.stdout).toBe('node\n');
    first.stdin!.end('done\n');
    const [code] = await once(first, 'close');
    expect(firstOut).toBe('hand-off\ndone\n');
    expect(code).toBe(0);
    const third = await exec(executable, ['--', 'sh', '-c', WHO], { env });
    expect(third.stdout).toBe('hand-off\n'); // served again once the first is done
  });

  it('has saved a fake root\'s changes when the next command starts', async () => {
    const env = serverEnv();
    await startServer(env);
    const dir = tempDir();
    const meta = join(dir, 'meta');
    const chown = await exec(executable, ['-0', '--meta', meta, '--', 'sh', '-c', `${WHO}; touch f; chown 123:45 f`], { cwd: dir, env });
    expect(chown).toMatchObject({ stdout: 'hand-off\n', code: 0 });
    const stat = await exec(executable, ['-0', '--meta', meta, '--', 'stat', '-c', '%u:%g', 'f'], { cwd: dir, env });
    expect(stat).toMatchObject({ stdout: '123:45\n', code: 0 });
  });

  it('kills the command\'s tree when the client is killed, and serves the next one', async () => {
    const env = serverEnv();
    await startServer(env);
    const client = spawn(executable, ['--', 'sh', '-c', `${WHO}; sleep 1000 & exec sleep 1000`], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const [who] = await once(client.stdout!, 'data');
    expect(String(who)).toBe('hand-off\n');
    client.kill('SIGKILL');
    await once(client.stdout!, 'close'); // both sleeps, which hold the pipe, are dead
    // Nothing tells the killed client's shell when the server is ready again (a run before then
    // is declined and runs its own monitor): its socket says.
    await until('the server listens again', () => serverListens(env.XDG_CACHE_HOME!), (listens) => listens, { everyMs: 10 });
    const next = await exec(executable, ['--', 'sh', '-c', WHO], { env });
    expect(next.stdout).toBe('hand-off\n');
  });

  it('leaves a command that loads a module file to a monitor of its own, which imports the file as it is now', async () => {
    const env = serverEnv();
    await startServer(env);
    const dir = tempDir();
    const moduleFile = join(dir, 'mod.mjs');
    const write = (release: string): void => writeFileSync(moduleFile, `import { uname } from ${JSON.stringify(join(packageDir, 'dist', 'index.js'))};\nexport default uname({ release: '${release}' });\n`);
    write('1.0-first');
    const first = await exec(executable, ['-m', moduleFile, '--', 'sh', '-c', `${WHO}; uname -r`], { env });
    expect(first.stdout).toBe('node\n1.0-first\n');
    write('2.0-second');
    const second = await exec(executable, ['-m', moduleFile, '--', 'uname', '-r'], { env });
    expect(second.stdout).toBe('2.0-second\n');
  });

  it('stops on SIGTERM, its socket and pid file gone, and writes no code cache', async () => {
    const env = serverEnv();
    const server = await startServer(env);
    const dir = join(env.XDG_CACHE_HOME!, 'umview-lite');
    const served = await exec(executable, ['-m', 'unreal', '--', 'sh', '-c', WHO], { env });
    expect(served.stdout).toBe('hand-off\n');
    server.kill('SIGTERM');
    const [code] = await once(server, 'exit');
    expect(code).toBe(0);
    // Only served runs here: a cache would be the server's, grown from all it compiled.
    expect(readdirSync(dir).filter((name) => !['hand-off'].includes(name))).toEqual([]);
  });

  it('is started by a run that finds none, for the runs after it', async () => {
    const env = serverEnv();
    const first = await exec(executable, ['--', 'sh', '-c', WHO], { env });
    expect(first.stdout).toBe('node\n');
    expect(serverPid(env.XDG_CACHE_HOME!)).toBeGreaterThan(0);
    const second = await exec(executable, ['--', 'sh', '-c', WHO], { env });
    expect(second.stdout).toBe('hand-off\n');
  });

  // A build, a cron job, a CI run: a session with no controlling terminal (setsid, as
  // `detached` does). terminal.test checks the default in a terminal.
  it('is neither started nor used by default by a run outside a terminal session', async () => {
    const env = defaultServerEnv();
    const monitorOf = async (): Promise<string> => {
      const run = spawn(executable, ['--', 'sh', '-c', WHO], { env, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
      let shown = '';
      run.stdout!.on('data', (data: Buffer) => (shown += data.toString()));
      const [code] = await once(run, 'close');
      expect(code).toBe(0);
      return shown;
    };
    expect(await monitorOf()).toBe('node\n');
    expect(serverPid(env.XDG_CACHE_HOME!)).toBeUndefined();
    await startServer(env);
    expect(await monitorOf()).toBe('node\n');
  });

  it('makes way, once umview-lite is upgraded in place, for a server of the new build', async () => {
    const env = serverEnv();
    const cache = env.XDG_CACHE_HOME!;
    // An installed copy of the package (its koffi found through node_modules above it), so that
    // its files can change without touching the build the other tests run.
    const root = tempDir();
    for (const dir of ['bin', 'dist']) mkdirSync(join(root, 'pkg', dir), { recursive: true });
    copyFileSync(executable, join(root, 'pkg', 'bin', 'umview-lite'));
    for (const file of ['cli.cjs', 'cli-main.cjs']) copyFileSync(join(packageDir, 'dist', file), join(root, 'pkg', 'dist', file));
    symlinkSync(resolve(packageDir, '..', '..', 'node_modules'), join(root, 'node_modules'));
    const installed = join(root, 'pkg', 'bin', 'umview-lite');
    const run = async (): Promise<string> => (await exec(installed, ['--', 'sh', '-c', WHO], { env })).stdout;

    expect(await run()).toBe('node\n'); // starts a server
    const old = serverPid(cache);
    expect(await run()).toBe('hand-off\n');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'pkg', 'dist', 'cli.cjs'), later, later); // the upgrade
    expect(await run()).toBe('node\n'); // the old server declines it, exits, and this run starts one
    expect(serverPid(cache)).not.toBe(old);
    expect(await run()).toBe('hand-off\n');
  });
});
