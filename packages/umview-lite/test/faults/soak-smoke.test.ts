// The soak (bench/soak.mjs) for 15 seconds, as a smoke test: its machinery works, the workload
// runs under the monitor, SIGTERM ends it, nothing is left, no file descriptor count runs away. (The real
// soak is ten minutes: see the README; memory and throughput verdicts need that long.)
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const soak = fileURLToPath(new URL('../../bench/soak.mjs', import.meta.url));

describe('soak smoke test', () => {
  it('15 s of the soak workload: it runs, ends on SIGTERM, leaves nothing, no fd count runs away', async () => {
    const output = await new Promise<string>((resolve) => {
      execFile(process.execPath, [soak, '--minutes', '0.25', '--interval', '2', '--json'], { timeout: 60_000 }, (_error, stdout) => resolve(String(stdout)));
    });
    const report = JSON.parse(output.trim().split('\n').pop()!) as {
      samples: { rounds: number; tracees: number; fds: number }[];
      verdicts: { workloadExit: string; leftBehind: number };
    };
    expect(report.samples.length, JSON.stringify(report)).toBeGreaterThanOrEqual(6);
    expect(report.samples[report.samples.length - 1]!.rounds).toBeGreaterThan(1000);
    expect(report.verdicts, JSON.stringify(report)).toMatchObject({ workloadExit: '143', leftBehind: 0 });
    // A count is a snapshot (a proxied file may be open at that instant): 15 s cannot tell a slow
    // leak (the ten-minute soak does), but no count may run away from the first.
    const fds = report.samples.map((sample) => sample.fds);
    expect(Math.max(...fds), JSON.stringify(fds)).toBeLessThanOrEqual(fds[0]! + 2);
  }, 90_000);
});
