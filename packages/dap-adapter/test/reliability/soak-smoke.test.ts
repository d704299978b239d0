// The soak (bench/soak.mjs) for 2000 breakpoint hits, as a smoke test: after each hit what
// VS Code asks (threads, stackTrace, scopes, variables, evaluate), every 100 hits setBreakpoints
// and readMemory; every request answered, no file descriptor growth, no debuggee left when it
// ends. A count of hits, not a duration: the results are what is tested here, not the speed (the
// real soak is ten minutes, for the memory and throughput verdicts; the cost of a hit beside
// lldb-dap is in bench/run.mjs).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const soak = fileURLToPath(new URL('../../bench/soak.mjs', import.meta.url));
const HITS = 2000;

describe('soak smoke test', () => {
  it(`${HITS} breakpoint hits: every request answered, no fd growth, no debuggee left`, async () => {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [soak, '--hits', String(HITS), '--json'], (_error, out, err) => resolve({ stdout: String(out), stderr: String(err) }));
    });
    const last = stdout.trim().split('\n').pop()!;
    expect(last, `the soak printed no JSON:\n${stdout}\n${stderr}`).toMatch(/^\{.*\}$/);
    const report = JSON.parse(last) as {
      samples: { fds: number; hits: number }[];
      verdicts: { hits: number; failedRequests: number; debuggeeLeftAlive: boolean };
    };
    expect(report.verdicts, JSON.stringify(report)).toMatchObject({ hits: HITS, failedRequests: 0, debuggeeLeftAlive: false });
    expect(report.samples.map((sample) => sample.hits)).toEqual([1, ...Array.from({ length: 10 }, (_, i) => (i + 1) * (HITS / 10))]);
    const fds = report.samples.map((sample) => sample.fds);
    expect(Math.max(...fds), JSON.stringify(fds)).toBeLessThanOrEqual(fds[0]! + 2);
  });
});
