// The data path's semantics through /unreal in proxy mode (the monitor serves the host's files;
// with the fast path the tracee's fd is the host file itself), against a native run on a host
// directory: fixtures of test/fixtures/data-path, each data path.
import { CASES, type Case } from './cases.js';
import { compareCases } from './compare.js';
import { nativeHost, unrealProxy, type Design } from './sides.js';

// What the old design documents it does otherwise (README, mode=proxy).
const skip = (c: Case, design: Design): string | undefined =>
  design === 'stop' && c.id === 'posix-locks' ? 'the old design keeps fcntl record locks as open file description locks (README, mode=proxy)' : undefined;

compareCases({ where: '/unreal, proxy mode', kind: 'unreal-proxy', fastFrom: 0, native: nativeHost, monitored: (design, files) => unrealProxy(design, files), skip });

// The trace modes that stop every call: calls on fast fds stop too, and must be let run as
// they are (the default data path only: the old design is the same in every mode; the calls
// on fast fds only: locks are served the same way in every mode).
const LOCKS = ['locks', 'posix-locks', 'lock-wait'];
for (const trace of ['seccomp-all', 'syscall']) {
  compareCases({
    where: `/unreal, proxy mode, --trace=${trace}`,
    kind: 'unreal-proxy',
    fastFrom: 0,
    native: nativeHost,
    monitored: (design, files) => unrealProxy(design, files, [`--trace=${trace}`]),
    designs: ['default'],
    only: CASES.map((c) => c.id).filter((id) => !LOCKS.includes(id)),
    skip,
  });
}
