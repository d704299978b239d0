// umview-lite as a library: runs `cat /unreal/etc/hostname` with the seed's `unreal` module, so
// /unreal/etc/hostname is /etc/hostname, then prints the monitor's counters.
//   node examples/unreal-cat.mjs [command args...]
import { formatStats, run } from '@umview/umview-lite';

const command = process.argv.length > 2 ? process.argv.slice(2) : ['cat', '/unreal/etc/hostname'];
const { exitStatus, stats } = await run(command, { modules: ['unreal'] });
console.error(formatStats(stats));
process.exit(exitStatus);
