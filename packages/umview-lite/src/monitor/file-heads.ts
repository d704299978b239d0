// The first bytes of the programs tracees run, kept while each file stays the same. Every
// execve needs its program's head: remap's let-through lane to tell a `#!` script whose
// interpreter a module serves, the guest root's to find an ELF program's loader. A shell loop
// runs the same few programs again and again, and reading a head is an open, a read and a
// close through Node's fs (~25 µs a call in a 1,000-program loop, pinned); a file's stamp
// (monitor-stat.ts) is one stat into a buffer of the monitor's.
import { accessSync, closeSync, constants, openSync, readSync } from 'node:fs';
import { STAMP_WORDS, fileStamp } from './monitor-stat.js';

/** What is read of a program: its ELF header, program headers and PT_INTERP string are nearly
 * always in it, and a `#!` line (the kernel reads 256 bytes of it) always is. */
const HEAD_SIZE = 4096;
/** A bound on the files kept, not an LRU: a long run that execs more programs than this
 * starts again from an empty cache. */
const MAX_KEPT = 256;

interface Kept {
  readonly stamp: Uint32Array;
  /** Undefined: the file could not be opened or read (a directory, no read permission). */
  readonly head: Buffer | undefined;
  /** Whether the monitor's user may execute it, asked at the first need. */
  executable: boolean | undefined;
}

const kept = new Map<string, Kept>();
const stampNow = new Uint32Array(STAMP_WORDS);

/** The head of the host file at `path` (a string, or a tracee's bytes as they are), followed,
 * or undefined when it cannot be opened or read. The buffer may be shared: only read it. */
export function fileHead(path: string | Buffer): Buffer | undefined {
  return headOf(path, entry(path));
}

/** Whether the user may execute the host file at `path` (access(X_OK)). */
export function isExecutable(path: string | Buffer): boolean {
  return executable(path, entry(path));
}

/** fileHead, when the user may also execute the file; undefined otherwise (one stat for both). */
export function executableHead(path: string | Buffer): Buffer | undefined {
  const found = entry(path);
  const head = headOf(path, found);
  return head !== undefined && executable(path, found) ? head : undefined;
}

function headOf(path: string | Buffer, found: ReturnType<typeof entry>): Buffer | undefined {
  return found === CHANGING ? readHead(path) : found?.head;
}

function executable(path: string | Buffer, found: ReturnType<typeof entry>): boolean {
  if (found === undefined) return false;
  if (found === CHANGING) return canExecute(path);
  return (found.executable ??= canExecute(path));
}

const CHANGING = Symbol('changed in the last second');

/** The kept entry for `path`, read again when its stamp changed; undefined when the file is
 * missing (nothing to read: the kernel fails the execve), CHANGING when it changed in the last
 * second (the caller reads it now, and nothing is kept). */
function entry(path: string | Buffer): Kept | typeof CHANGING | undefined {
  const stamp = fileStamp(path, stampNow);
  if (stamp === 'missing') return undefined;
  if (stamp === 'changing') return CHANGING;
  const key = typeof path === 'string' ? path : keyOfBytes(path);
  const found = kept.get(key);
  if (found !== undefined && sameStamp(found.stamp, stampNow)) return found;
  const fresh: Kept = { stamp: stampNow.slice(), head: readHead(path), executable: undefined };
  if (kept.size >= MAX_KEPT) kept.clear();
  kept.set(key, fresh);
  return fresh;
}

/** The last few tracee paths and their keys: a shell loop execs the same programs again, and a
 * key made anew is a string to build and to hash at every execve. */
const recentBytes: Buffer[] = [];
const recentKeys: string[] = [];
const RECENT = 4;

/** A tracee's bytes are keyed by their latin1 string behind a NUL, which no path holds: the
 * same bytes give the same key, and no string path can meet them. */
function keyOfBytes(bytes: Buffer): string {
  for (let i = 0; i < recentBytes.length; i++) if (recentBytes[i]!.equals(bytes)) return recentKeys[i]!;
  const key = `\0${bytes.toString('latin1')}`;
  if (recentBytes.length >= RECENT) {
    recentBytes.pop();
    recentKeys.pop();
  }
  recentBytes.unshift(Buffer.from(bytes));
  recentKeys.unshift(key);
  return key;
}

function sameStamp(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < STAMP_WORDS; i++) if (a[i] !== b[i]) return false;
  return true;
}

function readHead(path: string | Buffer): Buffer | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(HEAD_SIZE);
      return head.subarray(0, readSync(fd, head, 0, HEAD_SIZE, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined; // missing, a directory, not readable: the kernel says so at the execve
  }
}

function canExecute(path: string | Buffer): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
