// The data path's semantics on a file-system module that gives backing files (backed-fs.mjs:
// the monitor's vfs side of the fast path), against a native run on the host directory the
// module serves.
import { compareCases, type View } from './compare.js';
import { BIG_FILES, FAST_MIN_BYTES, backedModule, nativeHost } from './sides.js';

const backed: View = {
  where: 'a module with backing files',
  kind: 'module',
  fastFrom: FAST_MIN_BYTES,
  native: nativeHost,
  monitored: backedModule,
  // What the old design documents it does otherwise (README, "What the monitor does for you").
  skip: (c, design) =>
    design === 'stop' && c.id === 'mmap-shared'
      ? 'the old design maps a copy of the file: MAP_SHARED writes reach the copy, not the module (README)'
      : c.id === 'fallocate'
        ? 'the test module has no fallocate (Node has none)'
        : undefined,
};
compareCases(backed);
// Files of 16 KiB and more: read-only opens take the fast path too.
compareCases(backed, BIG_FILES);
