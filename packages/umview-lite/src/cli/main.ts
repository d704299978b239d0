// umview-lite's command line. Kept lean: start-up time is part of every run.
import { openSync, writeSync } from 'node:fs';
import { PermissionError, PtraceError, SpawnError, interruptWaitEvery, makeSignalsInterruptWait, SIGNALS } from '@umview/ptrace-core';
import { Monitor } from '../monitor/monitor.js';
import { ModuleConflictError, describeRouting } from '../monitor/routing.js';
import { formatStats } from '../monitor/stats.js';
import type { SyscallLogger } from '../monitor/syscall-logger.js';
import { loadModule } from '../modules/registry.js';
import { uname } from '../modules/uname.js';
import { USAGE, UsageError, parseArgs, type CliOptions } from './parse-args.js';
import { VERSION } from './version.js';
import { GuestRootError } from '../guest/guest-root.js';
import { MetadataStoreError } from '../fake-root/metadata-store.js';
import { guestRootOptions, parseBind } from '../guest/guest-root-options.js';

/** `-b HOST[:GUEST]` without -r: the bind module's HOST=GUEST. */
const bindModuleSpec = (text: string): string => {
  const { host, guest } = parseBind(text);
  return `${host}=${guest}`;
};

const fail = (message: string, code: number): never => {
  process.stderr.write(`umview-lite: ${message}\n`);
  process.exit(code);
};

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\nTry 'umview-lite --help' for more information.`, 2);
    throw error;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options.version) {
    process.stdout.write(`umview-lite ${VERSION}\n`);
    return 0;
  }
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
    monitor = new Monitor({ modules, trace: options.trace, multi: options.multi, straceLogger, letThrough: options.letThrough, exactRegisters: options.exactRegisters, guestRoot, fakeRoot: options.fakeRoot && { meta: options.meta }, killOnExit: options.killOnExit, dataPath: options.dataPath, countFastCalls: options.stats });
  } catch (error) {
    if (error instanceof ModuleConflictError || error instanceof GuestRootError || error instanceof MetadataStoreError) fail(error.message, 2);
    throw error;
  }
  if (options.routing) {
    const table = `${describeRouting(monitor.routing)}\n`;
    if (options.command.length === 0) {
      process.stdout.write(table);
      return 0;
    }
    process.stderr.write(table);
  }
  // Forward termination signals to the command. SIGINT from a terminal already reached it
  // (same process group), so it is forwarded only when there is no terminal.
  const forwarded = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  for (const signal of forwarded) {
    process.on(signal, () => {
      if (signal !== 'SIGINT' || !stdinIsTerminal()) monitor.forwardSignal(signal);
    });
  }
  makeSignalsInterruptWait(forwarded.map((s) => SIGNALS[s]));
  // A signal that comes while the monitor handles a stop interrupts no wait; the ticker makes
  // sure the next one is interrupted within 100 ms, so that it is forwarded even to a command
  // that never stops again (sleep).
  const stopTicker = interruptWaitEvery(100);
  let result;
  try {
    result = await monitor.run(options.command[0]!, options.command.slice(1));
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
  // Written directly: process.stderr would load Node's streams (~5 ms on Node 20 once V8's flags
  // are tuned: its modules then compile without Node's own code cache).
  if (options.stats) writeSync(2, `${formatStats(result.stats)}\n`);
  return result.exitStatus;
}

/** node:tty is loaded only when a SIGINT comes: start-up matters more. */
function stdinIsTerminal(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:tty') as typeof import('node:tty')).isatty(0);
}

/** The --strace logger, loaded only when asked for: the formatter's tables are big. */
async function openStraceLog(target: string | undefined): Promise<SyscallLogger | undefined> {
  if (target === undefined) return undefined;
  const { SyscallLog } = await import('../monitor/syscall-log.js');
  if (target === '-') return new SyscallLog((line) => writeSync(2, `${line}\n`));
  const fd = openSync(target, 'w');
  return new SyscallLog((line) => writeSync(fd, `${line}\n`));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => fail(error instanceof Error ? error.stack ?? error.message : String(error), 1),
);
