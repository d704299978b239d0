// The shared real-program suite (../program-suite.ts: coreutils, bash, tar, gcc and make, git,
// python3) over the overlay: each script natively on a real tree and under the monitor on the
// same tree overlaid, compared (overlay-compare.ts); the lower tree unchanged after each.
import { programSuite } from '../program-suite.js';
import { compareOverOverlay } from './overlay-compare.js';

programSuite(compareOverOverlay, 'the overlay');
