// The time stamps of tmpfs files, in nanoseconds since the epoch, taken as the kernel takes
// them (multigrain timestamps, Linux 6.13): from the coarse wall clock (CLOCK_REALTIME_COARSE,
// a few ms behind, one tick at a time), except when that would not move the ctime of an inode
// someone looked at since its last change: then the fine clock, and the kernel's floor (no
// coarse stamp is ever older than a fine one given before) moves up to it.
//
// Why the kernel's clocks and not the monitor's own: the bytes of open files are in backing
// files (backing-file.ts) whose mtime and ctime the kernel sets when the traced program writes,
// and a program that sees a change made by the module followed by a write in the kernel must
// see the times in that order (make, `find -newer`, a program comparing its own stat before
// and after a write). The floor also takes in every kernel stamp the module reads back
// (`observe`), so that a change the module makes after one is not older.
import { getKoffi } from '@umview/ptrace-core/internal';

const CLOCK_REALTIME = 0;
const CLOCK_REALTIME_COARSE = 5;

type ClockGettime = (clock: number, timespec: BigInt64Array) => number;
let clockGettime: ClockGettime | undefined;
const timespec = new BigInt64Array(2);

function read(clock: number): bigint {
  clockGettime ??= getKoffi().load('libc.so.6').func('int clock_gettime(int clock, _Out_ int64_t *timespec)') as unknown as ClockGettime;
  if (clockGettime(clock, timespec) !== 0) return BigInt(Date.now()) * 1_000_000n;
  return timespec[0]! * 1_000_000_000n + timespec[1]!;
}

let floor = 0n;

/** The coarse clock, never below the floor: the time of a change that moves a time anyway. */
export function nowNs(): bigint {
  const coarse = read(CLOCK_REALTIME_COARSE);
  return coarse > floor ? coarse : floor;
}

/** The ctime a change of an inode gets, given its ctime now and whether it was looked at since
 * it was last changed (inode_set_ctime_current). */
export function changeNs(ctimeNs: bigint, queried: boolean): bigint {
  const now = nowNs();
  if (now > ctimeNs || !queried) return now;
  const fine = read(CLOCK_REALTIME);
  if (fine > floor) floor = fine;
  return fine > ctimeNs ? fine : ctimeNs;
}

/** A stamp the kernel gave (a backing file's times): later changes are not older. */
export function observe(ns: bigint): void {
  if (ns > floor) floor = ns;
}
