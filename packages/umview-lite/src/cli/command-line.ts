// umview-lite's command line: options in, the command run under its modules, an exit status out,
// whether this process was started for it or is the warm monitor serving it (a `Served` run:
// server/monitor-server.ts). Kept lean: start-up time is part of every run. Everything is
// written with writeSync: process.stdout and process.stderr would load Node's streams (~5 ms on
// Node 20 once V8's flags are tuned: their modules then compile without Node's own code cache),
// and the warm monitor points fds 1 and 2 at each client's own.
import { openSync, writeSync } from 'node:fs';
import { PermissionError, PtraceError, SpawnError, type SpawnOptions } from '@umview/ptrace-core';
import { Monitor } from '../monitor/monitor.js';
import { ModuleConflictError, describeRouting } from '../monitor/routing.js';
import { formatStats } from '../monitor/stats.js';
import type { SyscallLogger } from '../monitor/syscall-logger.js';
import { loadModule } from '../modules/registry.js';
import { uname } from '../modules/uname.js';
import { USAGE, UsageError, parseArgs, type CliOptions } from './parse-args.js';
import { VERSION } from './version.js';
import { inheritedStdio, takeIgnoredSignals, takeInheritedFds, takeOpenFilesLimit } from './carried-env.js';
import { forwardSignals, ignoreJobControl, killTreeWithClient, stopAlongside } from './stand-in.js';
import { GuestRootError } from '../guest/guest-root.js';
import { MetadataStoreError } from '../fake-root/metadata-store.js';
import { guestRootOptions, parseBind } from '../guest/guest-root-options.js';

/** `-b HOST[:GUEST]` without -r: the bind module's HOST=GUEST. */
const bindModuleSpec = (text: string): string => {
  const { host, guest } = parseBind(text);
  return `${host}=${guest}`;
};

/** A run that ends with a message and a status before its command ran (or could run). */
class CliExit extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

const fail = (message: string, code: number): never => {
  throw new CliExit(message, code);
};

/** How the warm monitor runs a command: in the hand-off client's child. */
export interface Served {
  handOff: NonNullable<SpawnOptions['handOff']>;
  /** Calls `listener` if the client goes away before the run ends (killed). */
  onClientGone(listener: () => void): void;
  /** The command stopped for job control with `signal`: the client stops with it. */
  commandStopped(signal: number): void;
}

/** How a run ended: its exit status as a shell reports it, the signal that killed the
 * command if one did (the process that stands for it then dies of it too, stand-in.ts), and
 * whether a command ran at all (not --help, --version, a usage error or a command not found). */
export interface RunEnd {
  status: number;
  killedBy?: number;
  ranCommand?: true;
}

/** Runs umview-lite's command line; resolves with how it ended, its message written. */
export async function runCommandLine(argv: readonly string[], served?: Served): Promise<RunEnd> {
  try {
    return await commandLine(argv, served);
  } catch (error) {
    if (!(error instanceof CliExit)) throw error;
    writeSync(2, `umview-lite: ${error.message}\n`);
    return { status: error.status };
  }
}

async function commandLine(argv: readonly string[], served: Served | undefined): Promise<RunEnd> {
  // Taken out of the command's environment in both ways; served, the client's child has them.
  const inherited = takeInheritedFds(process.env);
  const ignoredSignals = takeIgnoredSignals(process.env);
  const openFilesLimit = takeOpenFilesLimit(process.env);
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\nTry 'umview-lite --help' for more information.`, 2);
    throw error;
  }
  if (options.help) {
    writeSync(1, USAGE);
    return { status: 0 };
  }
  if (options.version) {
    writeSync(1, `umview-lite ${VERSION}\n`);
    return { status: 0 };
  }
  if (options.serve) fail('--serve takes no other argument', 2);
  const modules = [];
  for (const spec of options.modules) {
    try {
      modules.push(await loadModule(spec));
    } catch (error) {
      fail((error as Error).message, 2);
    }
  }
  if (options.kernelRelease !== undefined) {
    try {
      modules.push(uname({ release: options.kernelRelease }));
    } catch (error) {
      fail((error as Error).message, 2);
    }
  }
  if (options.rootfs === undefined && options.binds.length > 0) {
    modules.push(await loadModule(`bind,${options.binds.map(bindModuleSpec).join(',')}`));
  }
  const straceLogger = await openStraceLog(options.strace);
  let monitor: Monitor;
  try {
    const guestRoot = options.rootfs === undefined ? undefined : guestRootOptions({ rootfs: options.rootfs, binds: options.binds, cwd: options.cwd, preset: options.preset });
    monitor = new Monitor({ modules, trace: options.trace, multi: options.multi, straceLogger, letThrough: options.letThrough, exactRegisters: options.exactRegisters, guestRoot, fakeRoot: options.fakeRoot && { meta: options.meta }, killOnExit: options.killOnExit, dataPath: options.dataPath, countFastCalls: options.stats,
      onStopped: served ? (signal) => served.commandStopped(signal) : stopAlongside });
  } catch (error) {
    if (error instanceof ModuleConflictError || error instanceof GuestRootError || error instanceof MetadataStoreError) fail(error.message, 2);
    throw error;
  }
  if (options.routing) {
    const table = `${describeRouting(monitor.routing)}\n`;
    if (options.command.length === 0) {
      writeSync(1, table);
      return { status: 0 };
    }
    writeSync(2, table);
  }
  // Served, the hand-off client forwards the signals sent to it, and a terminal's reach the
  // command itself; a client killed takes the command's tree with it, as a monitor killed does.
  const stopTicker = served ? killTreeWithClient(served, monitor) : forwardSignals(monitor);
  const stopIgnoring = served ? undefined : ignoreJobControl();
  let result;
  try {
    result = await monitor.run(options.command[0]!, options.command.slice(1), served ? { handOff: served.handOff } : { ...(inherited && { stdio: inheritedStdio(inherited) }), ignoredSignals, openFilesLimit });
  } catch (error) {
    if (error instanceof SpawnError) fail(error.message, error.code === 'ENOENT' ? 127 : 126);
    // Tracing refused (another tracer, a container without ptrace, Yama's ptrace_scope): say so
    // plainly, without a stack trace.
    if (error instanceof PermissionError) fail(`${error.message}: this system does not let umview-lite trace the command`, 1);
    if (error instanceof PtraceError) fail(error.message, 1);
    if (error instanceof GuestRootError) fail(error.message, error.exitStatus);
    throw error;
  }
  stopTicker();
  stopIgnoring?.(); // the monitor's own output after the run (--stats) stops in the background as any program's
  if (options.stats) writeSync(2, `${formatStats(result.stats)}\n`);
  return { status: result.exitStatus, ranCommand: true, ...(result.killedBy !== undefined && { killedBy: result.killedBy }) };
}

/** The --strace logger, loaded only when asked for: the formatter's tables are big. */
async function openStraceLog(target: string | undefined): Promise<SyscallLogger | undefined> {
  if (target === undefined) return undefined;
  const { SyscallLog } = await import('../monitor/syscall-log.js');
  if (target === '-') return new SyscallLog((line) => writeSync(2, `${line}\n`));
  const fd = openSync(target, 'w');
  return new SyscallLog((line) => writeSync(fd, `${line}\n`));
}
