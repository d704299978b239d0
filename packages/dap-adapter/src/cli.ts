#!/usr/bin/env node
// umview-dap: the Debug Adapter Protocol on stdio (what VS Code starts), or on 127.0.0.1 with
// --port N (one session per connection).
import { serveConnection } from './transport/connection.js';
import { listen } from './transport/tcp-server.js';
import { VERSION } from './version.js';

const USAGE = `usage: umview-dap [--port N]
  (no option)  speak DAP on stdin/stdout (what VS Code starts)
  --port N     listen on 127.0.0.1:N, one session per connection (0 picks a free port)
  --version    print the version and exit
  --help       print this help and exit`;

type Command = { kind: 'stdio' } | { kind: 'port'; port: number } | { kind: 'help' } | { kind: 'version' };

function parseArgs(argv: readonly string[]): Command {
  let command: Command = { kind: 'stdio' };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version' || arg === '-V') return { kind: 'version' };
    const value = arg === '--port' ? argv[++index] : arg.startsWith('--port=') ? arg.slice('--port='.length) : undefined;
    if (value === undefined) throw new Error(arg === '--port' ? '--port needs a number' : `unknown argument ${arg}`);
    if (!/^\d+$/.test(value) || Number(value) > 65535) throw new Error(`invalid port ${value}`);
    command = { kind: 'port', port: Number(value) };
  }
  return command;
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
  if (command.kind === 'port') {
    const server = await listen(command.port);
    const address = server.address();
    process.stderr.write(`umview-dap: listening on 127.0.0.1:${typeof address === 'object' && address !== null ? address.port : command.port}\n`);
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
