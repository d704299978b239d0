// umview-lite's CLI entry (the bundle the launcher runs): a command line, or `--serve`, the warm
// monitor (server/monitor-server.ts). The server's modules (and node:net, node:child_process)
// are loaded only when they are used: start-up is part of every run.
import { writeSync } from 'node:fs';
import { runCommandLine } from './command-line.js';
import { dieOf } from './stand-in.js';
import { serverWanted } from '../server/server-wanted.js';

const argv = process.argv.slice(2);
const report = (error: unknown): never => {
  writeSync(2, `umview-lite: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
};
if (argv.length === 1 && argv[0] === '--serve') {
  import('../server/monitor-server.js').then((server) => server.serve()).catch(report);
} else {
  runCommandLine(argv).then(async (end) => {
    // Not served: start a server for the runs after this one (after a command, so that
    // `--help` or a typo never leaves one behind).
    if (end.ranCommand && serverWanted()) await (await import('../server/auto-start.js')).startServerForNextRuns();
    if (end.killedBy !== undefined) dieOf(end.killedBy);
    process.exit(end.status);
  }, report);
}
