// The data path's semantics through /unreal in fs mode: the passthrough file-system module
// serves the host's files through the file-system API (the vfs layer, as for tmpfs, but on a
// host directory, so that the native run has the very same file system).
import { compareCases } from './compare.js';
import { FAST_MIN_BYTES, nativeHost, unrealFs } from './sides.js';

compareCases({
  where: '/unreal, fs mode',
  kind: 'module',
  fastFrom: FAST_MIN_BYTES,
  native: nativeHost,
  monitored: unrealFs,
  // What the old design documents it does otherwise (README, "What the monitor does for you").
  skip: (c, design) =>
    design === 'stop' && c.id === 'mmap-shared' ? 'the old design maps a copy of the file: MAP_SHARED writes reach the copy, not the module (README)' : undefined,
});
