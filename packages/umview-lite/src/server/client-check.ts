// Whether the warm monitor may run a hand-off client's command, and what it needs to run it as a
// monitor started by that client would: its command line, environment, working directory and
// umask. A client it must not serve is declined (and runs its own monitor, no slower than
// without a server): one whose credentials, namespaces or root differ from the server's (paths
// and permissions would then be another's); one started for another build of umview-lite, another
// Node or other NODE_OPTIONS (a server is this build's, on this Node as it was started); one that
// loads a module file; one whose arguments are too big to hand over. The socket's directory is
// private (0700), so a client is this user's in any case.
import { readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { HAND_OFF_EXEC_ROOM } from '@umview/ptrace-core';
import { readProcStatusField } from '@umview/ptrace-core/internal';
import { parseArgs } from '../cli/parse-args.js';
import { parseModuleSpec } from '../modules/registry.js';

/** The client's command line as the hand-off client got it: its path, the socket, Node, the CLI. */
const CLIENT_ARGS = 4;
const NAMESPACES = ['mnt', 'pid', 'user', 'net', 'ipc', 'uts', 'cgroup'];
const CREDENTIALS = ['Uid', 'Gid', 'Groups'];

export interface ClientRun {
  /** umview-lite's arguments. */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  umask: number;
}

/** What the server compares clients with: its own build, Node and process. */
export interface ServerIdentity {
  cli: string;
  cliStamp: string;
  node: string;
  nodeStamp: string;
  /** What Node was started with besides its command line. */
  nodeOptions: string | undefined;
}

export function serverIdentity(cli: string): ServerIdentity {
  const real = realpathSync(cli);
  const node = realpathSync(process.execPath);
  return { cli: real, cliStamp: stamp(real), node, nodeStamp: stamp(node), nodeOptions: process.env.NODE_OPTIONS };
}

/** Why the server runs what is no longer installed where it was started from (umview-lite or
 * Node upgraded in place), or undefined: such a server would decline every client until it went
 * idle, so it makes way for one that the next cold run starts. */
export function outdated(server: ServerIdentity): string | undefined {
  try {
    if (stamp(server.cli) !== server.cliStamp) return `umview-lite changed at ${server.cli} since the server started`;
    if (stamp(server.node) !== server.nodeStamp) return `Node changed at ${server.node} since the server started`;
  } catch (error) {
    return (error as Error).message; // removed
  }
  return undefined;
}

/** Why `client` (the parent, whose stopped child is `child`) is declined; or what to run. */
export function checkClient(client: number, child: number, server: ServerIdentity): { declined: string } | { run: ClientRun } {
  try {
    if (readProcStatusField(child, 'PPid') !== String(client)) return { declined: `process ${child} is not the client's child` };
    for (const field of CREDENTIALS) {
      if (readProcStatusField(client, field) !== readProcStatusField(process.pid, field)) return { declined: `its ${field} differs` };
    }
    for (const ns of NAMESPACES) {
      if (readlinkSync(`/proc/${client}/ns/${ns}`) !== readlinkSync(`/proc/self/ns/${ns}`)) return { declined: `it is in another ${ns} namespace` };
    }
    if (readlinkSync(`/proc/${client}/root`) !== '/') return { declined: 'its root directory is not /' };
    const cmdline = readFileSync(`/proc/${client}/cmdline`);
    const environ = readFileSync(`/proc/${client}/environ`);
    if (cmdline.length + environ.length > HAND_OFF_EXEC_ROOM / 2) return { declined: 'its arguments and environment are too big to hand over' };
    const args = split(cmdline);
    if (args.length < CLIENT_ARGS) return { declined: 'its command line is not a hand-off client\'s' };
    const cwd = readlinkSync(`/proc/${client}/cwd`);
    if (!cwd.startsWith('/') || !statSync(cwd).isDirectory()) return { declined: 'its working directory is gone' };
    if (realpathSync(resolve(cwd, args[2]!)) !== server.node) return { declined: `it runs another Node (${args[2]})` };
    // The server's own build unchanged on disk is outdated()'s, checked before any client.
    if (realpathSync(resolve(cwd, args[3]!)) !== server.cli) return { declined: 'it runs another build of umview-lite' };
    if (loadsModuleFile(args.slice(CLIENT_ARGS))) return { declined: 'it loads a module file (imported once per process, so not by a server that outlives it)' };
    const env: Record<string, string> = {};
    for (const entry of split(environ)) {
      const eq = entry.indexOf('=');
      if (eq > 0 && !(entry.slice(0, eq) in env)) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    if (env.NODE_OPTIONS !== server.nodeOptions) return { declined: 'its NODE_OPTIONS differ from the server\'s' };
    const umask = Number.parseInt(readProcStatusField(client, 'Umask') ?? '', 8);
    if (Number.isNaN(umask)) return { declined: 'its umask is unknown' };
    return { run: { argv: args.slice(CLIENT_ARGS), env, cwd, umask } };
  } catch (error) {
    return { declined: (error as Error).message }; // gone meanwhile, or /proc unreadable
  }
}

/** Whether a command line loads a module from a file: a server would run the version of the
 * file it imported first, whatever the file says now. */
function loadsModuleFile(argv: readonly string[]): boolean {
  try {
    return parseArgs(argv).modules.some((spec) => parseModuleSpec(spec).name.includes('/'));
  } catch {
    return false; // a usage error, which the run reports
  }
}

/** A build's identity: the CLI's size and modification time. */
function stamp(path: string): string {
  const { size, mtimeMs } = statSync(path);
  return `${size}-${mtimeMs}`;
}

function split(nulSeparated: Buffer): string[] {
  const text = nulSeparated.toString();
  return text === '' ? [] : (text.endsWith('\0') ? text.slice(0, -1) : text).split('\0');
}
