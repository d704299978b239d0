// Short constructors for ArgSpec and ResultSpec values, so the signature table reads like a
// list of C prototypes.
import type { FlagDecoderName } from './decoders/index.js';
import { O_CREAT, O_TMPFILE_BIT } from './decoders/files.js';
import type { StructName } from './printers/index.js';
import type { ArgContext, ArgRef, ArgSpec, Direction, ResultSpec, ScalarKind } from './types.js';

const scalar = (kind: ScalarKind) => (name: string): ArgSpec => ({ kind, name });

export const int = scalar('int');
export const uint = scalar('uint');
export const long = scalar('long');
export const ulong = scalar('ulong');
export const size = scalar('size');
export const off = scalar('off');
export const ptr = scalar('ptr');
export const hex = scalar('hex');
export const fd = scalar('fd');
export const dirfd = scalar('dirfd');
export const pid = scalar('pid');
export const uid = scalar('uid');
export const mode = scalar('mode');
export const fileMode = scalar('file_mode');
export const signal = scalar('signal');

export const path = (name: string): ArgSpec => ({ kind: 'path', name });
export const string = (name: string, max?: number): ArgSpec => (max === undefined ? { kind: 'string', name } : { kind: 'string', name, max });
export const bufIn = (name: string, len: ArgRef, hexOnly = false): ArgSpec =>
  (hexOnly ? { kind: 'buf_in', name, len, hex: true } : { kind: 'buf_in', name, len });
export const bufOut = (name: string, len: ArgRef = 'result', hexOnly = false): ArgSpec =>
  (hexOnly ? { kind: 'buf_out', name, len, hex: true } : { kind: 'buf_out', name, len });
export const cstringOut = (name: string): ArgSpec => ({ kind: 'cstring_out', name });
export const flags = (name: string, decoder: FlagDecoderName): ArgSpec => ({ kind: 'flags', name, decoder });
export const struct = (name: string, which: StructName, dir: Direction, count?: ArgRef): ArgSpec =>
  (count === undefined ? { kind: 'struct', name, struct: which, dir } : { kind: 'struct', name, struct: which, dir, count });
export const iovec = (name: string, dir: 'in' | 'out', count: ArgRef): ArgSpec => ({ kind: 'iovec', name, dir, count });
export const intPtr = (name: string, dir: Direction, bytes: 4 | 8 = 4, decoder?: FlagDecoderName): ArgSpec =>
  (decoder ? { kind: 'int_ptr', name, dir, size: bytes, decoder } : { kind: 'int_ptr', name, dir, size: bytes });
/** An inout offset shown as strace shows sendfile's: `[0] => [5]`. */
export const offsetPtr = (name: string): ArgSpec => ({ kind: 'int_ptr', name, dir: 'inout', size: 8, outside: true });
export const fdPair = (name: string): ArgSpec => ({ kind: 'fd_pair', name });
export const argv = (name: string): ArgSpec => ({ kind: 'argv', name });
export const envp = (name: string): ArgSpec => ({ kind: 'envp', name });
export const ignored = (name: string): ArgSpec => ({ kind: 'ignored', name });
export const variant = (name: string, pick: (args: readonly bigint[]) => ArgSpec | undefined): ArgSpec =>
  ({ kind: 'variant', name, pick });
export const custom = (name: string, at: 'entry' | 'exit', print: (ctx: ArgContext) => string | undefined): ArgSpec =>
  ({ kind: 'custom', name, at, print });

/** open's mode: present only with O_CREAT or O_TMPFILE in the flags argument. */
export const openMode = (flagsIndex: number): ArgSpec =>
  variant('mode', (args) => ((args[flagsIndex] ?? 0n) & (O_CREAT | O_TMPFILE_BIT) ? mode('mode') : undefined));

export const R = {
  int: { kind: 'int' },
  fd: { kind: 'fd' },
  pid: { kind: 'pid' },
  ssize: { kind: 'ssize' },
  off: { kind: 'off' },
  long: { kind: 'long' },
  ulong: { kind: 'ulong' },
  hex: { kind: 'hex' },
  octal: { kind: 'octal' },
  none: { kind: 'none' },
} as const satisfies Record<string, ResultSpec>;

export const resultFlags = (decoder: FlagDecoderName, zeroPlain = false, prefix = 'flags'): ResultSpec =>
  ({ kind: 'flags', decoder, zeroPlain, prefix });
export const resultVariant = (pick: (args: readonly bigint[]) => ResultSpec): ResultSpec => ({ kind: 'variant', pick });
export const resultWith = (aux: (ctx: ArgContext) => string | undefined): ResultSpec => ({ kind: 'custom', aux });
