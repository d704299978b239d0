// The program's launcher in the client's terminal (`console`: integratedTerminal or
// externalTerminal), run there as `node terminal-launcher.js SOCKET` by the Node that runs the
// adapter. It makes the terminal's process become the program, traced from its first
// instruction:
// 1. it tells the adapter its pid over SOCKET (in a directory only this user can reach), and
//    gets what to run;
// 2. it allows the adapter to trace it (prctl PR_SET_PTRACER): under Yama's ptrace_scope 1 a
//    process may be traced only by its ancestors, and the adapter is no ancestor of the
//    terminal's processes;
// 3. it waits until the adapter has seized it. It waits blocked on the socket, not stopped by
//    SIGSTOP: the terminal's interactive shell would take a stopped foreground job for a ^Z,
//    report it stopped and take the terminal back, and the program would then run in the
//    background, without its input;
// 4. it execs the program in its place: the same pid and tty, its stdin, stdout and stderr the
//    terminal's (or the files of `stdio`), the environment the terminal's with launch.json's
//    changes. The adapter sees the exec and the program's first instruction.
// Node cannot exec: execvpe, prctl, dup2 and the signal resets are libc's, through koffi. Any
// failure is written to the terminal and sent to the adapter, and the launcher exits.
import { openSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { getKoffi } from '@umview/ptrace-core/internal';
import { onLines, type AdapterMessage, type LauncherMessage, type LauncherPlan } from './launcher-messages.js';

const PR_SET_PTRACER = 0x59616d61;
const EINVAL = 22;
const SIG_SETMASK = 2;
const F_SETFD = 2;
/** Signals whose disposition survives exec when ignored (Node ignores SIGPIPE): back to default. */
const RESET_SIGNALS = [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];

interface LauncherLibc {
  prctl(option: number, arg2: number, arg3: number, arg4: number, arg5: number): number;
  execvpe(file: string, argv: (string | null)[], envp: (string | null)[]): number;
  dup2(oldfd: number, newfd: number): number;
  fcntl(fd: number, command: number, arg: number): number;
  signal(signal: number, handler: null): unknown;
  sigprocmask(how: number, set: Buffer, old: null): number;
  strerror(errno: number): string;
  errno(): number;
}

function loadLibc(): LauncherLibc {
  const koffi = getKoffi(); // as ptrace-core loads it: the extension ships koffi's binary only
  const lib = koffi.load('libc.so.6');
  return {
    // prctl is variadic; on x86-64 the fixed and variadic conventions coincide for integers.
    prctl: lib.func('int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)'),
    execvpe: lib.func('int execvpe(const char *file, const char **argv, const char **envp)'),
    dup2: lib.func('int dup2(int oldfd, int newfd)'),
    // fcntl is variadic; an int third argument is passed as a fixed one is.
    fcntl: lib.func('int fcntl(int fd, int cmd, int arg)'),
    signal: lib.func('void *signal(int sig, void *handler)'),
    sigprocmask: lib.func('int sigprocmask(int how, void *set, void *oldset)'),
    strerror: lib.func('const char *strerror(int errnum)'),
    errno: () => koffi.errno(),
  } as LauncherLibc;
}

const libc = loadLibc();
const socketPath = process.argv[2];
let plan: LauncherPlan | undefined;
let files: (number | undefined)[] = [];
let environment: string[] = [];
let ending = false;

if (socketPath === undefined) fail('usage: terminal-launcher SOCKET (the umview debug adapter starts it)');
const socket = connect(socketPath!);
socket.setEncoding('utf8');
socket.on('connect', () => send({ type: 'hello', pid: process.pid }));
socket.on('error', (error) => fail(`cannot reach the debugger: ${error.message}`));
socket.on('close', () => fail('the debugger went away before starting the program'));
onLines(socket, (line) => handle(JSON.parse(line) as AdapterMessage));

function handle(message: AdapterMessage): void {
  switch (message.type) {
    case 'plan':
      plan = message;
      prepare(message);
      return;
    case 'go':
      exec();
      return;
    case 'abort':
      fail(message.message);
  }
}

/** Everything that can fail before the program runs, done while the terminal still shows why. */
function prepare(wanted: LauncherPlan): void {
  try {
    process.chdir(wanted.cwd);
  } catch (error) {
    return report(`cannot change to the folder "${wanted.cwd}": ${(error as Error).message}`);
  }
  // Without Yama the call fails with EINVAL, and no permission is needed beyond the usual.
  if (libc.prctl(PR_SET_PTRACER, wanted.tracerPid, 0, 0, 0) === -1 && libc.errno() !== EINVAL) {
    return report(`prctl(PR_SET_PTRACER) failed: ${libc.strerror(libc.errno())}`);
  }
  try {
    files = wanted.stdio.map((redirect) => (redirect === null ? undefined : openSync(redirect.path, redirect.flags)));
  } catch (error) {
    return report(`cannot open a file of "stdio": ${(error as Error).message}`);
  }
  const env = new Map(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  for (const name of wanted.launcherOnlyEnv) env.delete(name);
  for (const [name, value] of Object.entries(wanted.env)) {
    if (value === null) env.delete(name);
    else env.set(name, value);
  }
  environment = [...env].map(([name, value]) => `${name}=${value}`);
  // execvpe searches the PATH of this process (libc's getenv), not of envp: the program is
  // looked for where it will look for programs itself, as a launch without a terminal does.
  const path = env.get('PATH');
  if (path === undefined) delete process.env.PATH;
  else process.env.PATH = path;
  send({ type: 'ready' });
}

function exec(): void {
  const wanted = plan!;
  for (let target = 0; target < 3; target++) {
    const file = files[target];
    // Node makes the terminal's fds 0-2 close-on-exec: they must be the program's. A dup2'ed
    // file is not close-on-exec (Node's own fd of it is, and goes).
    if (file !== undefined) libc.dup2(file, target);
    else libc.fcntl(target, F_SETFD, 0);
  }
  for (const signal of RESET_SIGNALS) libc.signal(signal, null); // SIG_DFL
  libc.sigprocmask(SIG_SETMASK, Buffer.alloc(128), null);
  ending = true; // the socket closes with the exec (close-on-exec): no complaint
  libc.execvpe(wanted.program, [wanted.program, ...wanted.args, null], [...environment, null]);
  ending = false;
  report(`cannot run "${wanted.program}": ${libc.strerror(libc.errno())}`);
}

function send(message: LauncherMessage): void {
  socket.write(`${JSON.stringify(message)}\n`);
}

/** A failure: written to the terminal and to the adapter, then the launcher ends. */
function report(message: string): void {
  if (ending) return;
  ending = true;
  writeSync(2, `umview: ${message}\n`);
  socket.end(`${JSON.stringify({ type: 'error', message } satisfies LauncherMessage)}\n`, () => process.exit(127));
}

function fail(message: string): void {
  if (ending) return;
  ending = true;
  writeSync(2, `umview: ${message}\n`);
  process.exit(1);
}
