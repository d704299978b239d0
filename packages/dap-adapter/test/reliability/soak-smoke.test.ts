// The soak (bench/soak.mjs) for 15 seconds, as a smoke test: breakpoint hits by the thousand
// with every request answered, no file descriptor growth, no debuggee left when it ends. (The
// real soak is ten minutes: memory and throughput verdicts need that long.)
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const soak = fileURLToPath(new URL('../../bench/soak.mjs', import.meta.url));

describe('soak smoke test', () => {
  it('15 s of breakpoint hits: every request answered, no fd growth, no debuggee left', async () => {
    const output = await new Promise<string>((resolve) => {
      execFile(process.execPath, [soak, '--minutes', '0.25', '--interval', '2', '--json'], { timeout: 60_000 }, (_error, stdout) => resolve(String(stdout)));
    });
    const report = JSON.parse(output.trim().split('\n').pop()!) as {
      samples: { fds: number }[];
      verdicts: { hits: number; failedRequests: number; debuggeeLeftAlive: boolean };
    };
    expect(report.verdicts.hits, JSON.stringify(report)).toBeGreaterThan(1000);
    expect(report.verdicts, JSON.stringify(report)).toMatchObject({ failedRequests: 0, debuggeeLeftAlive: false });
    const fds = report.samples.map((sample) => sample.fds);
    expect(Math.max(...fds), JSON.stringify(fds)).toBeLessThanOrEqual(fds[0]! + 2);
  }, 90_000);
});
