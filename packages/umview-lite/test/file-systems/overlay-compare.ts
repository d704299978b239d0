// Runs to compare, over the overlay: `bash -c script` with $T the tree, natively on a real
// directory and under umview-lite on DIR overlaid (`-m overlay,DIR,upper=UPPER`), both holding
// the same tree (test/tree.ts). Outputs and exit codes must be the same, the trees they leave
// too (the overlay's merged view, read by a mount of the same layers in this process), and
// DIR must be unchanged to the last byte, mode, owner, link count, inode and time (its
// fingerprint). A CompareRuns (../compare-runs.ts), so that the shared program suite runs
// over the overlay as well.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { overlay, type OverlayModule } from '../../src/file-systems/overlay/index.js';
import type { Compare as SharedCompare } from '../compare-runs.js';
import { exec, snapshot, tempDir, tokenize, umview } from '../helpers.js';
import { makeTree } from '../tree.js';
import { fingerprint, pinAtimes } from './overlay-tree.js';
import { overlaySnapshot } from './overlay-view.js';

export interface Compare extends SharedCompare {
  /** Run on both trees before the script, natively (outside the monitor). */
  setup?: string;
}

export const baseEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: tempDir('overlay-home-'),
  LC_ALL: 'C',
  TZ: 'UTC',
  ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
});

export interface Run {
  stdout: string;
  code: number;
  /** The overlaid directory (DIR) and the upper one. */
  lower: string;
  upper: string;
}

/** `bash -c script` with $T the tree (also the cwd): natively on a real copy, and under
 * umview-lite on DIR overlaid; compared. */
export async function compareOverOverlay(script: string, options: Compare = {}): Promise<Run> {
  const nat = join(tempDir('overlay-prog-'), 'tree');
  const lower = join(tempDir('overlay-prog-'), 'tree'); // same length as nat
  const upper = join(tempDir('overlay-upper-'), 'upper');
  const env = { ...baseEnv(), ...options.env };
  for (const root of [nat, lower]) {
    mkdirSync(root);
    makeTree(root);
    if (options.setup) execFileSync('/bin/bash', ['-c', options.setup], { env: { ...env, T: root }, stdio: 'ignore' });
  }
  pinAtimes(lower);
  const before = fingerprint(lower);
  const native = await exec('/bin/bash', ['-c', script], { env: { ...env, T: nat }, cwd: nat });
  const monitored = await umview(['-m', `overlay,${lower},upper=${upper}`, ...(options.cliArgs ?? [])], ['/bin/bash', '-c', script], { env: { ...env, T: lower }, cwd: lower });
  const norm = (text: string, root: string): string => tokenize(text, { [root]: '$T' });
  expect(norm(monitored.stderr, lower)).toBe(norm(native.stderr, nat));
  expect(norm(monitored.stdout, lower)).toBe(norm(native.stdout, nat));
  expect(native.code).toBe(options.code ?? 0);
  expect(monitored.code).toBe(native.code);
  expect(fingerprint(lower)).toBe(before);
  const view = (overlay({ positional: [lower], upper }) as OverlayModule).fileSystem;
  expect(overlaySnapshot(view, lower, options.skip)).toBe(snapshot(nat, options.skip));
  return { stdout: norm(native.stdout, nat), code: native.code, lower, upper };
}
