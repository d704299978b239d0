// The data path's semantics on a file-system module that gives backing files (backed-fs.mjs:
// the monitor's vfs side of the fast path), against a native run on the host directory the
// module serves.
import { compareCases } from './compare.js';
import { backedModule, nativeHost } from './sides.js';

compareCases({
  where: 'a module with backing files',
  native: nativeHost,
  monitored: backedModule,
  // What the old design documents it does otherwise (README, "What the monitor does for you").
  skip: (c, design) =>
    design === 'stop' && c.id === 'mmap-shared'
      ? 'the old design maps a copy of the file: MAP_SHARED writes reach the copy, not the module (README)'
      : c.id === 'fallocate'
        ? 'the test module has no fallocate (Node has none)'
        : undefined,
});
