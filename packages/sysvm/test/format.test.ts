import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { compileC, tempDir } from '@umview/test-fixtures';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import { Tracer, syscallName, syscallNumber, type SyscallEnterStop } from '@umview/ptrace-core';
import {
  beginSyscall, bufferMemory, decodeFlags, formatSyscall, formatSyscallEntry, formatSyscallExit,
  formatSyscallResult, quoteBuffer, quoteBytes, quoteCString, syscallMemory, SIGNATURES,
  type PendingSyscall, type SyscallCall,
} from '../src/format/index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string): string => compileC(join(fixtures, `${name}.c`), { name });

let tracer: Tracer | undefined;
afterEach(() => {
  tracer?.close();
  tracer = undefined;
});

/** Addresses differ between runs (ASLR): long hex numbers become 0xADDR on both sides; so do
 * the pids that process calls return. */
const normalize = (line: string): string => {
  const masked = line.replace(/0x[0-9a-f]{9,}/g, '0xADDR').replace(/parent_tid=\[\d+\]/, 'parent_tid=[PID]');
  return /^(clone|clone3|fork|vfork|wait4)\(/.test(masked) ? masked.replace(/= \d+$/, '= PID') : masked;
};

/** Lines strace writes for `program` run in `cwd`, tracing only `calls`. */
function straceLines(program: string, cwd: string, calls: readonly string[]): string[] {
  const out = join(tempDir(), 'strace.txt');
  // The program's exit status is its own business (format-exec exits with 7).
  const run = spawnSync('strace', ['-o', out, '-e', `trace=${calls.join(',')}`, program], { cwd, stdio: 'ignore' });
  if (run.error) throw run.error;
  const lines = readFileSync(out, 'utf8').split('\n').filter((l) => l && !l.startsWith('+++') && !l.startsWith('---'));
  // The first line is the execve that started the program: ptrace-core's spawn hands the
  // tracee over after it.
  return lines[0]?.startsWith('execve(') ? lines.slice(1) : lines;
}

/** Our lines for the same run, traced with ptrace-core and formatted as strace would. */
function ourLines(program: string, cwd: string, calls: readonly string[]): string[] {
  const wanted = new Set(calls.map((c) => syscallNumber(c)));
  tracer = new Tracer();
  const root = tracer.spawn(program, [], { cwd, stdout: 'ignore', stderr: 'ignore' });
  const mem = syscallMemory(root.memory);
  root.syscall();
  const lines: string[] = [];
  let pending: PendingSyscall | undefined;
  for (const stop of tracer.stops()) {
    // strace without -f follows the first process only; children are traced here but not shown.
    const mine = stop.tid === root.tid;
    if (mine && stop.kind === 'syscall-enter' && wanted.has(stop.nr)) {
      pending = beginSyscall(callOf(stop), mem, { alignResult: 40 });
    } else if (mine && stop.kind === 'syscall-exit' && pending) {
      lines.push(pending.finish(stop.result, mem));
      pending = undefined;
    } else if (mine && (stop.kind === 'exited' || stop.kind === 'killed') && pending) {
      lines.push(pending.finish(0n, mem)); // exit_group: no exit stop, `= ?`
      pending = undefined;
    }
    if (stop.kind === 'exited' || stop.kind === 'killed') continue;
    stop.tracee.syscall(stop.kind === 'signal' ? stop.signal : 0);
  }
  return lines;
}

const callOf = (stop: SyscallEnterStop): SyscallCall => ({ nr: stop.nr, args: stop.args, sp: stop.tracee.getRegisters().sp });

function compareWithStrace(name: string, calls: readonly string[]): { ours: string[]; theirs: string[] } {
  const program = fixture(name);
  const cwd = tempDir('umview-format-');
  const theirs = straceLines(program, cwd, calls).map(normalize);
  const ours = ourLines(program, cwd, calls).map(normalize);
  return { ours, theirs };
}

describe('the same lines as strace', () => {
  skipEachWhen(missing.tool('strace'));

  it('for file, memory and descriptor calls (format-calls.c and its dynamic loader)', () => {
    const calls = [
      'openat', 'open', 'read', 'write', 'pwrite64', 'pread64', 'close', 'fsync', 'ftruncate', 'lseek',
      'fcntl', 'flock', 'fstat', 'newfstatat', 'stat', 'lstat', 'mmap', 'mprotect', 'munmap', 'brk',
      'access', 'faccessat', 'faccessat2', 'dup', 'dup2', 'dup3', 'pipe2', 'readv', 'writev', 'mkdir',
      'mkdirat', 'mknodat', 'getdents64', 'fchdir', 'chdir', 'unlinkat', 'rmdir', 'rename', 'renameat',
      'renameat2', 'symlink', 'readlink', 'readlinkat', 'link', 'chmod', 'fchmodat', 'truncate', 'umask',
      'unlink', 'socket', 'nanosleep', 'sched_yield', 'exit_group', 'arch_prctl', 'set_robust_list',
      'rseq', 'prlimit64',
    ];
    const { ours, theirs } = compareWithStrace('format-calls', calls);
    expect(theirs.length).toBeGreaterThan(100);
    expect(ours).toEqual(theirs);
  });

  it('for signals, sockets, polling, event fds, xattrs, processes and time (format-more.c)', () => {
    const calls = [
      'kill', 'rt_sigaction', 'rt_sigprocmask', 'signalfd4', 'rt_sigsuspend', 'rt_sigreturn', 'socketpair', 'sendto', 'poll', 'ppoll',
      'select', 'pselect6', 'recvfrom', 'sendmsg', 'recvmsg', 'setsockopt', 'getsockopt', 'shutdown',
      'socket', 'bind', 'listen', 'connect', 'accept4', 'getsockname', 'getpeername', 'close', 'unlink',
      'pipe2', 'write', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'eventfd2', 'timerfd_create',
      'inotify_init1', 'inotify_add_watch', 'memfd_create', 'fcntl', 'close_range', 'openat',
      'fsetxattr', 'setxattr', 'getxattr', 'lgetxattr', 'removexattr', 'listxattr', 'statx',
      'utimensat', 'chown', 'fchown', 'fchmod', 'fchownat', 'fdatasync', 'preadv', 'pwritev',
      'sendfile', 'copy_file_range', 'ioctl', 'getcwd', 'mmap', 'madvise', 'mremap', 'munmap',
      'getuid', 'geteuid', 'getgid', 'getegid', 'prctl', 'prlimit64', 'getrlimit', 'uname',
      'sched_getaffinity', 'futex', 'clock_getres', 'clock_nanosleep', 'clone', 'wait4', 'exit_group',
    ];
    const { ours, theirs } = compareWithStrace('format-more', calls);
    expect(theirs.length).toBeGreaterThan(100);
    expect(ours).toEqual(theirs);
  });

  it('for a thread, a failing and a successful execve, and exit_group (format-exec.c)', () => {
    const { ours, theirs } = compareWithStrace('format-exec', ['clone3', 'execve', 'write', 'exit_group']);
    expect(theirs).toHaveLength(7);
    expect(ours).toEqual(theirs);
  });
});

/** Tracee memory simulated in a buffer: `put` places bytes and returns their address. */
class FakeMemory {
  static readonly BASE = 0x7f0000001000n;
  private readonly data = Buffer.alloc(1 << 16);
  private used = 0;
  readonly mem = bufferMemory(FakeMemory.BASE, this.data);

  put(bytes: Uint8Array | string): bigint {
    const buf = typeof bytes === 'string' ? Buffer.from(`${bytes}\0`, 'latin1') : Buffer.from(bytes);
    const at = this.used;
    buf.copy(this.data, at);
    this.used = (at + buf.length + 15) & ~15;
    return FakeMemory.BASE + BigInt(at);
  }

  u64s(...values: bigint[]): bigint {
    const buf = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => buf.writeBigUInt64LE(BigInt.asUintN(64, v), i * 8));
    return this.put(buf);
  }

  /** An address just past the readable buffer. */
  get unreadable(): bigint {
    return FakeMemory.BASE + 0x20000n;
  }
}

const nr = (name: string): number => {
  const n = syscallNumber(name);
  if (n === undefined) throw new Error(`no syscall ${name}`);
  return n;
};
const call = (name: string, ...args: (bigint | number)[]): SyscallCall => ({ nr: nr(name), args: args.map(BigInt) });
const AT_FDCWD_ZERO_EXTENDED = 0xffffff9cn;

describe('string escaping', () => {
  it('escapes like strace: named escapes, minimal octal, three digits before an octal digit', () => {
    expect(quoteBytes(Buffer.from('hello\n\tworld "q" \\'))).toBe('"hello\\n\\tworld \\"q\\" \\\\"');
    expect(quoteBytes(Buffer.from([0x61, 0, 1, 0x37, 0x7f, 0xff, 0x1b, 0x5b, 0x0d, 0x0b, 0x0c]))).toBe('"a\\0\\0017\\177\\377\\33[\\r\\v\\f"');
    expect(quoteBytes(Buffer.from([0, 0x38]))).toBe('"\\08"'); // 8 is not an octal digit
    expect(quoteBytes(Buffer.from([9, 0x30]))).toBe('"\\t0"');
    expect(quoteBytes(Buffer.from('é', 'utf8'))).toBe('"\\303\\251"');
    expect(quoteBytes(Buffer.from([0xde, 0xad]), true)).toBe('"\\xde\\xad"');
  });

  it('truncates buffers and C strings at the limit, with ... after the quote', () => {
    const s32 = 'x'.repeat(32);
    expect(quoteBuffer(Buffer.from(s32), 32, 32)).toBe(`"${s32}"`);
    expect(quoteBuffer(Buffer.from(s32), 33, 32)).toBe(`"${s32}"...`);
    expect(quoteBuffer(Buffer.from('abc'), 3, 2)).toBe('"ab"...');
    expect(quoteCString(Buffer.from(s32), 32)).toBe(`"${s32}"`);
    expect(quoteCString(Buffer.from(`${s32}y`), 32)).toBe(`"${s32}"...`);
  });
});

describe('flag decoders', () => {
  const d = decodeFlags;
  it('open flags: access mode first, composites before their parts, unknown bits in hex', () => {
    expect(d('open_flags', 0n)).toBe('O_RDONLY');
    expect(d('open_flags', 0o2000000n)).toBe('O_RDONLY|O_CLOEXEC');
    expect(d('open_flags', 0o1102n)).toBe('O_RDWR|O_CREAT|O_TRUNC');
    expect(d('open_flags', 0o2200000n)).toBe('O_RDONLY|O_CLOEXEC|O_DIRECTORY');
    expect(d('open_flags', 0o4010001n)).toBe('O_WRONLY|O_SYNC');
    expect(d('open_flags', 0o20200002n)).toBe('O_RDWR|O_TMPFILE');
    expect(d('open_flags', 0o10000000n | 0o400000n)).toBe('O_RDONLY|O_NOFOLLOW|O_PATH');
    expect(d('open_flags', 3n | 0x40000000n)).toBe('O_ACCMODE|0x40000000');
    expect(d('open_flags', 0xffffffff00000000n)).toBe('O_RDONLY'); // an int: upper half ignored
    expect(d('open_flag_bits', 0n)).toBe('0');
    expect(d('open_flag_bits', 0o2004000n)).toBe('O_NONBLOCK|O_CLOEXEC');
    expect(d('open_flag_bits', 0x40000000n)).toBe('0x40000000 /* O_??? */');
  });

  it('access modes, AT_* flags, statx flags and masks, RENAME_*', () => {
    expect(d('access_mode', 0n)).toBe('F_OK');
    expect(d('access_mode', 7n)).toBe('R_OK|W_OK|X_OK');
    expect(d('at_flags', 0n)).toBe('0');
    expect(d('at_flags', 0x200n)).toBe('AT_REMOVEDIR');
    expect(d('at_flags', 0x1100n)).toBe('AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH');
    expect(d('faccessat_flags', 0x300n)).toBe('AT_SYMLINK_NOFOLLOW|AT_EACCESS');
    expect(d('statx_flags', 0n)).toBe('AT_STATX_SYNC_AS_STAT');
    expect(d('statx_flags', 0x4100n)).toBe('AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW');
    expect(d('statx_mask', 0x7ffn)).toBe('STATX_BASIC_STATS');
    expect(d('statx_mask', 0x1fffn)).toBe('STATX_ALL|STATX_MNT_ID');
    expect(d('statx_mask', 0x202n)).toBe('STATX_MODE|STATX_SIZE');
    expect(d('rename_flags', 3n)).toBe('RENAME_NOREPLACE|RENAME_EXCHANGE');
    expect(d('file_mode', 0o100644n)).toBe('S_IFREG|0644');
    expect(d('file_mode', 0o20620n)).toBe('S_IFCHR|0620');
    expect(d('file_mode', 0o644n)).toBe('0644');
  });

  it('mmap protections and flags', () => {
    expect(d('mmap_prot', 0n)).toBe('PROT_NONE');
    expect(d('mmap_prot', 7n)).toBe('PROT_READ|PROT_WRITE|PROT_EXEC');
    expect(d('mmap_flags', 0x22n)).toBe('MAP_PRIVATE|MAP_ANONYMOUS');
    expect(d('mmap_flags', 0x812n)).toBe('MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE');
    expect(d('mmap_flags', 0x1n | 0x8000n)).toBe('MAP_SHARED|MAP_POPULATE');
    expect(d('mmap_flags', 0x3n | 0x100000n)).toBe('MAP_SHARED_VALIDATE|MAP_FIXED_NOREPLACE');
    expect(d('mmap_flags', 0x40022n | (21n << 26n))).toBe('MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT');
  });

  it('clone flags with the exit signal in the low byte', () => {
    expect(d('clone_flags', 0x1200011n)).toBe('CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD');
    expect(d('clone_flags', 0x3d0f00n)).toBe('CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID');
    expect(d('clone_flags', 17n)).toBe('SIGCHLD');
    expect(d('clone_flags', 0n)).toBe('0');
  });

  it('fcntl commands, descriptor flags, lseek whence, flock operations', () => {
    expect(d('fcntl_cmd', 1030n)).toBe('F_DUPFD_CLOEXEC');
    expect(d('fcntl_cmd', 4n)).toBe('F_SETFL');
    expect(d('fcntl_cmd', 0x64n)).toBe('0x64 /* F_??? */');
    expect(d('fd_flags', 1n)).toBe('FD_CLOEXEC');
    expect(d('seek_whence', 2n)).toBe('SEEK_END');
    expect(d('seek_whence', 9n)).toBe('9 /* SEEK_??? */');
    expect(d('flock_op', 6n)).toBe('LOCK_EX|LOCK_NB');
  });

  it('signals and sigprocmask how', () => {
    expect(d('signal', 9n)).toBe('SIGKILL');
    expect(d('signal', 17n)).toBe('SIGCHLD');
    expect(d('signal', 32n)).toBe('SIGRTMIN');
    expect(d('signal', 34n)).toBe('SIGRT_2');
    expect(d('signal', 0n)).toBe('0');
    expect(d('signal', 99n)).toBe('99');
    expect(d('sigprocmask_how', 2n)).toBe('SIG_SETMASK');
    expect(d('wait_options', 0x40000001n)).toBe('WNOHANG|__WALL');
  });

  it('socket domains, types and message flags', () => {
    expect(d('address_family', 1n)).toBe('AF_UNIX');
    expect(d('address_family', 10n)).toBe('AF_INET6');
    expect(d('socket_type', 1n | 0o2000000n | 0o4000n)).toBe('SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK');
    expect(d('socket_type', 2n)).toBe('SOCK_DGRAM');
    expect(d('msg_flags', 0x4040n)).toBe('MSG_DONTWAIT|MSG_NOSIGNAL');
    expect(d('shutdown_how', 2n)).toBe('SHUT_RDWR');
  });

  it('futex operations, clocks, prctl and arch_prctl codes, poll and epoll events', () => {
    expect(d('futex_op', 0x81n)).toBe('FUTEX_WAKE_PRIVATE');
    expect(d('futex_op', 9n | 128n | 256n)).toBe('FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME');
    expect(d('clock_id', 1n)).toBe('CLOCK_MONOTONIC');
    expect(d('prctl_option', 38n)).toBe('PR_SET_NO_NEW_PRIVS');
    expect(d('arch_prctl_code', 0x1002n)).toBe('ARCH_SET_FS');
    expect(d('poll_events', 5n)).toBe('POLLIN|POLLOUT');
    expect(d('epoll_events', 0x80000001n)).toBe('EPOLLIN|EPOLLET');
    expect(d('rlimit_resource', 7n)).toBe('RLIMIT_NOFILE');
    expect(d('mount_flags', 0xc0ed0000n | 1n | 4096n)).toBe('MS_MGC_VAL|MS_RDONLY|MS_BIND');
  });
});

describe('formatting calls from memory', () => {
  it('decodes ints as 32-bit: AT_FDCWD arrives zero-extended', () => {
    const m = new FakeMemory();
    const line = formatSyscall(call('openat', AT_FDCWD_ZERO_EXTENDED, m.put('/etc/hostname'), 0o2000000n), 3n, m.mem);
    expect(line).toBe('openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = 3');
    expect(formatSyscall(call('close', 0xffffffffn), -9n, m.mem)).toBe('close(-1) = -1 EBADF (Bad file descriptor)');
    expect(formatSyscall(call('kill', 0xffffffffn, 9n), 0n, m.mem)).toBe('kill(-1, SIGKILL) = 0');
  });

  it('splits the line where the kernel writes: entry text, then the rest at exit', () => {
    const m = new FakeMemory();
    const buf = m.put(Buffer.from('data\n'));
    const c = call('read', 3n, buf, 100n);
    expect(formatSyscallEntry(c, m.mem)).toBe('read(3');
    expect(formatSyscallExit(c, 5n, m.mem)).toBe(', "data\\n", 100) = 5');
    expect(formatSyscallResult(c, 5n)).toBe(' = 5');
    const w = call('write', 1n, buf, 5n);
    expect(formatSyscallEntry(w, m.mem)).toBe('write(1, "data\\n", 5');
    expect(formatSyscallExit(w, 5n, m.mem)).toBe(') = 5');
    expect(formatSyscallEntry(call('getpid'), m.mem)).toBe('getpid(');
    expect(formatSyscallExit(call('getpid'), 42n, m.mem)).toBe(') = 42');
  });

  it('shows unreadable or unwritten memory as the address, and NULL as NULL', () => {
    const m = new FakeMemory();
    expect(formatSyscall(call('open', m.unreadable, 0n), -14n, m.mem)).toBe(`open(0x${m.unreadable.toString(16)}, O_RDONLY) = -1 EFAULT (Bad address)`);
    const buf = m.put(Buffer.alloc(16, 0x41));
    expect(formatSyscall(call('read', 3n, buf, 16n), -11n, m.mem)).toBe(`read(3, 0x${buf.toString(16)}, 16) = -1 EAGAIN (Resource temporarily unavailable)`);
    expect(formatSyscall(call('write', 1n, 0n, 0n), 0n, m.mem)).toBe('write(1, NULL, 0) = 0');
    expect(formatSyscall(call('fstat', 3n, 0n), -14n, m.mem)).toBe('fstat(3, NULL) = -1 EFAULT (Bad address)');
  });

  it('never truncates paths, but truncates strings and buffers at the limit', () => {
    const m = new FakeMemory();
    const long = `/${'d'.repeat(60)}/file`;
    expect(formatSyscall(call('chdir', m.put(long)), 0n, m.mem)).toBe(`chdir("${long}") = 0`);
    const data = m.put(Buffer.from('0123456789'.repeat(5)));
    expect(formatSyscall(call('write', 1n, data, 50n), 50n, m.mem)).toBe('write(1, "01234567890123456789012345678901"..., 50) = 50');
    expect(formatSyscall(call('write', 1n, data, 50n), 50n, m.mem, { stringLimit: 4 })).toBe('write(1, "0123"..., 50) = 50');
    expect(formatSyscall(call('memfd_create', m.put('n'.repeat(40)), 1n), 3n, m.mem)).toBe(`memfd_create("${'n'.repeat(32)}"..., MFD_CLOEXEC) = 3`);
  });

  it('shows the open mode only with O_CREAT or O_TMPFILE', () => {
    const m = new FakeMemory();
    const p = m.put('f');
    expect(formatSyscall(call('open', p, 0o101n, 0o644n), 3n, m.mem)).toBe('open("f", O_WRONLY|O_CREAT, 0644) = 3');
    expect(formatSyscall(call('open', p, 1n, 0o644n), 3n, m.mem)).toBe('open("f", O_WRONLY) = 3');
    expect(formatSyscall(call('openat', 5n, p, 0o20200002n, 0o600n), 3n, m.mem)).toBe('openat(5, "f", O_RDWR|O_TMPFILE, 0600) = 3');
  });

  it('decodes struct stat, timespec, sigsets and wait statuses', () => {
    const m = new FakeMemory();
    const st = Buffer.alloc(144);
    st.writeUInt32LE(0o20666, 24);
    st.writeBigUInt64LE(0x103n, 40); // makedev(1, 3)
    expect(formatSyscall(call('fstat', 0n, m.put(st)), 0n, m.mem)).toBe('fstat(0, {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}) = 0');
    const ts = m.u64s(1n, 500n);
    expect(formatSyscall(call('clock_gettime', 1n, ts), 0n, m.mem)).toBe('clock_gettime(CLOCK_MONOTONIC, {tv_sec=1, tv_nsec=500}) = 0');
    const all = m.u64s(0xffffffffffffffffn);
    expect(formatSyscall(call('rt_sigprocmask', 0n, all, 0n, 8n), 0n, m.mem)).toBe('rt_sigprocmask(SIG_BLOCK, ~[], NULL, 8) = 0');
    const some = m.u64s((1n << 1n) | (1n << 14n));
    expect(formatSyscall(call('rt_sigprocmask', 1n, some, 0n, 8n), 0n, m.mem)).toBe('rt_sigprocmask(SIG_UNBLOCK, [INT TERM], NULL, 8) = 0');
    const status = m.put(Buffer.from([0x8b, 0, 0, 0])); // killed by SIGSEGV, core dumped
    expect(formatSyscall(call('wait4', 0xffffffffn, status, 0n, 0n), 1234n, m.mem)).toBe('wait4(-1, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], 0, NULL) = 1234');
  });

  it('shows in/out values as [before => after] when the entry was seen (beginSyscall)', () => {
    const m = new FakeMemory();
    const addr = m.put(Buffer.alloc(128));
    const len = m.put(Buffer.from([128, 0, 0, 0]));
    const pending = beginSyscall(call('accept', 3n, addr, len), m.mem);
    expect(pending.text).toBe('accept(3');
    // The kernel writes a 16-byte AF_INET address and its length.
    const sin = Buffer.from([2, 0, 0x1f, 0x90, 127, 0, 0, 1]);
    const fake = new FakeMemory(); // same layout as `m`, as the memory is at the exit stop
    fake.put(Buffer.concat([sin, Buffer.alloc(120)]));
    fake.put(Buffer.from([16, 0, 0, 0]));
    expect(pending.finish(4n, fake.mem)).toBe('accept(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, [128 => 16]) = 4');
    // Stateless: the value at exit only.
    expect(formatSyscall(call('accept', 3n, addr, len), 4n, fake.mem)).toBe('accept(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, [16]) = 4');
  });

  it('aligns the result at a column like strace -a', () => {
    const m = new FakeMemory();
    expect(formatSyscall(call('close', 3n), 0n, m.mem, { alignResult: 40 })).toBe(`close(3)${' '.repeat(32)}= 0`);
    const long = formatSyscall(call('openat', AT_FDCWD_ZERO_EXTENDED, m.put('a/rather/long/path/name'), 0n), 3n, m.mem, { alignResult: 40 });
    expect(long).toBe('openat(AT_FDCWD, "a/rather/long/path/name", O_RDONLY) = 3');
  });
});

describe('results', () => {
  it('errors with errno names and strerror texts, restart errnos as ?', () => {
    const c = call('access', 0n, 0n);
    expect(formatSyscallResult(c, -2n)).toBe(' = -1 ENOENT (No such file or directory)');
    expect(formatSyscallResult(c, -13n)).toBe(' = -1 EACCES (Permission denied)');
    expect(formatSyscallResult(c, -512n)).toBe(' = ? ERESTARTSYS (To be restarted if SA_RESTART is set)');
    expect(formatSyscallResult(c, -516n)).toBe(' = ? ERESTART_RESTARTBLOCK (Interrupted by signal)');
    expect(formatSyscallResult(c, -524n)).toBe(' = -1 ENOTSUPP (Operation is not supported)');
    expect(formatSyscallResult(c, -4000n)).toBe(' = -1 E4000');
  });

  it('in the style of the call: hex addresses, octal umask, decoded fcntl flags, ? for exit', () => {
    expect(formatSyscallResult(call('mmap', 0n, 4096n, 3n, 0x22n, 0xffffffffn, 0n), 0x7f12a000n)).toBe(' = 0x7f12a000');
    expect(formatSyscallResult(call('brk', 0n), 0x5555000n)).toBe(' = 0x5555000');
    expect(formatSyscallResult(call('umask', 0o22n), 0o27n)).toBe(' = 027');
    expect(formatSyscallResult(call('fcntl', 3n, 3n), 0o100002n)).toBe(' = 0x8002 (flags O_RDWR|O_LARGEFILE)');
    expect(formatSyscallResult(call('fcntl', 3n, 1n), 0n)).toBe(' = 0');
    expect(formatSyscallResult(call('exit_group', 0n), 0n)).toBe(' = ?');
    expect(formatSyscallResult(call('lseek', 3n, 0n, 2n), 1n << 40n)).toBe(` = ${1n << 40n}`);
  });

  it('shows unknown syscalls with their raw arguments', () => {
    const m = new FakeMemory();
    expect(formatSyscall(call('io_uring_setup', 8n, 0x1000n), 5n, m.mem)).toBe('io_uring_setup(0x8, 0x1000) = 5');
    expect(formatSyscall({ nr: 1000, args: [1n, 2n, 3n, 4n, 5n, 6n] }, -38n, m.mem)).toBe('syscall_1000(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)');
  });
});

describe('the signature table', () => {
  const required = `read write open openat openat2 close stat fstat lstat newfstatat statx lseek mmap mprotect
    munmap brk pread64 pwrite64 readv writev preadv pwritev access faccessat faccessat2 pipe pipe2 dup dup2
    dup3 getpid getppid gettid getuid geteuid getgid getegid kill tgkill rt_sigaction rt_sigprocmask
    rt_sigreturn ioctl fcntl flock fsync fdatasync truncate ftruncate getdents64 getcwd chdir fchdir rename
    renameat renameat2 mkdir mkdirat rmdir creat link linkat unlink unlinkat symlink symlinkat readlink
    readlinkat chmod fchmod fchmodat chown fchown lchown fchownat umask utimensat futimesat execve execveat
    exit exit_group wait4 clone clone3 fork vfork socket connect accept accept4 sendto recvfrom sendmsg
    recvmsg bind listen getsockname getpeername socketpair setsockopt getsockopt shutdown poll ppoll select
    pselect6 epoll_create1 epoll_ctl epoll_wait epoll_pwait nanosleep clock_nanosleep clock_gettime
    gettimeofday futex set_tid_address set_robust_list rseq prlimit64 arch_prctl prctl seccomp getrandom
    sched_getaffinity sched_yield uname sysinfo statfs fstatfs sendfile splice copy_file_range memfd_create
    pidfd_open pidfd_getfd close_range mremap madvise getrusage times setpgid getpgid setsid getsid umount2
    mount pivot_root chroot sync getxattr lgetxattr fgetxattr setxattr listxattr removexattr inotify_init1
    inotify_add_watch eventfd2 timerfd_create signalfd4`.split(/\s+/);

  it('describes every syscall a monitor sees most, with no more arguments than the kernel takes', () => {
    const missing = required.filter((name) => !SIGNATURES.has(name));
    expect(missing).toEqual([]);
    for (const [name, sig] of SIGNATURES) {
      const n = syscallNumber(name);
      expect(n, name).toBeDefined();
      expect(syscallName(n!)).toBe(name);
      expect(sig.args.length, name).toBeLessThanOrEqual(6);
    }
  });
});

describe('more argument kinds', () => {
  it('shows set-id and sticky bits of a typed mode symbolically, and plain modes in octal', () => {
    expect(decodeFlags('file_mode', 0o41777n)).toBe('S_IFDIR|S_ISVTX|0777');
    expect(decodeFlags('file_mode', 0o106755n)).toBe('S_IFREG|S_ISUID|S_ISGID|0755');
    const m = new FakeMemory();
    expect(formatSyscall(call('chmod', m.put('x'), 0o4755n), 0n, m.mem)).toBe('chmod("x", 04755) = 0');
    expect(formatSyscall(call('umask', 0n), 0o22n, m.mem)).toBe('umask(000) = 022');
  });

  it('prints getrandom data in hex, and rt_sigreturn\'s mask only when the stack pointer is known', () => {
    const m = new FakeMemory();
    const buf = m.put(Buffer.from([0x9e, 0x40, 0x23]));
    expect(formatSyscall(call('getrandom', buf, 3n, 1n), 3n, m.mem)).toBe('getrandom("\\x9e\\x40\\x23", 3, GRND_NONBLOCK) = 3');
    expect(formatSyscall(call('rt_sigreturn'), 0n, m.mem)).toBe('rt_sigreturn() = 0');
    const frame = Buffer.alloc(296 + 8);
    frame.writeBigUInt64LE(1n << 12n, 296); // SIGPIPE (13) blocked
    const sp = m.put(frame);
    expect(formatSyscall({ ...call('rt_sigreturn'), sp }, -4n, m.mem)).toBe('rt_sigreturn({mask=[PIPE]}) = -1 EINTR (Interrupted system call)');
  });

  it('decodes execve argv and counts envp', () => {
    const m = new FakeMemory();
    const argvAddr = m.u64s(m.put('ls'), m.put('-l'), 0n);
    const envAddr = m.u64s(m.put('A=1'), m.put('B=2'), m.put('C=3'), 0n);
    expect(formatSyscall(call('execve', m.put('/bin/ls'), argvAddr, envAddr), 0n, m.mem))
      .toBe(`execve("/bin/ls", ["ls", "-l"], 0x${envAddr.toString(16)} /* 3 vars */) = 0`);
  });

  it('names clone\'s arguments and shows the tid pointers at exit', () => {
    const m = new FakeMemory();
    const c = call('clone', 0x1200011n, 0n, 0n, 0x7f00deadbeefn, 0n);
    expect(formatSyscallEntry(c, m.mem)).toBe('clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD');
    expect(formatSyscallExit(c, 1234n, m.mem)).toBe(', child_tidptr=0x7f00deadbeef) = 1234');
  });

  it('decodes IPv6 addresses the way inet_ntop does', async () => {
    const { formatIpv6 } = await import('../src/format/printers/net.js');
    const addr = (text: string): Buffer => {
      const words = text.split(':').map((w) => parseInt(w, 16));
      const buf = Buffer.alloc(16);
      words.forEach((w, i) => buf.writeUInt16BE(w, i * 2));
      return buf;
    };
    expect(formatIpv6(Buffer.alloc(16))).toBe('::');
    expect(formatIpv6(addr('0:0:0:0:0:0:0:1'))).toBe('::1');
    expect(formatIpv6(addr('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(addr('fe80:0:0:0:0:0:0:0'))).toBe('fe80::');
    expect(formatIpv6(addr('2001:db8:1:2:3:4:5:6'))).toBe('2001:db8:1:2:3:4:5:6');
    expect(formatIpv6(addr('0:0:0:0:0:ffff:c000:201'))).toBe('::ffff:192.0.2.1');
    expect(formatIpv6(addr('1:0:2:0:3:0:4:0'))).toBe('1:0:2:0:3:0:4:0');
  });
});
