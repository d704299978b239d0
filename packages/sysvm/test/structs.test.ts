import { execFileSync } from 'node:child_process';
import { lstatSync, lutimesSync, mkdirSync, readdirSync, statSync as nodeStatSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileC, tempDir } from '@umview/test-fixtures';
import {
  DIRENT64_NAME_OFFSET, DT, IOVEC_SIZE, OPEN_HOW_SIZE, STATX, STATX_SIZE, STAT_SIZE, TIMESPEC_SIZE,
  decodeDirents64, decodeIovecs, decodeOpenHow, decodeStat, decodeStatx, decodeTimespec, decodeTimeval,
  devMajor, devMinor, dirent64RecordLength, direntTypeFromMode, encodeDirents64, encodeIovecs,
  encodeOpenHow, encodeStat, encodeStatx, encodeTimespec, encodeTimeval, makeDev,
  statFromNodeStats, statxFromNodeStats, timespecFromNs,
  type Dirent64Input, type KernelStat,
} from '../src/structs/index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** One record the C fixture printed: kind, path, raw bytes, and glibc's field values. */
interface Dumped {
  kind: string;
  path: string;
  bytes: Buffer;
  fields: Record<string, string>;
}

interface Dump {
  records: Dumped[];
  entries: Map<string, Record<string, string>[]>;
}

function dumpStructs(paths: string[]): Dump {
  const program = compileC(join(fixtures, 'structs-dump.c'), { name: 'structs-dump' });
  const out = execFileSync(program, paths, { encoding: 'utf8' });
  const records: Dumped[] = [];
  const entries = new Map<string, Record<string, string>[]>();
  let lastDir = '';
  for (const line of out.split('\n').filter(Boolean)) {
    const [kind, ...rest] = line.split(' ');
    const fields = Object.fromEntries(rest.filter((w) => w.includes('=')).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
    if (kind === 'entry') {
      entries.get(lastDir)!.push(fields);
      continue;
    }
    const path = rest[0]!;
    expect(line, `${kind} ${path} failed`).not.toMatch(/ error$/);
    records.push({ kind: kind!, path, bytes: Buffer.from(fields.hex!, 'hex'), fields });
    if (kind === 'getdents64') {
      lastDir = path;
      entries.set(path, []);
    }
  }
  return { records, entries };
}

const sec = (t: string): [bigint, bigint] => {
  const [s, ns] = t.split('.');
  return [BigInt(s!), BigInt(ns!)];
};

let dir: string;
let file: string;
let link: string;
let sub: string;
let dump: Dump;
const record = (kind: string, path: string): Dumped => {
  const r = dump.records.find((x) => x.kind === kind && x.path === path);
  if (!r) throw new Error(`no ${kind} record for ${path}`);
  return r;
};

beforeAll(() => {
  dir = tempDir('umview-structs-');
  file = join(dir, 'file.txt');
  link = join(dir, 'link');
  sub = join(dir, 'sub');
  writeFileSync(file, 'some bytes\n'.repeat(100));
  mkdirSync(sub);
  symlinkSync('file.txt', link);
  for (const name of ['a', 'bb', 'ccc', 'name-of-exactly-13', 'déjà-vu']) writeFileSync(join(sub, name), name);
  mkdirSync(join(sub, 'inner'));
  symlinkSync('a', join(sub, 'sym'));
  execFileSync('mkfifo', [join(sub, 'fifo')]);
  // Atime-update-proof times: an atime later than mtime and ctime and not a day old is never
  // touched under relatime (nor noatime), so reading the directories (getdents64) or following
  // the symlink (stat) leaves every timestamp as it was when Node looks at it again.
  const now = Date.now() / 1000;
  for (const p of [file, sub, dir]) utimesSync(p, now + 3600.123456, now - 7200.5);
  lutimesSync(link, now + 3600.5, now - 60);
  dump = dumpStructs([file, link, sub, dir, '/dev/null']);
});

function expectStatMatchesC(decoded: KernelStat, fields: Record<string, string>): void {
  expect(decoded.dev).toBe(BigInt(fields.dev!));
  expect(devMajor(decoded.dev)).toBe(Number(fields.major));
  expect(devMinor(decoded.dev)).toBe(Number(fields.minor));
  expect(decoded.ino).toBe(BigInt(fields.ino!));
  expect(decoded.nlink).toBe(BigInt(fields.nlink!));
  expect(decoded.mode).toBe(Number(fields.mode));
  expect(decoded.uid).toBe(Number(fields.uid));
  expect(decoded.gid).toBe(Number(fields.gid));
  expect(decoded.rdev).toBe(BigInt(fields.rdev!));
  expect(devMajor(decoded.rdev)).toBe(Number(fields.rdev_major));
  expect(devMinor(decoded.rdev)).toBe(Number(fields.rdev_minor));
  expect(decoded.size).toBe(BigInt(fields.size!));
  expect(decoded.blksize).toBe(BigInt(fields.blksize!));
  expect(decoded.blocks).toBe(BigInt(fields.blocks!));
  for (const t of ['atime', 'mtime', 'ctime'] as const) {
    expect([decoded[t].sec, decoded[t].nsec], t).toEqual(sec(fields[t]!));
  }
}

describe('struct stat', () => {
  it('decodes what stat, lstat and fstat return, field by field as glibc reads them', () => {
    const stats = dump.records.filter((r) => r.kind.endsWith('stat'));
    expect(stats).toHaveLength(15);
    for (const r of stats) {
      expect(r.bytes).toHaveLength(STAT_SIZE);
      expectStatMatchesC(decodeStat(r.bytes), r.fields);
    }
    // The device of /dev/null is char 1:3: the rdev encoding is visible.
    expect(decodeStat(record('stat', '/dev/null').bytes).rdev).toBe(makeDev(1, 3));
    expect(decodeStat(record('lstat', link).bytes).mode & 0o170000).toBe(0o120000);
  });

  it('encodes Node stats into the very bytes the kernel returned', () => {
    for (const [kind, path] of [['stat', file], ['stat', sub], ['stat', dir], ['lstat', link], ['fstat', link], ['stat', link]] as const) {
      const node = statFromNodeStats(kind === 'stat' ? nodeStatSync(path, { bigint: true }) : lstatSync(path, { bigint: true }));
      expect(encodeStat(node).toString('hex'), `${kind} ${path}`).toBe(record(kind, path).bytes.toString('hex'));
    }
  });

  it('encodes a device file from Node stats with the kernel encoding of st_dev and st_rdev', () => {
    const kernel = decodeStat(record('stat', '/dev/null').bytes);
    const node = statFromNodeStats(nodeStatSync('/dev/null', { bigint: true }));
    // Times of /dev/null change whenever anyone writes to it; the rest must be identical.
    expect({ ...node, atime: 0, mtime: 0, ctime: 0 }).toEqual({ ...kernel, atime: 0, mtime: 0, ctime: 0 });
  });

  it('round-trips through decode and encode, padding zeroed', () => {
    for (const r of dump.records.filter((x) => x.kind === 'stat')) {
      expect(encodeStat(decodeStat(r.bytes)).equals(r.bytes)).toBe(true);
    }
    const at = Buffer.alloc(STAT_SIZE + 8, 0xff);
    const value = decodeStat(record('stat', file).bytes);
    expect(decodeStat(Buffer.concat([Buffer.alloc(8), encodeStat(value)]), 8)).toEqual(value);
    expect(() => decodeStat(at, 16)).toThrow(RangeError);
  });
});

describe('struct statx', () => {
  it('decodes what statx returns, field by field as glibc reads them', () => {
    const records = dump.records.filter((r) => r.kind === 'statx');
    expect(records).toHaveLength(5);
    for (const r of records) {
      expect(r.bytes).toHaveLength(STATX_SIZE);
      const s = decodeStatx(r.bytes);
      const f = r.fields;
      expect(s.mask).toBe(Number(f.mask));
      expect(s.blksize).toBe(Number(f.blksize));
      expect(s.attributes).toBe(BigInt(f.attributes!));
      expect(s.attributesMask).toBe(BigInt(f.attributes_mask!));
      expect([s.nlink, s.uid, s.gid, s.mode]).toEqual([f.nlink, f.uid, f.gid, f.mode].map(Number));
      expect([s.ino, s.size, s.blocks]).toEqual([f.ino, f.size, f.blocks].map((x) => BigInt(x!)));
      for (const t of ['atime', 'btime', 'ctime', 'mtime'] as const) {
        expect([s[t].sec, BigInt(s[t].nsec)], t).toEqual(sec(f[t]!));
      }
      expect([s.rdevMajor, s.rdevMinor, s.devMajor, s.devMinor]).toEqual(
        [f.rdev_major, f.rdev_minor, f.dev_major, f.dev_minor].map(Number));
    }
  });

  it('agrees with struct stat on the device numbers (major/minor of the encoded st_dev)', () => {
    for (const path of [file, sub, '/dev/null']) {
      const st = decodeStat(record('lstat', path).bytes);
      const sx = decodeStatx(record('statx', path).bytes);
      expect([sx.devMajor, sx.devMinor]).toEqual([devMajor(st.dev), devMinor(st.dev)]);
      expect([sx.rdevMajor, sx.rdevMinor]).toEqual([devMajor(st.rdev), devMinor(st.rdev)]);
    }
  });

  it('converts Node stats into what statx fills for a basic mask', () => {
    for (const path of [file, link, sub, dir]) {
      const kernel = decodeStatx(record('statx', path).bytes);
      expect(kernel.mask & STATX.BASIC_STATS).toBe(STATX.BASIC_STATS);
      const node = statxFromNodeStats(lstatSync(path, { bigint: true }));
      expect(node.mask & ~kernel.mask, 'claims no field the kernel did not fill').toBe(0);
      // Fields Node cannot know (mount id, attribute flags) come from the caller; with the
      // kernel's, the encoded struct is byte-identical to the kernel's.
      const full = statxFromNodeStats(lstatSync(path, { bigint: true }), {
        mask: kernel.mask, mntId: kernel.mntId, attributes: kernel.attributes, attributesMask: kernel.attributesMask,
      });
      expect(encodeStatx(full).toString('hex'), path).toBe(record('statx', path).bytes.toString('hex'));
    }
  });

  it('round-trips through decode and encode', () => {
    for (const r of dump.records.filter((x) => x.kind === 'statx')) {
      expect(encodeStatx(decodeStatx(r.bytes)).equals(r.bytes)).toBe(true);
    }
  });
});

describe('struct linux_dirent64', () => {
  it('decodes a getdents64 buffer into the entries the C fixture walked', () => {
    for (const path of [sub, dir]) {
      const r = record('getdents64', path);
      expect(r.bytes).toHaveLength(Number(r.fields.n));
      const decoded = decodeDirents64(r.bytes);
      const walked = dump.entries.get(path)!;
      expect(decoded.map((d) => ({
        ino: String(d.ino), off: String(d.off), reclen: String(d.reclen), type: String(d.type), name: d.rawName.toString('hex'),
      }))).toEqual(walked);
    }
  });

  it('finds every name, inode and type that Node sees', () => {
    const decoded = decodeDirents64(record('getdents64', sub).bytes);
    const expected = ['.', '..', ...readdirSync(sub)].sort();
    expect(decoded.map((d) => d.name).sort()).toEqual(expected);
    for (const d of decoded.filter((x) => x.name !== '.' && x.name !== '..')) {
      const st = lstatSync(join(sub, d.name), { bigint: true });
      expect(d.ino, d.name).toBe(st.ino);
      expect(d.type, d.name).toBe(direntTypeFromMode(Number(st.mode)));
    }
    const byName = new Map(decoded.map((d) => [d.name, d.type]));
    expect([byName.get('inner'), byName.get('sym'), byName.get('fifo'), byName.get('a')]).toEqual([DT.DIR, DT.LNK, DT.FIFO, DT.REG]);
  });

  it('encodes entries back into the kernel bytes, and stops at the first that does not fit', () => {
    const raw = record('getdents64', sub).bytes;
    const decoded = decodeDirents64(raw);
    const all = encodeDirents64(decoded, 32768);
    expect(all.count).toBe(decoded.length);
    expect(all.buffer.toString('hex')).toBe(raw.toString('hex'));
    // A buffer one byte short of the first three records holds two.
    const three = decoded.slice(0, 3).reduce((n, d) => n + d.reclen, 0);
    const partial = encodeDirents64(decoded, three - 1);
    expect(partial.count).toBe(2);
    expect(partial.buffer.equals(raw.subarray(0, three - decoded[2]!.reclen))).toBe(true);
    expect(encodeDirents64(decoded, 10)).toEqual({ buffer: Buffer.alloc(0), count: 0 });
  });

  it('lays records out 8-byte aligned with a NUL after the name', () => {
    const entries: Dirent64Input[] = [
      { ino: 1n, off: 1n, type: DT.REG, name: 'x' },
      { ino: 2n, off: -1n, type: DT.DIR, name: Buffer.from([0xff, 0x41]) },
      { ino: 3n, off: 3n, type: DT.REG, name: 'abcde' }, // 19 + 5 + 1 = 25 -> 32
    ];
    expect([1, 4, 5, 12, 13].map(dirent64RecordLength)).toEqual([24, 24, 32, 32, 40]);
    const { buffer, count } = encodeDirents64(entries, 100);
    expect(count).toBe(3);
    expect(buffer).toHaveLength(24 + 24 + 32);
    expect(buffer[DIRENT64_NAME_OFFSET + 1]).toBe(0);
    const back = decodeDirents64(buffer);
    expect(back.map((d) => [d.ino, d.off, d.type, d.reclen])).toEqual([[1n, 1n, DT.REG, 24], [2n, -1n, DT.DIR, 24], [3n, 3n, DT.REG, 32]]);
    expect(back[1]!.rawName).toEqual(Buffer.from([0xff, 0x41]));
    expect(() => encodeDirents64([{ ino: 1n, off: 1n, type: 0, name: 'a\0b' }], 100)).toThrow(RangeError);
  });

  it('rejects malformed buffers instead of looping or reading past the end', () => {
    const { buffer } = encodeDirents64([{ ino: 1n, off: 1n, type: DT.REG, name: 'x' }], 100);
    const zeroLength = Buffer.from(buffer);
    zeroLength.writeUInt16LE(0, 16);
    expect(() => decodeDirents64(zeroLength)).toThrow(/d_reclen 0/);
    const tooLong = Buffer.from(buffer);
    tooLong.writeUInt16LE(32, 16);
    expect(() => decodeDirents64(tooLong)).toThrow(RangeError);
    expect(() => decodeDirents64(buffer, 10)).toThrow(/truncated/);
    expect(decodeDirents64(buffer, 0)).toEqual([]);
  });
});

describe('device numbers', () => {
  it('follows glibc makedev/major/minor, including majors above 4095 and minors above 255', () => {
    for (const [ma, mi] of [[0, 0], [1, 3], [8, 1], [259, 65536], [4095, 255], [4096, 256], [0xfffff, 0xfffff], [0xffffffff, 0xffffffff]]) {
      const dev = makeDev(ma!, mi!);
      expect([devMajor(dev), devMinor(dev)]).toEqual([ma, mi]);
    }
    // The kernel's new_encode_dev layout for what fits in its 32-bit dev_t.
    expect(makeDev(0x123, 0x45678)).toBe(BigInt((0x78) | (0x123 << 8)) | (0x45600n << 12n));
    expect(makeDev(0xfe, 0)).toBe(0xfe00n);
  });
});

describe('small structs', () => {
  it('timespec and timeval', () => {
    const ts = { sec: -5n, nsec: 999_999_999n };
    expect(encodeTimespec(ts)).toHaveLength(TIMESPEC_SIZE);
    expect(decodeTimespec(encodeTimespec(ts))).toEqual(ts);
    expect(decodeTimeval(encodeTimeval({ sec: 1n, usec: 2n }))).toEqual({ sec: 1n, usec: 2n });
    expect(timespecFromNs(1_500_000_000n)).toEqual({ sec: 1n, nsec: 500_000_000n });
    expect(timespecFromNs(-1n)).toEqual({ sec: -1n, nsec: 999_999_999n });
  });

  it('open_how', () => {
    const how = { flags: 0o2100101n, mode: 0o644n, resolve: 0x0cn };
    const bytes = encodeOpenHow(how);
    expect(bytes).toHaveLength(OPEN_HOW_SIZE);
    expect(bytes.readBigUInt64LE(16)).toBe(0x0cn);
    expect(decodeOpenHow(bytes)).toEqual(how);
  });

  it('iovec arrays', () => {
    const list = [{ base: 0x7fff0000n, len: 3n }, { base: 0n, len: 0xffffffffffffffffn }];
    const bytes = encodeIovecs(list);
    expect(bytes).toHaveLength(2 * IOVEC_SIZE);
    expect(decodeIovecs(bytes, 2)).toEqual(list);
    expect(() => decodeIovecs(bytes, 3)).toThrow(RangeError);
  });
});
