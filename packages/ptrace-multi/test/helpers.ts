// Shared test helpers: the memory-regions fixture started and stopped where the tests work.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC, tempDir } from '@umview/test-fixtures';
import { PAGE_SIZE, SIGNALS, Tracer, type Tracee } from '@umview/ptrace-core';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Compiles test/fixtures/NAME.c (cached) and returns the executable's path. */
export function fixture(name: string, flags: string[] = ['-O0', '-g']): string {
  return compileC(join(fixtures, `${name}.c`), { flags, name });
}

export interface Regions {
  tracer: Tracer;
  tracee: Tracee;
  /** First byte of the region. */
  base: number;
  pages: number;
  /** Page numbers (from base) of the unmapped, read-only and PROT_NONE pages. */
  hole: number;
  readonly: number;
  none: number;
  /** Address of the fixture's answer() function (read-only .text). */
  answer: number;
  /** Address of page `p` of the region. */
  page(p: number): number;
  /** What the fixture printed so far. */
  output(): string;
}

/** Starts memory-regions and runs it to its SIGUSR1 stop. */
export function startRegions(): Regions {
  const out = join(tempDir(), 'out.txt');
  const tracer = new Tracer();
  const tracee = tracer.spawn(fixture('memory-regions'), [], { stdout: { path: out } });
  tracee.cont();
  for (const stop of tracer.stops()) {
    if (stop.kind === 'signal' && stop.signal === SIGNALS.SIGUSR1) {
      const [base, pages, hole, readonly, none, answer] = readFileSync(out, 'utf8').trim().split(' ').map((h) => Number(h));
      return {
        tracer, tracee, base: base!, pages: pages!, hole: hole!, readonly: readonly!, none: none!, answer: answer!,
        page: (p) => base! + p * PAGE_SIZE,
        output: () => readFileSync(out, 'utf8'),
      };
    }
    stop.tracee.cont(stop.kind === 'signal' ? stop.signal : 0);
  }
  throw new Error('memory-regions never reached its SIGUSR1 stop');
}

/** Lets the tracee run to its end (SIGUSR1 suppressed) and returns its output. */
export function finishRegions(r: Regions): string {
  r.tracee.cont(0);
  for (const stop of r.tracer.stops()) {
    if (stop.kind === 'exited' || stop.kind === 'killed') continue;
    stop.tracee.cont(stop.kind === 'signal' ? stop.signal : 0);
  }
  return r.output();
}

/** Every page of the region as the tracee has it (undefined for the hole), read through
 * ptrace-core's own path, independent of the code under test. */
export function snapshotRegion(r: Regions): (Buffer | undefined)[] {
  const out: (Buffer | undefined)[] = [];
  for (let p = 0; p < r.pages; p++) {
    if (p === r.hole) { out.push(undefined); continue; }
    out.push(r.tracee.read(r.page(p), PAGE_SIZE));
  }
  return out;
}

/** Writes pages back (ptrace-core's path: /proc/PID/mem reaches read-only and PROT_NONE pages). */
export function restoreRegion(r: Regions, pages: (Buffer | undefined)[]): void {
  pages.forEach((bytes, p) => { if (bytes) r.tracee.write(r.page(p), bytes); });
}
