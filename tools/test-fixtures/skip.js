// Skipping with a reason, for a whole describe block (reasons come from ./machine.js).
import { beforeEach } from 'vitest';

/** Inside a describe: when `reason` is set, each test of the block is skipped with it (the
 * skip-reasons reporter lists them). Hooks of the block still run: guard those that need the
 * capability. */
export function skipEachWhen(reason) {
  if (reason) beforeEach((ctx) => ctx.skip(reason));
}
