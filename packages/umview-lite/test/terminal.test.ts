// A command typed into an interactive shell in a terminal, under a monitor of its own and served
// by the warm monitor alike: Ctrl-Z stops it and `fg` continues it where it was (a command that
// catches SIGTSTP runs its handler, its job not stopped), Ctrl-C ends it with the status a shell
// gives a SIGINT (130), and closing the terminal ends it with nothing left behind. The terminal is a
// real pty (Python's pty module) and the shell a real bash, so the kernel's line discipline
// sends these signals to the foreground process group: the command and the process that stands
// for the monitor (Node, or the hand-off client).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';
import { WHO, defaultServerEnv, executable, serverEnv, serverPid, startServer, stopServers } from './warm-server.js';

const terminals: Terminal[] = [];
afterEach(async () => {
  // A test that failed left its terminal open: closing it ends what runs there (SIGHUP).
  for (const terminal of terminals.splice(0)) terminal.process.kill('SIGKILL');
  await stopServers();
});

/** Why there is no terminal to test with, or undefined. */
function noTerminal(): string | undefined {
  for (const [tool, args] of [['python3', ['-c', 'import pty']], ['bash', ['-c', 'true']]] as const) {
    try {
      execFileSync(tool, args, { stdio: 'ignore' });
    } catch {
      return `${tool} is needed to run an interactive shell in a pty (${tool} ${args.join(' ')} failed)`;
    }
  }
  return undefined;
}
const missing = noTerminal();
if (missing !== undefined) console.log(`terminal.test.ts skipped: ${missing}`);

/** An interactive bash in a pty; what it shows is read from the pty's master side. Its fd 3 is
 * a pipe that every process of the session inherits: its end closes when they have all exited. */
class Terminal {
  private shown = '';
  private readonly waiters: { text: string; found: () => void }[] = [];
  readonly process: ChildProcess;
  readonly held: Readable;

  constructor(env: NodeJS.ProcessEnv) {
    this.process = spawn('python3', ['-c', 'import pty; pty.spawn(["bash", "--norc", "--noprofile", "-i"])'], {
      env: { ...env, TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'inherit', 'pipe'],
    });
    terminals.push(this);
    this.held = this.process.stdio[3] as Readable;
    this.held.resume();
    this.process.stdout!.on('data', (data: Buffer) => {
      this.shown += data.toString();
      for (const waiter of [...this.waiters]) {
        if (!this.shown.includes(waiter.text)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.found();
      }
    });
  }

  type(keys: string): void {
    this.process.stdin!.write(keys);
  }

  /** Resolves, with all it has shown, when the terminal has shown `text`. Markers are typed
   * split ("st""arted"), so that the echo of the typed line never shows them. */
  shows(text: string): Promise<string> {
    if (this.shown.includes(text)) return Promise.resolve(this.shown);
    return new Promise((found) => this.waiters.push({ text, found: () => found(this.shown) }));
  }
}

describe.skipIf(missing !== undefined)('a command in a terminal, under job control', () => {
  for (const served of [false, true]) {
    const monitor = served ? 'hand-off' : 'node';

    it(`${served ? 'served' : 'cold'}: Ctrl-Z stops it until fg, Ctrl-C ends it (and its loop) with 130`, async () => {
      const env = serverEnv();
      if (served) await startServer(env);
      else env.UMVIEW_SERVER = '0';
      const terminal = new Terminal(env);
      // The command reads a FIFO that the test writes to while the job is stopped: what it
      // read shows only after fg, if it stays stopped until then.
      const fifo = join(tempDir(), 'fifo');
      execFileSync('mkfifo', [fifo]);
      const writer = openSync(fifo, 'r+'); // a writer (O_RDWR does not wait for a reader)
      try {
        terminal.type(`${executable} -m unreal -- sh -c 'echo "st""arted $(${WHO})"; read line < ${fifo}; echo "g""ot $line"'\n`);
        await terminal.shows(`started ${monitor}`);
        terminal.type('\x1a'); // Ctrl-Z
        await terminal.shows('Stopped');
        writeSync(writer, 'hello\n');
        terminal.type('echo "ma""rk"\n');
        const stopped = await terminal.shows('mark');
        expect(stopped).not.toContain('got hello');
        terminal.type('fg\n');
        await terminal.shows('got hello');
      } finally {
        closeSync(writer);
      }

      // A command that dies of the Ctrl-C ends the line it is part of, as natively (the monitor
      // dies of the SIGINT too); the loop does not go on to its next round.
      terminal.type(`for round in 1 2; do ${executable} -m unreal -- sh -c 'echo "ro""und $0"; exec sleep 1000' $round; done; echo "no""t reached"\n`);
      await terminal.shows('round 1');
      terminal.type('\x03'); // Ctrl-C
      terminal.type('echo "status $? wa""s it"\n');
      const interrupted = await terminal.shows('was it');
      expect(interrupted).toContain('status 130 was it');
      expect(interrupted).not.toMatch(/round 2|not reached/);

      terminal.type(`${executable} -- sh -c 'echo "n""ext $(${WHO})"'\n`);
      await terminal.shows(`next ${monitor}`);
      terminal.type('exit\n');
      await once(terminal.process, 'close');
    });

    it(`${served ? 'served' : 'cold'}: a command that catches SIGTSTP runs its handler, its job not stopped, as natively`, async () => {
      const env = serverEnv();
      if (served) await startServer(env);
      else env.UMVIEW_SERVER = '0';
      const terminal = new Terminal(env);
      // The handler ends the command: Ctrl-Z may come before its read as well as during it
      // (dash's read ends when a trapped signal interrupts it and runs the trap).
      terminal.type(`${executable} -m unreal -- sh -c 'trap "echo ca""ught; exit 7" TSTP; echo "st""arted $(${WHO})"; read line; echo "not reached"'\n`);
      await terminal.shows(`started ${monitor}`);
      terminal.type('\x1a'); // Ctrl-Z
      await terminal.shows('caught');
      // The job ended with the handler's status rather than stopped (148): the shell runs the
      // next line, and never said Stopped.
      terminal.type('echo "status $? ma""rk"\n');
      const shown = await terminal.shows('mark');
      expect(shown).toContain('status 7 mark');
      expect(shown).not.toContain('Stopped');
      terminal.type('exit\n');
      await once(terminal.process, 'close');
    });

    it(`${served ? 'served' : 'cold'}: closing the terminal ends the command, nothing left behind`, async () => {
      const env = serverEnv();
      if (served) await startServer(env);
      else env.UMVIEW_SERVER = '0';
      const terminal = new Terminal(env);
      const allGone = once(terminal.held, 'close');
      terminal.type(`${executable} -m unreal -- sh -c 'echo "re""ady $(${WHO})"; sleep 1000 & exec sleep 1000'\n`);
      await terminal.shows(`ready ${monitor}`);
      terminal.process.kill('SIGKILL'); // the pty's master side closes: the kernel hangs it up
      await allGone; // bash, the monitor's stand-in and both sleeps have exited
    });
  }
});

// UMVIEW_SERVER unset (src/server/server-wanted.ts and bin/umview-lite, the same rule in two
// languages): a command typed in a terminal starts a warm monitor for the next ones, unless CI
// is set. server.test checks that a run without a terminal starts none.
describe.skipIf(missing !== undefined)('the warm monitor by default', () => {
  /** Types a command under umview-lite and returns which monitor ran it (WHO), once the shell
   * has gone on to its next command. */
  async function monitorOf(terminal: Terminal, name: string): Promise<string> {
    terminal.type(`${executable} -- sh -c 'echo "${name} $(${WHO})"'; echo "do""ne-${name}"\n`);
    const shown = await terminal.shows(`done-${name}`);
    return shown.match(new RegExp(`${name} (\\S+)\\r?\\n`))![1]!;
  }

  /** A terminal whose environment leaves the choice to the default, CI set to `ci`. */
  function terminalWith(ci: string | undefined): { terminal: Terminal; env: NodeJS.ProcessEnv } {
    const env = defaultServerEnv(ci);
    return { terminal: new Terminal(env), env };
  }

  it('is started by a command typed in a terminal, and serves the next one', async () => {
    const { terminal, env } = terminalWith(undefined);
    // Only a command starts one: not --version, not a command that is not found.
    terminal.type(`${executable} --version; ${executable} -- no-such-command; echo "ve""rsion-done"\n`);
    await terminal.shows('version-done');
    expect(serverPid(env.XDG_CACHE_HOME!)).toBeUndefined();
    expect(await monitorOf(terminal, 'first')).toBe('node');
    expect(serverPid(env.XDG_CACHE_HOME!)).toBeGreaterThan(0);
    expect(await monitorOf(terminal, 'second')).toBe('hand-off');
    terminal.type('exit\n');
    await once(terminal.process, 'close');
  });

  it('is neither started nor used when CI is set', async () => {
    const { terminal, env } = terminalWith('true');
    expect(await monitorOf(terminal, 'first')).toBe('node');
    expect(serverPid(env.XDG_CACHE_HOME!)).toBeUndefined();
    await startServer(env);
    expect(await monitorOf(terminal, 'second')).toBe('node');
    terminal.type('exit\n');
    await once(terminal.process, 'close');
  });
});
