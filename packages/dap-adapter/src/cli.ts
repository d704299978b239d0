#!/usr/bin/env node
// umview-dap: the Debug Adapter Protocol on stdio (what VS Code starts), on 127.0.0.1 with
// --port N, or on a unix socket with --socket PATH (one session per connection, served to the
// adapter's own user only: see transport/connection-policy.ts).
import { servedUids } from './transport/connection-policy.js';
import { serveConnection } from './transport/connection.js';
import { listen } from './transport/tcp-server.js';
import { listenOnSocket } from './transport/unix-server.js';
import { VERSION } from './version.js';

const USAGE = `usage: umview-dap [--port N | --socket PATH] [--allow-uid UID]...
  (no option)     speak DAP on stdin/stdout (what VS Code starts)
  --port N        listen on 127.0.0.1:N, one session per connection (0 picks a free port)
  --socket PATH   listen on a unix socket made with mode 0600 (its directory must be writable
                  by you only, e.g. $XDG_RUNTIME_DIR)
  --allow-uid UID also serve connections from this uid (by default only the adapter's own
                  user is served, root's adapter included; others are refused)
  --version       print the version and exit
  --help          print this help and exit`;

type Command =
  | { kind: 'stdio' }
  | { kind: 'port'; port: number; allowUids: number[] }
  | { kind: 'socket'; path: string; allowUids: number[] }
  | { kind: 'help' }
  | { kind: 'version' };

/** `--name value` or `--name=value`: the value, or undefined when `arg` is another option. */
function optionValue(argv: readonly string[], index: number, name: string): { value: string; next: number } | undefined {
  const arg = argv[index]!;
  if (arg === name) {
    const value = argv[index + 1];
    if (value === undefined) throw new Error(`${name} needs a value`);
    return { value, next: index + 1 };
  }
  if (arg.startsWith(`${name}=`)) return { value: arg.slice(name.length + 1), next: index };
  return undefined;
}

function parseArgs(argv: readonly string[]): Command {
  let port: number | undefined;
  let socket: string | undefined;
  const allowUids: number[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version' || arg === '-V') return { kind: 'version' };
    let option = optionValue(argv, index, '--port');
    if (option !== undefined) {
      if (!/^\d+$/.test(option.value) || Number(option.value) > 65535) throw new Error(`invalid port ${option.value}`);
      port = Number(option.value);
      index = option.next;
      continue;
    }
    option = optionValue(argv, index, '--socket');
    if (option !== undefined) {
      if (option.value === '') throw new Error('--socket needs a path');
      socket = option.value;
      index = option.next;
      continue;
    }
    option = optionValue(argv, index, '--allow-uid');
    if (option !== undefined) {
      if (!/^\d+$/.test(option.value) || Number(option.value) > 0xfffffffe) throw new Error(`invalid uid ${option.value}`);
      allowUids.push(Number(option.value));
      index = option.next;
      continue;
    }
    throw new Error(`unknown argument ${arg}`);
  }
  if (port !== undefined && socket !== undefined) throw new Error('--port and --socket cannot be used together');
  if (port !== undefined) return { kind: 'port', port, allowUids };
  if (socket !== undefined) return { kind: 'socket', path: socket, allowUids };
  if (allowUids.length > 0) throw new Error('--allow-uid goes with --port or --socket (stdio serves whoever started the adapter)');
  return { kind: 'stdio' };
}

async function main(): Promise<void> {
  let command: Command;
  try {
    command = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`umview-dap: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command.kind === 'version') {
    process.stdout.write(`umview-dap ${VERSION}\n`);
    return;
  }
  if (command.kind === 'port' || command.kind === 'socket') {
    const served = servedUids(command.allowUids).join(', ');
    if (command.kind === 'port') {
      const server = await listen(command.port, { allowUids: command.allowUids });
      const address = server.address();
      process.stderr.write(`umview-dap: listening on 127.0.0.1:${typeof address === 'object' && address !== null ? address.port : command.port} for uid ${served}\n`);
    } else {
      const server = await listenOnSocket(command.path, { allowUids: command.allowUids });
      process.stderr.write(`umview-dap: listening on ${server.address() as string} for uid ${served}\n`);
      // Exiting on these signals (rather than being killed by them) removes the socket file.
      for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
        process.once(signal, () => process.exit(128 + number));
      }
    }
    return;
  }
  // stdout carries the protocol: nothing else may be written to it.
  console.log = console.error;
  const session = serveConnection(process.stdin, process.stdout, {
    onEnd: () => process.stdout.write('', () => process.exit(0)),
  });
  process.once('SIGTERM', () => session.shutdown());
}

main().catch((error: Error) => {
  process.stderr.write(`umview-dap: ${error.message}\n`);
  process.exit(1);
});
