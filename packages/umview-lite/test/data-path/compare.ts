// Each case of cases.ts as tests: the native transcript shows the point, and every monitored
// side (each data path) gives that transcript.
import { describe, expect, it } from 'vitest';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { CASES, type Case } from './cases.js';
import { knownGap, type ViewKind } from './known-gaps.js';
import { DESIGNS, noStopFlag, type Design, type Files, type Side } from './sides.js';

export interface View {
  /** Says where the monitored run is, in test names. */
  where: string;
  /** Which side it is, for the known gaps (known-gaps.ts). */
  kind: ViewKind;
  /** The file size from which a read-only open gets a fast fd (a module's; 0: every open). */
  fastFrom: number;
  /** The native side to compare with. */
  native(files: Files): Side;
  /** The monitored side for a data path. */
  monitored(design: Design, files: Files): Side;
  /** Why the view cannot run here, or undefined. */
  missing?: string;
  /** The cases to run (their ids; default: all). */
  only?: readonly string[];
  /** The data paths to compare (default: both). */
  designs?: readonly Design[];
  /** Why a case is not run on this view, or undefined. */
  skip?(c: Case, design: Design): string | undefined;
}

/** The cases on a view; with `files`, the fixtures' files made that way (the native
 * transcript is then only the oracle: what it must show is checked on plain files). */
export function compareCases(view: View, files: Files = {}, cases: readonly Case[] = CASES): void {
  for (const c of cases.filter((one) => view.only?.includes(one.id) ?? true)) {
    describe(`${c.name} (${view.where}${files.pad ? `, files padded by ${files.pad} bytes` : ''})`, () => {
      skipEachWhen(view.missing);
      let oracle: Promise<string> | undefined;
      const native = (): Promise<string> => (oracle ??= c.run(view.native(files)));

      it('natively: the transcript shows the point', async () => {
        const text = await native();
        if (!files.pad) for (const line of c.shows) expect(text).toMatch(line);
        expect(text).not.toMatch(/FATAL/);
      });

      for (const design of view.designs ?? DESIGNS) {
        it(`under the monitor, data path ${design}: as natively`, async (ctx) => {
          const callByCall = design === 'stop' || (files.pad ?? 0) < view.fastFrom;
          const why = (design === 'stop' ? noStopFlag : undefined) ?? view.skip?.(c, design) ?? knownGap(c, view.kind, design, callByCall);
          if (why) ctx.skip(why);
          const expected = await native();
          expect(await c.run(view.monitored(design, files))).toBe(expected);
        });
      }
    });
  }
}
