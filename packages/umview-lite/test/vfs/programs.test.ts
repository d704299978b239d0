// Real programs on a file-system module's mount: the passthrough fixture module
// (passthrough-fs.mjs) serves a copy of the test tree at a guest path with nothing behind it
// on the host; every program of the suite (coreutils, bash, tar, gcc and make, git, python3)
// must do there what it does natively on an identical tree, and leave the same tree.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { comparing, type TreeView } from '../compare-runs.js';
import { programSuite } from '../program-suite.js';

const passthrough = fileURLToPath(new URL('./passthrough-fs.mjs', import.meta.url));
const MOUNT = '/vfs-programs';

const served: TreeView = (tree) => ({ guest: MOUNT, cliArgs: ['-m', `${passthrough},${MOUNT},root=${tree}`], bash: '/bin/bash' });

programSuite(comparing(served), 'a file-system module (passthrough)');

/** The same module answering every operation with a promise: every call that reaches it is
 * held while the monitor serves the other processes (gcc's, make's, git's trees). */
const servedAsync: TreeView = (tree) => ({ guest: MOUNT, cliArgs: ['-m', `${passthrough},${MOUNT},root=${tree},async`], bash: '/bin/bash' });
programSuite(comparing(servedAsync), 'a file-system module answering with promises');

describe('the placeholders', () => {
  // Served fds are placeholders on /dev/null: a call the monitor let through on one (chmod of
  // /proc/self/fd/N, as tar makes) would change /dev/null itself.
  const mode = (): string => statSync('/dev/null').mode.toString(8);
  const before = mode();
  it('are never changed by a tracee (after every run above)', () => {
    expect(mode()).toBe(before);
  });
});
