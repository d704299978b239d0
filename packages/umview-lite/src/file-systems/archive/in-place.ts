// A member stored as it is in the archive file (a tar member, a zip's stored member): read in
// place, with a pread at its offset per read, synchronously (see MemberReader).
import { FsError } from '../../vfs/file-system.js';
import type { MemberContent, MemberReader } from './archive-index.js';
import { copyRange } from './copy-range.js';
import type { PositionalFile } from './positional-file.js';

/** The content of a member stored as it is at `offset` of `file`. */
export function inPlace(file: PositionalFile, offset: number, size: number, name: string): MemberContent {
  const reader: MemberReader = {
    read(length: number, position: number): Uint8Array {
      const wanted = Math.max(0, Math.min(length, size - position));
      const bytes = file.readSync(wanted, offset + position);
      if (bytes.length < wanted) throw new FsError('EIO', `${file.label}: member ${name} is cut short (the archive changed or was truncated)`);
      return bytes;
    },
    close(): void {},
  };
  return { id: `stored@${offset}+${size}`, open: () => reader, extractInto: (fd) => copyRange(file.fd, offset, fd, 0, size) };
}

