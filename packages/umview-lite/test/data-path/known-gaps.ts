// Where the monitor is known to differ from a native run, in one place: each gap is a case the
// comparison leaves out, with why (the README's "Known limits" says the same to users). A gap
// closed makes its entry wrong: remove it and the case runs again.
import type { Case } from './cases.js';
import type { Design } from './sides.js';

/** Which monitored side: unreal in proxy mode, or a file-system module's mount. */
export type ViewKind = 'unreal-proxy' | 'module';

interface Gap {
  cases: readonly string[];
  /** callByCall: the case's opens are served call by call (--data-path=stop, or a module's small
   * read-only files, below FAST_MIN_BYTES or the tmpfs's own threshold). */
  applies(kind: ViewKind, design: Design, callByCall: boolean): boolean;
  why: string;
}

const GAPS: readonly Gap[] = [
  {
    cases: ['fd-passing'],
    applies: () => true,
    why: 'an fd passed over a unix socket (SCM_RIGHTS) is not followed by the monitor: a placeholder reaches the receiver as /dev/null, a fast fd names its backing (host) file in /proc/self/fd (README, Known limits)',
  },
  {
    cases: ['fd-stat', 'proc-fd'],
    applies: (kind) => kind === 'module',
    why: "a module's open file is known by its path: after unlink, fstat is getattr of the path, lstat of /proc/self/fd/N shows the file rather than the link, and its readlink has no ' (deleted)' (README, Known limits)",
  },
  {
    cases: ['copy-calls'],
    applies: (_kind, _design, callByCall) => callByCall,
    why: 'served call by call, copy_file_range from a served file to a pipe copies where the kernel says EINVAL, and sendfile and splice into a pipe move at most 4096 bytes a call (README, Known limits)',
  },
  {
    cases: ['mmap-shared'],
    applies: (kind, design) => kind === 'unreal-proxy' && design === 'stop',
    why: 'with a stop per call, mmap(MAP_SHARED) of an O_WRONLY fd maps the file opened O_RDWR for the call: no EACCES (README, Known limits)',
  },
  {
    cases: ['lock-wait'],
    applies: (kind, design) => kind === 'unreal-proxy' && design === 'stop',
    why: 'with a stop per call, proxy mode makes a lock that must wait (flock, F_SETLKW) on its own fd and blocks until it is granted, the holder waiting on it (README, Known limits)',
  },
];

/** Why the case is left out of the comparison on this side, or undefined. */
export function knownGap(c: Case, kind: ViewKind, design: Design, callByCall: boolean): string | undefined {
  return GAPS.find((gap) => gap.cases.includes(c.id) && gap.applies(kind, design, callByCall))?.why;
}
