// x86-64 layouts of the kernel structs that syscall arguments point to, with decoders and
// encoders that produce exactly the bytes the kernel would.
export { makeDev, devMajor, devMinor } from './device.js';
export {
  TIMESPEC_SIZE, TIMEVAL_SIZE, UTIME_NOW, UTIME_OMIT,
  decodeTimespec, encodeTimespec, encodeTimespecInto, decodeTimeval, encodeTimeval, encodeTimevalInto,
  timespecFromNs,
} from './timespec.js';
export type { Timespec, Timeval } from './timespec.js';
export { STAT_SIZE, STAT_OFFSETS, decodeStat, encodeStat, encodeStatInto, statFromNodeStats } from './stat.js';
export type { KernelStat } from './stat.js';
export {
  STATX_SIZE, STATX_TIMESTAMP_SIZE, STATX, STATX_OFFSETS,
  decodeStatx, encodeStatx, encodeStatxInto, decodeStatxTimestamp, encodeStatxTimestampInto,
  statxFromNodeStats,
} from './statx.js';
export type { Statx, StatxTimestamp, StatxFromNodeOptions } from './statx.js';
export {
  DT, DIRENT64_NAME_OFFSET, dirent64RecordLength, direntTypeFromMode, decodeDirents64, encodeDirents64,
} from './dirent.js';
export type { Dirent64, Dirent64Input, EncodedDirents } from './dirent.js';
export { OPEN_HOW_SIZE, RESOLVE, decodeOpenHow, encodeOpenHow, encodeOpenHowInto } from './open-how.js';
export type { OpenHow } from './open-how.js';
export { IOVEC_SIZE, decodeIovec, decodeIovecs, encodeIovec, encodeIovecInto, encodeIovecs } from './iovec.js';
export type { Iovec } from './iovec.js';
