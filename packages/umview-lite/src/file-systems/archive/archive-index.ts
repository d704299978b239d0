// What every archive reader (tar, zip) gives the tree: the members as the archive lists them,
// in order, with their content behind a reader that the format makes random-access or not.
import type { MaybePromise } from '../../vfs/file-system.js';

export type MemberType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'character-device' | 'block-device' | 'fifo';

/** An open member's bytes. `read` gives up to `length` bytes at `position`, fewer only at the
 * member's end; a damaged member fails with FsError('EIO'). Answers are synchronous where the
 * bytes are in place (a pread of the archive: cheaper than a held call), a promise otherwise. */
export interface MemberReader {
  read(length: number, position: number): MaybePromise<Uint8Array>;
  close(): void;
}

/** The bytes of a regular file member: opened per open file description. */
export interface MemberContent {
  /** Where and how the member's bytes are stored in the archive (the same in every mount of
   * the same archive): what its kept copy is named after (kept-copies.ts). */
  readonly id: string;
  open(): MaybePromise<MemberReader>;
  /** Writes the member's bytes into the host file `fd` from its start (its backing file:
   * extracted-members.ts); fails as `read` would (FsError('EIO') for a damaged member). */
  extractInto(fd: number): MaybePromise<void>;
}

export interface ArchiveMember {
  /** The name as stored (not yet normalized: see member-name.ts). */
  readonly name: string;
  readonly type: MemberType;
  /** Permission bits (07777). */
  readonly mode: number;
  readonly size: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly mtimeNs?: bigint;
  readonly atimeNs?: bigint;
  readonly ctimeNs?: bigint;
  /** A symlink's target (as stored), or the stored name of the member a hard link links to. */
  readonly linkTarget?: string;
  /** Devices: makedev(major, minor). */
  readonly rdev?: number;
  /** Regular files only. */
  readonly content?: MemberContent;
}

export interface ArchiveIndex {
  readonly members: readonly ArchiveMember[];
  /** What was odd but not fatal (GNU tar would have warned): shown once at mount. */
  readonly warnings: readonly string[];
  /** Releases the archive's file (and any scratch file): the mount is going away. */
  close(): void;
}

/** A damaged, truncated or unsupported archive: the mount fails with this message. */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

/** glibc's makedev. */
export function makedev(major: number, minor: number): number {
  return (major & 0xfff) * 0x100 + (minor & 0xff) + Math.floor(minor / 0x100) * 0x100000 + Math.floor(major / 0x1000) * 0x100000000000;
}
