// The data path's semantics through /unreal in proxy mode (the monitor serves the host's files;
// with the fast path the tracee's fd is the host file itself), against a native run on a host
// directory: fixtures of test/fixtures/data-path, each data path.
import { compareCases } from './compare.js';
import { nativeHost, unrealProxy } from './sides.js';

compareCases({
  where: '/unreal, proxy mode',
  native: nativeHost,
  monitored: unrealProxy,
  // What the old design documents it does otherwise (README, mode=proxy).
  skip: (c, design) =>
    design === 'stop' && c.id === 'posix-locks' ? 'the old design keeps fcntl record locks as open file description locks (README, mode=proxy)' : undefined,
});
