// The adapter serves its own user only: a connection from another uid of the same host, on the
// loopback port or on the unix socket, is closed before a byte of it is read, and nothing it
// asked for runs. The other user is a uid made up by the test (the kernel needs no passwd entry
// for it); running a client as that uid needs root.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@umview/test-fixtures';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { afterEach, describe, expect, it } from 'vitest';
import { adapterCli, program, whileWaiting } from './helpers.js';
import { RawClient } from './raw-client.js';

// A uid no account uses: the process that runs as it is the whole of that "user".
const otherUid = 3_000_000 + (process.pid % 100_000);

/** Why this run cannot start a process as `otherUid` (not root, or a root without the right to
 * change uid, as in a user namespace that does not map it), or undefined when it can. */
function cannotRunAsOtherUid(): string | undefined {
  if (process.geteuid!() !== 0) return 'needs root: it runs a client as another uid';
  const probe = spawnSync('/bin/true', { uid: otherUid, gid: otherUid });
  if (probe.error !== undefined || probe.status !== 0) {
    return `cannot run a process as uid ${otherUid} here (${probe.error?.message ?? `status ${probe.status}`})`;
  }
  return undefined;
}
const otherUidMissing = cannotRunAsOtherUid();

interface Adapter {
  readonly child: ChildProcess;
  /** Everything the adapter wrote on stderr so far. */
  log(): string;
  /** Resolves with the first match of `pattern` in its stderr (already written or to come). */
  logged(pattern: RegExp): Promise<RegExpExecArray>;
}

const adapters: ChildProcess[] = [];
afterEach(() => {
  for (const child of adapters.splice(0)) child.kill('SIGKILL');
});

function startAdapter(args: string[]): Adapter {
  const child = spawn(process.execPath, [adapterCli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  adapters.push(child);
  let text = '';
  const waiters: (() => void)[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const waiter of waiters.splice(0)) waiter();
  });
  return {
    child,
    log: () => text,
    logged(pattern) {
      const done = whileWaiting(() => `${pattern} on the adapter's stderr; got ${JSON.stringify(text)}`);
      return new Promise((resolve) => {
        const check = (): void => {
          const match = pattern.exec(text);
          if (match) {
            done();
            resolve(match);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

const frame = (message: unknown): string => {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};

const initialize = frame({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'umview' } });

/** The peer client's script of a whole session that runs `sh -c 'id > FILE'` as the adapter's
 * user, waiting for each answer as a real client does: what another user would send. */
function launchScript(file: string): string[] {
  return [
    `send:${initialize}`,
    'wait:"command":"initialize"',
    `send:${frame({ seq: 2, type: 'request', command: 'launch', arguments: { program: '/bin/sh', args: ['-c', `id > ${file}`] } })}`,
    'wait:"event":"initialized"',
    `send:${frame({ seq: 3, type: 'request', command: 'configurationDone' })}`,
    'wait:"event":"terminated"',
  ];
}

let clientCopy: string | undefined;
/** The peer client (test/fixtures/dap/peer-client.c) in a directory every uid can read: the
 * fixture cache may be under a home only its owner can search. */
function peerClient(): string {
  if (clientCopy === undefined) {
    const dir = tempDir('umview-dap-peer-');
    chmodSync(dir, 0o755);
    clientCopy = join(dir, 'peer-client');
    copyFileSync(program('peer-client', ['-O1']), clientCopy);
    chmodSync(clientCopy, 0o755);
  }
  return clientCopy;
}

/** Runs the peer client as `uid` (the other user by default): what came back and how the
 * connection ended. */
function asUser(args: string[], uid = otherUid): Promise<{ received: string; end: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(peerClient(), args, { uid, gid: uid, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => {
      const match = /(?:^|\n)end: ([^\n]*)\n$/.exec(out);
      if (!match) reject(new Error(`peer-client printed ${JSON.stringify(out)}`));
      else resolve({ received: out.slice(0, match.index), end: match[1]! });
    });
  });
}

/** A directory the test's other uid may search (the test's temp dirs are 0700). */
function sharedDir(): string {
  const dir = tempDir('umview-dap-users-');
  chmodSync(dir, 0o711);
  return dir;
}

describe('the adapter on 127.0.0.1 serves its own user only', () => {
  skipEachWhen(otherUidMissing);

  it('closes a connection from another uid before reading it, and runs nothing it asked for', async () => {
    const adapter = startAdapter(['--port', '0']);
    const port = Number((await adapter.logged(/listening on 127\.0\.0\.1:(\d+) for uid 0\n/))[1]);
    const dir = sharedDir();
    const planted = join(dir, 'launched-by-other');
    const other = await asUser(['tcp', String(port), ...launchScript(planted)]);
    expect(other.received).toBe('');
    expect(other.end).toMatch(/^(closed|reset)$/);
    await adapter.logged(new RegExp(`refused a connection from uid ${otherUid} on 127\\.0\\.0\\.1:${port}: this adapter serves uid 0 only`));
    // The adapter's own user is still served, and the same session from it does run.
    const owned = join(dir, 'launched-by-owner');
    expect((await asUser(['tcp', String(port), ...launchScript(owned)], 0)).end).toBe('done');
    expect(readFileSync(owned, 'utf8')).toMatch(/^uid=0\(/);
    expect(existsSync(planted)).toBe(false);
  });

  it("--allow-uid serves that uid too (and then runs what it asks, as the adapter's user)", async () => {
    const adapter = startAdapter(['--port', '0', '--allow-uid', String(otherUid)]);
    const port = Number((await adapter.logged(new RegExp(`listening on 127\\.0\\.0\\.1:(\\d+) for uid 0, ${otherUid}\\n`)))[1]);
    const launched = join(sharedDir(), 'launched-by-other');
    expect((await asUser(['tcp', String(port), ...launchScript(launched)])).end).toBe('done');
    expect(readFileSync(launched, 'utf8')).toMatch(/^uid=0\(/);
    expect(adapter.log()).not.toContain('refused');
  });
});

describe('the adapter on a unix socket', () => {
  it('makes the socket 0600 in a private directory, serves its user, and removes it at exit', async () => {
    const dir = tempDir('umview-dap-socket-');
    const path = join(dir, 'dap.sock');
    const adapter = startAdapter(['--socket', path]);
    await adapter.logged(new RegExp(`listening on ${path} for uid ${process.geteuid!()}\\n`));
    const stats = statSync(path);
    expect([stats.isSocket(), (stats.mode & 0o777).toString(8)]).toEqual([true, '600']);
    const { client, socket } = await RawClient.connectTo(path);
    client.raw(initialize);
    expect(await client.response(1)).toMatchObject({ success: true });
    socket.destroy();
    const exited = new Promise((resolve) => adapter.child.once('exit', resolve));
    adapter.child.kill('SIGTERM');
    await exited;
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    ['writable by others', 0o777, /writable by others without the sticky bit|is writable by others/],
    ['writable by its group', 0o770, /is writable by its group/],
  ])('refuses a directory %s, with the reason', (_what, mode, reason) => {
    const dir = join(tempDir('umview-dap-socket-'), 'shared');
    mkdirSync(dir);
    chmodSync(dir, mode);
    const r = spawnSync(process.execPath, [adapterCli, '--socket', join(dir, 'dap.sock')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toContain('$XDG_RUNTIME_DIR');
    expect(existsSync(join(dir, 'dap.sock'))).toBe(false);
  });

  describe('as another uid', () => {
    skipEachWhen(otherUidMissing);

    it('the socket mode keeps another uid out, and SO_PEERCRED refuses it even through a socket opened to all', async () => {
      const dir = sharedDir();
      const path = join(dir, 'dap.sock');
      const adapter = startAdapter(['--socket', path]);
      await adapter.logged(/listening on /);
      const planted = join(dir, 'launched-by-other');
      expect((await asUser(['unix', path, ...launchScript(planted)])).end).toBe('connect EACCES');
      // A socket made reachable by mistake: the adapter still asks the kernel who connected.
      chmodSync(path, 0o666);
      const other = await asUser(['unix', path, ...launchScript(planted)]);
      expect(other.received).toBe('');
      expect(other.end).toMatch(/^(closed|reset)$/);
      await adapter.logged(new RegExp(`refused a connection from uid ${otherUid} on ${path}: this adapter serves uid 0 only`));
      expect(existsSync(planted)).toBe(false);
    });

    it('--allow-uid serves that uid on the socket', async () => {
      const dir = sharedDir();
      const path = join(dir, 'dap.sock');
      const adapter = startAdapter(['--socket', path, '--allow-uid', String(otherUid)]);
      await adapter.logged(/listening on /);
      chmodSync(path, 0o666); // the allowed user still needs the right to connect
      const other = await asUser(['unix', path, `send:${initialize}`, 'wait:"command":"initialize"']);
      expect(other.end).toBe('done');
      expect(other.received).toMatch(/"request_seq":1,"command":"initialize","success":true/);
    });
  });
});
