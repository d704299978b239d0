// The soak (bench/soak.mjs) for 15 seconds, as a smoke test: its machinery works, the workload
// runs under the monitor, SIGTERM ends it, nothing is left, no file descriptor count runs away. (The real
// soak is ten minutes: see the README; memory and throughput verdicts need that long.)
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const soak = fileURLToPath(new URL('../../bench/soak.mjs', import.meta.url));

describe('soak smoke test', () => {
  it('15 s of the soak workload: it runs, ends on SIGTERM, leaves nothing, no fd count runs away', async () => {
    // No timeout of ours: the soak ends by itself (15 s, then its own hang guard); vitest's
    // per-test timeout is the hang guard here. Its throughput is the bench's business (rounds/s
    // and the last/first quarter ratio in its report), not this test's.
    const output = await new Promise<string>((resolve) => {
      execFile(process.execPath, [soak, '--minutes', '0.25', '--interval', '2', '--json'], (_error, stdout) => resolve(String(stdout)));
    });
    const report = JSON.parse(output.trim().split('\n').pop()!) as {
      samples: { t: number; rounds: number; tracees: number; fds: number }[];
      verdicts: { workloadExit: string; leftBehind: number };
    };
    // Sampled from the start to the end of the 15 s, the workload alive at the last sample.
    expect(report.samples.length, JSON.stringify(report)).toBeGreaterThanOrEqual(2);
    expect(report.samples[report.samples.length - 1]!.t, JSON.stringify(report)).toBeGreaterThanOrEqual(15);
    // It ran under the monitor (a line of output per 256 rounds).
    expect(report.samples[report.samples.length - 1]!.rounds, JSON.stringify(report)).toBeGreaterThan(0);
    expect(report.verdicts, JSON.stringify(report)).toMatchObject({ workloadExit: 'SIGTERM', leftBehind: 0 });
    // A count is a snapshot (a proxied file may be open at that instant): 15 s cannot tell a slow
    // leak (the ten-minute soak does), but no count may run away from the first.
    const fds = report.samples.map((sample) => sample.fds);
    expect(Math.max(...fds), JSON.stringify(fds)).toBeLessThanOrEqual(fds[0]! + 2);
  });
});
