// Command-line parsing: `umview-lite [options] -- command [args...]`.
import type { TraceMode } from '../monitor/monitor.js';
import type { BindPreset } from '../guest/default-binds.js';
import type { DataPath } from '../proxy/fast-path.js';

export interface CliOptions {
  modules: string[];
  trace: TraceMode;
  multi: boolean;
  stats: boolean;
  /** --routing: print the routing table (on stderr before the command; alone, on stdout). */
  routing: boolean;
  /** false with --no-let-through. */
  letThrough: boolean;
  /** --exact-registers: every rewritten call's argument registers put back after it. */
  exactRegisters: boolean;
  /** undefined: off; '-': stderr; else a file path. */
  strace: string | undefined;
  /** -r/--rootfs DIR: the guest's '/'. */
  rootfs: string | undefined;
  /** -b/--bind HOST[:GUEST], in order. */
  binds: string[];
  /** -w/--cwd DIR: the first program's guest cwd. */
  cwd: string | undefined;
  /** -0/--root-id: fake root. */
  fakeRoot: boolean;
  /** --meta FILE: fake root's metadata store. */
  meta: string | undefined;
  /** -R DIR / -S DIR: -r DIR with PRoot's binds for a system or for package management. */
  preset: BindPreset | undefined;
  /** -k/--kernel-release STRING: what uname reports. */
  kernelRelease: string | undefined;
  /** --kill-on-exit: the first process's exit kills the rest of the tree. */
  killOnExit: boolean;
  /** --data-path=kernel|stop: how served regular files move their data. */
  dataPath: DataPath;
  help: boolean;
  version: boolean;
  /** --serve: run the warm monitor server (server/monitor-server.ts) instead of a command. */
  serve: boolean;
  command: string[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const TRACE_MODES: readonly TraceMode[] = ['syscall', 'seccomp-all', 'seccomp'];
const DATA_PATHS: readonly DataPath[] = ['kernel', 'stop'];

export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = { modules: [], trace: 'seccomp', multi: true, stats: false, routing: false, letThrough: true, exactRegisters: false, strace: undefined, rootfs: undefined, binds: [], cwd: undefined, fakeRoot: false, meta: undefined, preset: undefined, kernelRelease: undefined, killOnExit: false, dataPath: 'kernel', help: false, version: false, serve: false, command: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (name: string): string => {
      const eq = arg.indexOf('=');
      if (eq >= 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`option ${name} needs a value`);
      return next;
    };
    if (arg === '--') {
      o.command = argv.slice(i + 1);
      break;
    }
    if (arg === '-h' || arg === '--help') o.help = true;
    else if (arg === '-V' || arg === '--version') o.version = true;
    else if (arg === '-m' || arg === '--module' || arg.startsWith('--module=')) o.modules.push(value('--module'));
    else if (arg.startsWith('-m') && arg.length > 2) o.modules.push(arg.slice(2));
    else if (arg === '--trace' || arg.startsWith('--trace=')) {
      const mode = value('--trace') as TraceMode;
      if (!TRACE_MODES.includes(mode)) throw new UsageError(`--trace must be one of ${TRACE_MODES.join(', ')} (not '${mode}')`);
      o.trace = mode;
    } else if (arg === '-r' || arg === '--rootfs' || arg.startsWith('--rootfs=')) o.rootfs = value('--rootfs');
    else if (arg === '-b' || arg === '--bind' || arg.startsWith('--bind=')) o.binds.push(value('--bind'));
    else if (arg === '-w' || arg === '--cwd' || arg.startsWith('--cwd=') || arg === '--pwd' || arg.startsWith('--pwd=')) o.cwd = value('--cwd');
    else if (arg === '-0' || arg === '--root-id') o.fakeRoot = true;
    else if (arg === '--meta' || arg.startsWith('--meta=')) o.meta = value('--meta');
    else if (arg === '-R') {
      o.rootfs = value('-R');
      o.preset = 'system';
    } else if (arg === '-S') {
      o.rootfs = value('-S');
      o.preset = 'packages';
      o.fakeRoot = true;
    } else if (arg === '-k' || arg === '--kernel-release' || arg.startsWith('--kernel-release=')) o.kernelRelease = value('--kernel-release');
    else if (arg === '--kill-on-exit') o.killOnExit = true;
    else if (arg === '--data-path' || arg.startsWith('--data-path=')) {
      const path = value('--data-path') as DataPath;
      if (!DATA_PATHS.includes(path)) throw new UsageError(`--data-path must be one of ${DATA_PATHS.join(', ')} (not '${path}')`);
      o.dataPath = path;
    }
    else if (arg === '--no-multi') o.multi = false;
    else if (arg === '--stats') o.stats = true;
    else if (arg === '--routing') o.routing = true;
    else if (arg === '--no-let-through') o.letThrough = false;
    else if (arg === '--exact-registers') o.exactRegisters = true;
    else if (arg === '--serve') o.serve = true;
    else if (arg === '--strace') o.strace = '-';
    else if (arg.startsWith('--strace=')) o.strace = arg.slice('--strace='.length) || '-';
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
    else {
      o.command = argv.slice(i);
      break;
    }
  }
  if (!o.help && !o.version && !o.routing && !o.serve && o.command.length === 0) throw new UsageError('no command given');
  return o;
}

export const USAGE = `Usage: umview-lite [options] [--] command [args...]

Runs command (and every process it starts) with part of its system calls virtualized by
modules, on a stock Linux kernel. Not a sandbox: see the README.

Options:
  -m, --module NAME[,opts]   load a module (repeatable): a built-in name or ./file.js
                               unreal            /unreal/X is X; the kernel serves the files
                               unreal,mode=proxy the monitor serves them (umview's way)
                               unreal,mode=fs    a file-system module serves them
                               tmpfs,MNT[,size=] an in-memory file system at MNT
                               overlay,DIR,upper=UP  copy-on-write over DIR, changes in UP
                               bind,HOST=GUEST   GUEST paths are HOST paths, like proot -b
                               archive,FILE=MNT  FILE (.tar[.gz|.xz], .zip) read-only at MNT
                               ./my-fs.js,MNT    your file-system module at MNT
  -r, --rootfs DIR           DIR is the guest's '/', as with proot -r: every path is
                               resolved inside it (its absolute symlinks too), programs run
                               with the guest's own dynamic loader and #! interpreters
  -b, --bind HOST[:GUEST]    show HOST at GUEST (default: the same path), as proot -b; with
                               -r a mount in the guest, else the bind module
  -R DIR                     -r DIR with the binds a system inside needs, as proot -R
                               (/dev, /proc, /sys, /tmp, /run, name resolution, your home)
                               but never the host's /etc/passwd, /etc/group, /etc/shadow
  -S DIR                     -0 -r DIR with proot -S's binds, for package management
  -w, --cwd DIR              the command's working directory in the guest (default /)
  -0, --root-id              fake root, as proot -0: the command sees itself as root (uid
                               0, set*id succeed), chown succeeds without changing the host's
                               files, the user's files show as root's; real permissions stay
                               the user's. chown and mknod of devices are remembered
  --meta FILE                where -0 remembers them (default: .DIR.umview-meta beside the
                               -r DIR, else ~/.local/share/umview-lite/fake-root.meta)
  -k, --kernel-release STR   the release uname reports (the uname module)
  --kill-on-exit             when the command exits, kill what it left running (by
                               default the monitor waits for the whole tree)
  --trace=MODE               how syscalls stop:
                               seccomp      only those the modules may claim (default)
                               seccomp-all  every syscall, once (SYSVM: no exit stops)
                               syscall      every syscall at entry and exit (2006, no SYSVM)
  --data-path=PATH           how files served in proxy mode or by a file-system module
                               move their data:
                               kernel  the program reads and writes a real fd on the
                                       file (or on the module's backing file), no stop
                                       per call (default)
                               stop    a stop per read and write, the monitor moving
                                       the data (the 2006 design)
  --no-multi                 copy tracee memory one PEEK/POKE per word (2006, no PTRACE_MULTI)
  --stats                    print the monitor's work on stderr at exit
  --routing                  print the routing table (which module serves which path prefix
                               or syscall, in which mode; which calls are let through at
                               their stop): on stderr before the command, or alone on stdout
  --no-let-through           every path call takes the monitor's full way, none is let
                               through at its stop (same results, slower: for comparing)
  --exact-registers          put a rewritten path call's argument registers back after it
                               (an exit stop per call), as the syscall ABI promises; by
                               default only calls a signal can restart (open, connect,
                               execve...) are put back, as the seccomp PRoot does
  --strace[=FILE]            log each syscall the monitor saw (default: stderr)
  --serve                    run the warm monitor in the foreground: a server that runs this
                               user's later commands (by default, those typed in a terminal
                               session, started on demand; UMVIEW_SERVER=1 always, 0 never;
                               see the README)
  -h, --help                 show this help
  -V, --version              show the version

Exit status: the command's, 128+N if it was killed by signal N; 2 for bad usage or an unknown
module, 126 if the command cannot be run, 127 if it is not found.
`;
