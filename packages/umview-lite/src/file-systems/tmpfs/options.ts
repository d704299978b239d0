// The mount options of `-m tmpfs,/mnt[,size=64M][,nr_inodes=N][,mode=1777][,uid=U][,gid=G]`,
// read as mount(8)'s tmpfs options: sizes with a k/m/g/t suffix or a percentage of RAM, 0 for
// no limit.
//
// The default size is the kernel's: half of the machine's RAM (os.totalmem()), and nr_inodes
// the kernel's default too (half of RAM's pages). The data lives in the monitor's memory (Node
// Buffers, outside V8's heap), or for open files in backing files in os.tmpdir() (page cache,
// then the host's disk: backing-pool.ts), so a mount filled to that default can push the
// machine into swapping or the OOM killer exactly as an unbounded kernel tmpfs can: give size=
// for a mount that untrusted programs fill. Writes through backing files can go past size=
// until the writer closes (backing-pool.ts says how the limit is kept).
import { totalmem } from 'node:os';
import type { ModuleOptions } from '../../modules/module.js';
import { PAGE_SIZE } from './space.js';

export interface TmpfsOptions {
  /** The mount point (a guest path). */
  readonly mountPoint: string;
  /** The limit in pages (Infinity: none). */
  readonly maxPages: number;
  readonly maxInodes: number;
  /** The root directory's mode bits, its owner and group (default: 1777, the monitor's user). */
  readonly rootMode: number;
  readonly rootUid: number;
  readonly rootGid: number;
}

export class TmpfsOptionError extends Error {
  override name = 'TmpfsOptionError';
}

const SUFFIX: Record<string, number> = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30, t: 2 ** 40, p: 2 ** 50, e: 2 ** 60 };

/** Bytes from a size option ("64M", "512k", "10%", "1048576"); 0 means no limit. */
export function parseSize(text: string, ram = totalmem()): number {
  const percent = /^(\d+)%$/.exec(text);
  if (percent) return Math.ceil((ram * Number(percent[1])) / 100);
  const match = /^(\d+)([kmgtpe]?)$/i.exec(text);
  if (!match) throw new TmpfsOptionError(`tmpfs: bad size '${text}' (give bytes with an optional k, m, g suffix, or a percentage of RAM)`);
  return Number(match[1]) * SUFFIX[match[2]!.toLowerCase()]!;
}

function parseCount(name: string, text: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(text);
  if (!match) throw new TmpfsOptionError(`tmpfs: bad ${name} '${text}'`);
  return Number(match[1]) * SUFFIX[match[2]!.toLowerCase()]!;
}

function parseId(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new TmpfsOptionError(`tmpfs: bad ${name} '${text}' (a number)`);
  return Number(text);
}

// timeout= is the monitor's, for every file-system module (modules/registry.ts).
const KNOWN = new Set(['size', 'nr_blocks', 'nr_inodes', 'mode', 'uid', 'gid', 'timeout', 'positional']);

export function parseTmpfsOptions(options: ModuleOptions, ids = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }): TmpfsOptions {
  const mountPoint = options.positional?.[0];
  if (typeof mountPoint !== 'string' || !mountPoint.startsWith('/')) {
    throw new TmpfsOptionError('tmpfs: give the mount point, an absolute guest path: -m tmpfs,/mnt[,size=64M]');
  }
  if ((options.positional?.length ?? 0) > 1) throw new TmpfsOptionError(`tmpfs: unknown option '${options.positional![1]}'`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key) && !options.positional?.includes(key)) throw new TmpfsOptionError(`tmpfs: unknown option '${key}' (size, nr_blocks, nr_inodes, mode, uid, gid)`);
  }
  const text = (key: string): string | undefined => {
    const value = options[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new TmpfsOptionError(`tmpfs: ${key} needs a value (${key}=...)`);
    return value;
  };
  const ramPages = Math.floor(totalmem() / PAGE_SIZE);
  let maxPages = Math.floor(ramPages / 2);
  const size = text('size');
  const blocks = text('nr_blocks');
  if (size !== undefined) {
    const bytes = parseSize(size);
    maxPages = bytes === 0 ? Infinity : Math.ceil(bytes / PAGE_SIZE);
  } else if (blocks !== undefined) {
    const count = parseCount('nr_blocks', blocks);
    maxPages = count === 0 ? Infinity : count;
  }
  const inodes = text('nr_inodes');
  const inodeCount = inodes === undefined ? Math.floor(ramPages / 2) : parseCount('nr_inodes', inodes);
  const mode = text('mode');
  if (mode !== undefined && !/^[0-7]{1,4}$/.test(mode)) throw new TmpfsOptionError(`tmpfs: bad mode '${mode}' (octal, e.g. 1777)`);
  const uid = text('uid');
  const gid = text('gid');
  return {
    mountPoint: mountPoint.length > 1 ? mountPoint.replace(/\/+$/, '') : mountPoint,
    maxPages,
    maxInodes: inodeCount === 0 ? Infinity : inodeCount,
    rootMode: mode === undefined ? 0o1777 : parseInt(mode, 8),
    rootUid: uid === undefined ? ids.uid : parseId('uid', uid),
    rootGid: gid === undefined ? ids.gid : parseId('gid', gid),
  };
}
