// Real programs on a file-system module's mount: the passthrough fixture module
// (passthrough-fs.mjs) serves a copy of the test tree at a guest path with nothing behind it
// on the host; every program of the suite (coreutils, bash, tar, gcc and make, git, python3)
// must do there what it does natively on an identical tree, and leave the same tree.
import { fileURLToPath } from 'node:url';
import { comparing, type TreeView } from '../compare-runs.js';
import { programSuite } from '../program-suite.js';

const passthrough = fileURLToPath(new URL('./passthrough-fs.mjs', import.meta.url));
const MOUNT = '/vfs-programs';

const served: TreeView = (tree) => ({ guest: MOUNT, cliArgs: ['-m', `${passthrough},${MOUNT},root=${tree}`], bash: '/bin/bash' });

programSuite(comparing(served), 'a file-system module (passthrough)');
