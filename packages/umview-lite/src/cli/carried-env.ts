// What the executable (bin/umview-lite) carries across Node's start for the command.
//
// NODE_EXTRA_CA_CERTS: Node starts without it, which Node 20 would parse for nothing, and it is
// carried in UMVIEW_NODE_EXTRA_CA_CERTS: the command gets it back as it was, from the launcher
// or from the warm monitor.
//
// The open fds: Node marks the fds it inherits close-on-exec as it starts (libuv's
// uv_disable_stdio_inheritance: 0 to 15 and on) and opens /dev/null on a closed 0, 1 or 2, so a
// command spawned by a monitor that is Node would lose `3<file` and find a closed stdin open.
// The shell names the fds an exec passes on in UMVIEW_FDS, and the monitor's spawn passes
// exactly those (a served command is the hand-off client's child and has them already).
//
// The ignored signals: Node sets every signal to its default action as it starts, so a command
// spawned by a monitor that is Node would not inherit what its shell ignored (nohup's SIGHUP,
// `trap '' INT`, the SIGINT and SIGQUIT of a script's background job) and would die of them. The
// shell gives its SigIgn mask in UMVIEW_SIGIGN, and the monitor's spawn ignores those signals
// again (a served command inherits them from the hand-off client).
//
// The open-files limit: Node raises its soft RLIMIT_NOFILE to the hard limit as it starts. The
// shell gives its own soft limit in UMVIEW_NOFILE (/proc's "Max open files"), and the monitor's
// spawn gives the command that one.
import { SIGNALS, type StdioOption } from '@umview/ptrace-core';

/** Gives `env` its NODE_EXTRA_CA_CERTS back. */
export function restoreCarriedEnv(env: NodeJS.ProcessEnv | Record<string, string>): void {
  const carried = env.UMVIEW_NODE_EXTRA_CA_CERTS;
  if (carried === undefined) return;
  env.NODE_EXTRA_CA_CERTS = carried;
  delete env.UMVIEW_NODE_EXTRA_CA_CERTS;
}

/** Takes NODE_EXTRA_CA_CERTS out of `env` for a Node that starts the monitor, as bin/umview-lite
 * does; restoreCarriedEnv gives it back. */
export function carryEnv(env: NodeJS.ProcessEnv): void {
  if (env.NODE_EXTRA_CA_CERTS === undefined) return;
  env.UMVIEW_NODE_EXTRA_CA_CERTS = env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_EXTRA_CA_CERTS;
}

/** The fds the executable's shell passed on (UMVIEW_FDS), taken out of `env`; undefined when
 * it did not say (Node started otherwise, or no /proc to list them). */
export function takeInheritedFds(env: NodeJS.ProcessEnv): number[] | undefined {
  const listed = env.UMVIEW_FDS;
  delete env.UMVIEW_FDS;
  if (listed === undefined || !/^[0-9 ]*$/.test(listed)) return undefined;
  return listed.split(' ').filter((fd) => fd !== '').map(Number);
}

/** spawn's stdio that gives the command exactly the fds `fds`: each one as this process has it
 * (close-on-exec cleared), a closed 0, 1 or 2 closed (where Node holds /dev/null); the others
 * are this process's own, close-on-exec, and left to the exec. */
export function inheritedStdio(fds: readonly number[]): (StdioOption | undefined)[] {
  const stdio: (StdioOption | undefined)[] = ['close', 'close', 'close'];
  for (const fd of fds) stdio[fd] = 'inherit';
  return Array.from(stdio);
}

/** The signals the executable's shell ignored (UMVIEW_SIGIGN, /proc's SigIgn mask in hex),
 * taken out of `env`; undefined when it did not say. */
export function takeIgnoredSignals(env: NodeJS.ProcessEnv): number[] | undefined {
  const mask = env.UMVIEW_SIGIGN;
  delete env.UMVIEW_SIGIGN;
  if (mask === undefined || !/^[0-9a-f]{1,16}$/i.test(mask)) return undefined;
  const bits = BigInt(`0x${mask}`);
  const signals: number[] = [];
  // SIGKILL and SIGSTOP cannot be ignored: a mask that names them is not /proc's.
  for (let signal = 1; signal <= 64; signal++) {
    const ignored = ((bits >> BigInt(signal - 1)) & 1n) === 1n;
    if (ignored && signal !== SIGNALS.SIGKILL && signal !== SIGNALS.SIGSTOP) signals.push(signal);
  }
  return signals;
}

/** The soft open-files limit of the executable's shell (UMVIEW_NOFILE: a number or
 * "unlimited"), taken out of `env`; undefined when it did not say. */
export function takeOpenFilesLimit(env: NodeJS.ProcessEnv): number | 'unlimited' | undefined {
  const limit = env.UMVIEW_NOFILE;
  delete env.UMVIEW_NOFILE;
  if (limit === 'unlimited') return limit;
  return limit !== undefined && /^[0-9]{1,15}$/.test(limit) ? Number(limit) : undefined;
}
