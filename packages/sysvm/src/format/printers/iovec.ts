// iovec arrays: `[{iov_base="ab", iov_len=2}, ...]`, each buffer quoted like a read/write
// buffer, at most the string limit of data across the whole array, as strace shows them.
import { decodeIovecs, IOVEC_SIZE } from '../../structs/iovec.js';
import { formatAddress, quoteBuffer } from '../escape.js';
import type { ArgContext } from '../types.js';
import { readBytes } from './read.js';

/** strace stops listing an iovec array after this many elements (its default -e abbrev). */
const MAX_ELEMENTS = 1024;

/** Prints `count` iovecs at `addr`; `dataLimit` caps the data shown (a read's result: the
 * kernel filled only that much). */
export function printIovecArray(addr: bigint, count: number, ctx: ArgContext, dataLimit: bigint | undefined): string {
  if (addr === 0n) return 'NULL';
  if (count <= 0) return '[]';
  const n = Math.min(count, MAX_ELEMENTS);
  const raw = readBytes(ctx.mem, addr, n * IOVEC_SIZE);
  if (raw === undefined) return formatAddress(addr);
  let left = dataLimit;
  const items = decodeIovecs(raw, n).map(({ base, len }) => {
    let shown = len;
    if (left !== undefined) {
      shown = len < left ? len : left;
      left -= shown;
    }
    return `{iov_base=${formatIovBase(base, shown, ctx)}, iov_len=${len}}`;
  });
  return `[${items.join(', ')}${count > n ? ', ...' : ''}]`;
}

function formatIovBase(base: bigint, length: bigint, ctx: ArgContext): string {
  if (base === 0n) return 'NULL';
  const take = Number(length < BigInt(ctx.stringLimit) ? length : BigInt(ctx.stringLimit));
  const bytes = readBytes(ctx.mem, base, take);
  return bytes === undefined ? formatAddress(base) : quoteBuffer(bytes, length, ctx.stringLimit);
}
