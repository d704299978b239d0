// --stats and the fast data path: a served file's opens become fast fds, and a dd bs=4k of a
// multi-MiB file through them stops the tracee far fewer times than it reads or writes; with
// --data-path=stop (the old design) every read stops. Counts only, never times.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { tempDir, umview } from '../helpers.js';
import { TMPFS_MOUNT, noStopFlag, program } from './sides.js';

const MIB = 8;
const BLOCKS = (MIB << 20) / 4096;

interface Seen {
  /** ptrace stops of the whole run. */
  stops: number;
  /** Files opened through the monitor, and of those, handed over as fast fds. */
  opens: number;
  fastOpens: number;
  /** dd's own count of full blocks read (records in) and written (records out). */
  recordsIn: number;
  recordsOut: number;
}

function parse(stderr: string): Seen {
  const number = (re: RegExp): number => {
    const m = re.exec(stderr);
    if (!m) throw new Error(`no ${re} in:\n${stderr}`);
    return Number(m[1]);
  };
  const opens = /proxy: files opened\s+(\d+)\n\s+data path: fast opens\s+(\d+)/.exec(stderr);
  if (!opens) throw new Error(`no fast-fd count in --stats:\n${stderr}`);
  return {
    stops: number(/ptrace stops\s+(\d+)/),
    opens: Number(opens[1]),
    fastOpens: Number(opens[2]),
    recordsIn: number(/^(\d+)\+0 records in$/m),
    recordsOut: number(/^(\d+)\+0 records out$/m),
  };
}

async function stats(cliArgs: string[], script: string): Promise<Seen> {
  const r = await umview([...cliArgs, '--stats'], ['/bin/sh', '-c', script], { env: { PATH: process.env.PATH, LC_ALL: 'C' } });
  expect(r.code, r.stderr).toBe(0);
  return parse(r.stderr);
}

describe('--stats: dd bs=4k through /unreal in proxy mode', () => {
  const dir = tempDir('umview-dp-stats-');
  execFileSync('dd', ['if=/dev/urandom', `of=${join(dir, 'src')}`, 'bs=1M', `count=${MIB}`, 'status=none']);
  const read = `dd if=/unreal${dir}/src of=/dev/null bs=4k`;
  const write = `dd if=/unreal${dir}/src of=/unreal${dir}/copy bs=4k && cmp ${dir}/src ${dir}/copy`;

  it('reading: the open is a fast fd, and the tracee stops far fewer times than it reads', async () => {
    const seen = await stats(['-m', 'unreal,mode=proxy'], read);
    expect(seen.recordsIn).toBe(BLOCKS);
    expect(seen.fastOpens).toBeGreaterThanOrEqual(1);
    expect(seen.fastOpens).toBe(seen.opens);
    expect(seen.stops * 10).toBeLessThan(seen.recordsIn);
  });

  it('reading and writing served files: both fast, still far fewer stops than calls', async () => {
    const seen = await stats(['-m', 'unreal,mode=proxy'], write);
    expect(seen.recordsOut).toBe(BLOCKS);
    expect(seen.fastOpens).toBe(2);
    expect(seen.stops * 10).toBeLessThan(seen.recordsIn + seen.recordsOut);
  });

  it('counts the calls that ran in the kernel, also those after the last close (the fds closed at exit)', async () => {
    // short-reads makes 16 reads and writes on fds it closes at exit only (14 read, pread and
    // readv, 2 write), after its last close.
    const d = join(tempDir('umview-dp-stats-'), 'd');
    execFileSync('mkdir', [d]);
    const r = await umview(['-m', 'unreal,mode=proxy', '--stats'], [program('short-reads'), `/unreal${d}`], { env: { PATH: process.env.PATH, LC_ALL: 'C' } });
    expect(r.code, r.stderr).toBe(0);
    const m = /data path: calls in the kernel\s+(\d+)/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(16);
  });

  it('--data-path=stop: no fast fd, a stop for every read', async (ctx) => {
    if (noStopFlag) ctx.skip(noStopFlag);
    const seen = await stats(['-m', 'unreal,mode=proxy', '--data-path=stop'], read);
    expect(seen.fastOpens).toBe(0);
    expect(seen.stops).toBeGreaterThanOrEqual(seen.recordsIn);
  });
});

describe('--stats: dd bs=4k on the tmpfs module', () => {
  skipEachWhen(noStopFlag && 'no fast data path in this umview-lite');
  // The file is put in place by a first command of the same run (the tmpfs ends with it).
  const prepare = `dd if=/dev/zero of=${TMPFS_MOUNT}/src bs=1M count=${MIB} status=none`;

  it('reading: the open is a fast fd, and the tracee stops far fewer times than it reads', async () => {
    const fast = await stats(['-m', `tmpfs,${TMPFS_MOUNT}`], `${prepare} && dd if=${TMPFS_MOUNT}/src of=/dev/null bs=4k`);
    expect(fast.recordsIn).toBe(BLOCKS);
    // ("files opened" counts the proxy's opens only, not a file-system module's.)
    expect(fast.fastOpens).toBeGreaterThanOrEqual(1);
    // The preparing dd writes 8 blocks of 1 MiB: a few stops either way.
    expect(fast.stops * 10).toBeLessThan(fast.recordsIn);
  });
});
