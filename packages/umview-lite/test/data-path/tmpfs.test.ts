// The data path's semantics on the tmpfs module's mount (files prepared by the fixtures
// themselves: the tmpfs ends with the monitor), against a native run on a real tmpfs.
import { describe, expect, it } from 'vitest';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { compareCases, type View } from './compare.js';
import { DESIGNS, HUGE_FILES, TMPFS_FAST_FROM, nativeTmpfs, noNativeTmpfs, noStopFlag, program, tmpfsModule, transcript } from './sides.js';

const tmpfs: View = {
  where: 'tmpfs module',
  kind: 'module',
  fastFrom: TMPFS_FAST_FROM,
  native: (files) => nativeTmpfs(undefined, files),
  monitored: (design, files) => tmpfsModule(design, undefined, files),
  missing: noNativeTmpfs(),
  // What the old design documents it does otherwise (README, "What the monitor does for you").
  skip: (c, design) =>
    design === 'stop' && c.id === 'mmap-shared' ? 'the old design maps a copy of the file: MAP_SHARED writes reach the copy, not the module (README)' : undefined,
};
compareCases(tmpfs);
// Files over 1 MiB: read-only opens take the fast path too.
compareCases(tmpfs, HUGE_FILES);

describe('a full tmpfs (size=64k): ENOSPC at the write that does not fit', () => {
  skipEachWhen(noNativeTmpfs('64k'));
  const size = '64k';
  let oracle: Promise<string> | undefined;
  const native = (): Promise<string> => {
    const side = nativeTmpfs(size);
    return (oracle ??= side.run([program('enospc'), side.dir]).then((r) => transcript(side, [r])));
  };

  it('natively: the write fails with ENOSPC', async () => {
    expect(await native()).toMatch(/the last write = -1 ENOSPC/);
  });

  for (const design of DESIGNS) {
    it(`under the monitor, data path ${design}: as natively`, async (ctx) => {
      if (design === 'stop' && noStopFlag) ctx.skip(noStopFlag);
      if (design === 'default') ctx.skip("a write through a fast fd runs in the kernel and cannot be refused: the tmpfs's size= counts it afterwards, and ENOSPC comes to the writes after (README, tmpfs)");
      const side = tmpfsModule(design, size);
      expect(transcript(side, [await side.run([program('enospc'), side.dir])])).toBe(await native());
    });
  }
});
