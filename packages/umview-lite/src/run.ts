// The library entry: run a command under modules, get its exit status and the monitor's
// stats.
import type { DataPath } from './proxy/fast-path.js';
import type { SpawnOptions } from '@umview/ptrace-core';
import { Monitor, type MonitorResult, type TraceMode } from './monitor/monitor.js';
import type { UmviewModule } from './modules/module.js';
import { loadModule } from './modules/registry.js';
import { guestRootOptions, type GuestRootSpec } from './guest/guest-root-options.js';

export interface RunOptions {
  /** Modules: built-in specs ('unreal', 'bind,/srv=/data'), file specs, or module objects. */
  modules?: readonly (string | UmviewModule)[];
  trace?: TraceMode;
  /** PTRACE_MULTI batching (default true). */
  multi?: boolean;
  /** Let unserved path calls go on at their stop (default true; see MonitorOptions). */
  letThrough?: boolean;
  /** Put every rewritten call's argument registers back (default false; see MonitorOptions). */
  exactRegisters?: boolean;
  /** Receives --strace lines. */
  strace?: (line: string) => void;
  /** A guest root: `rootfs` is the command's '/', as `umview-lite -r` (binds and cwd too). */
  guestRoot?: GuestRootSpec;
  /** Fake root, as `umview-lite -0` (`meta`: as `--meta FILE`). */
  fakeRoot?: boolean | { meta?: string };
  /** Kill what the command left running when it exits, as `--kill-on-exit`. */
  killOnExit?: boolean;
  /** How served regular files move their data, as `--data-path` (default 'kernel'). */
  dataPath?: DataPath;
  /** Standard streams, cwd and environment of the command. */
  spawn?: SpawnOptions;
}

export async function run(command: readonly string[], options: RunOptions = {}): Promise<MonitorResult> {
  if (command.length === 0) throw new TypeError('run: no command given');
  const modules = await Promise.all((options.modules ?? []).map((m) => (typeof m === 'string' ? loadModule(m) : m)));
  const straceLogger = options.strace ? new (await import('./monitor/syscall-log.js')).SyscallLog(options.strace) : undefined;
  const monitor = new Monitor({ modules, trace: options.trace, multi: options.multi, straceLogger, letThrough: options.letThrough, exactRegisters: options.exactRegisters,
    guestRoot: options.guestRoot === undefined ? undefined : guestRootOptions(options.guestRoot),
    fakeRoot: options.fakeRoot,
    killOnExit: options.killOnExit,
    dataPath: options.dataPath,
  });
  return monitor.run(command[0]!, command.slice(1), options.spawn);
}
