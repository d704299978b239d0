// Real programs under the monitor against the same programs run natively on an identical
// tree: outputs (with the tree's path as a token), exit codes and the trees they leave must be
// the same. The monitored run sees its copy through a view: /unreal (programs.test.ts), a
// file-system module's mount (vfs/programs.test.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { UNREAL, exec, snapshot, tempDir, tokenize, umview } from './helpers.js';
import { makeTree } from './tree.js';

export interface Compare {
  /** Entries (relative paths in the tree) whose content legitimately differs. */
  skip?: (rel: string) => boolean;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Monitor options besides the module. */
  cliArgs?: string[];
  /** The exit code the script must end with (natively and so under the monitor). */
  code?: number;
}

const baseEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: tempDir('umview-home-'),
  LC_ALL: 'C',
  TZ: 'UTC',
  // pyenv's shims (if python3 is one) need their root.
  ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
});

/** How the monitored run sees its copy of the tree (`tree`, a host path): the tree's guest
 * path, the monitor's options, the bash to start (as the guest names it) and names in the
 * output that legitimately differ (token: the native run's name). */
export type TreeView = (tree: string) => { guest: string; cliArgs: string[]; bash: string; tokens?: Record<string, string> };

export type CompareRuns = (script: string, options?: Compare) => Promise<{ stdout: string; code: number }>;

/** The unreal module's view: the tree through /unreal (bash itself started as /unreal/bin/bash). */
export const unrealView: TreeView = (tree) => ({ guest: `/unreal${tree}`, cliArgs: ['-m', UNREAL], bash: '/unreal/bin/bash', tokens: { '/unreal/bin/bash:': '/bin/bash:' } });

/** Runs `bash -c script` natively with $T the tree, and under umview-lite with $T the same
 * tree seen through `view`; compares. */
export const comparing = (view: TreeView): CompareRuns => async (script, options = {}) => {
  const nat = join(tempDir('umview-prog-'), 'tree');
  const umv = join(tempDir('umview-prog-'), 'tree'); // same length as nat
  mkdirSync(nat);
  mkdirSync(umv);
  makeTree(nat);
  makeTree(umv);
  const env = { ...baseEnv(), ...options.env };
  const native = await exec('/bin/bash', ['-c', script], { env: { ...env, T: nat }, cwd: nat });
  const seen = view(umv);
  const guest = seen.guest;
  const monitored = await umview([...seen.cliArgs, ...(options.cliArgs ?? [])], [seen.bash, '-c', script], {
    env: { ...env, T: guest },
    cwd: umv,
  });
  // The tree by its guest name is $T; by its host name (a guest that sees it there has lost
  // the prefix) it would show as $HOST_PATH_LEAKED. bash names itself by the path it was run as.
  const norm = (text: string, root: string, guestRoot: string): string =>
    tokenize(text, { [guestRoot]: '$T', [root]: root === guestRoot ? '$T' : '$HOST_PATH_LEAKED', ...seen.tokens });
  expect(norm(monitored.stderr, umv, guest)).toBe(norm(native.stderr, nat, nat));
  expect(norm(monitored.stdout, umv, guest)).toBe(norm(native.stdout, nat, nat));
  expect(native.code).toBe(options.code ?? 0);
  expect(monitored.code).toBe(native.code);
  expect(snapshot(umv, options.skip)).toBe(snapshot(nat, options.skip));
  return { stdout: norm(native.stdout, nat, nat), code: native.code };
};
