// The semantic points of issue 24 (a data path without a stop per call), one fixture each in
// test/fixtures/data-path: how each is run on a side (sides.ts), and what its native transcript
// must show for the case to test anything at all.
import type { Result } from '../helpers.js';
import { exec } from '../helpers.js';
import { program, transcript, type Side } from './sides.js';

export interface Case {
  /** Its fixture's name. */
  id: string;
  /** The semantic point. */
  name: string;
  /** Runs the case on a side; its transcript. */
  run(side: Side): Promise<string>;
  /** Lines the native transcript must hold (the fixture really exercised the point). */
  shows: RegExp[];
}

/** The fixture `name` run once on the side's directory, with more operands after it. */
const simple = (name: string, shows: RegExp[], what: string, more: (side: Side) => string[] = () => []): Case => ({
  id: name,
  name: what,
  shows,
  run: async (side) => transcript(side, [await side.run([program(name), side.dir, ...more(side)])]),
});

const sh = (side: Side, script: string, ...args: string[]): Promise<Result> => side.run(['/bin/sh', '-c', script, ...args]);

export const CASES: Case[] = [
  simple('fork-offsets', [/^child read: \[cd\]/m, /^parent offset after the child's lseek = 3$/m, /^turns: \[PccPccPcc\]/m, /^parent read after the child's exit: \[fghij\]/m],
    'offsets shared after fork: parent and child read and write in turns on one fd'),
  simple('dup-offsets', [/^read via dup3: \[kl\]/m, /^read via the replaced fd: \[yz\]/m],
    'dup, dup2, dup3, F_DUPFD share the offset'),
  simple('fd-table', [/^400 served files open at once: contents ok yes, sizes ok yes, offsets ok yes$/m, /^dup2 to 1000: \$D\/alpha$/m, /^read it via that fd: \[piped\]/m, /^a thread's read: \[defg\]$/m, /^fstat in main after a thread's close = -1 EBADF$/m],
    'the fd table: many served fds at once, dup2 low and high, a pipe onto a served fd, close_range, threads'),
  simple('lseek-read', [/^read 10: \[wxyz\] \(4\)$/m, /^backwards: \[zupkfa\]$/m, /^SEEK_HOLE 0 = 26$/m],
    'lseek then read'),
  simple('large-offsets', [/^size 5368709128$/m, /^pread at 5 GiB \+ 4: \[away\]/m, /^offset after the child's lseek = 5368709122$/m],
    '64-bit offsets: a sparse write at 5 GiB, lseek, pread, preadv, an offset shared after fork'),
  simple('pread-offset', [/^offset after preadv2\(-1\) = 9$/m, /^another fd sees the pwrites: \[<>cdefghijklmnopqrstPWwxyz\]/m],
    'pread, pwrite, preadv, pwritev leave the offset; preadv2(-1) moves it'),
  simple('append', [/^log: \[ccB1A2B2A3PAvVp0c0p1c1p2c2\]/m, /^offset = 27$/m],
    'O_APPEND writes from two fds and two processes'),
  simple('short-reads', [/^read 4096 = 1808$/m, /^read 4 MiB of a 3 MiB file = 3145851$/m, /^O_NONBLOCK read 4 MiB = 3145851$/m],
    'short reads only at EOF, however much is asked, with or without O_NONBLOCK'),
  simple('fd-stat', [/^after another process's write: fstat 1016 newfstatat 1016 statx 1016 path 1016$/m, /^fd: fstat ino\/dev = stat's: yes; statx ino\/dev = stat's: yes/m, /^fstatfs type = statfs's: yes$/m, /^mtime moved by the write: yes; ctime moved: yes; path agrees: yes$/m],
    'fstat, newfstatat(AT_EMPTY_PATH), statx of the fd: sizes, inode and device, data times'),
  simple('proc-fd', [/^readlink \/proc\/self\/fd\/N: \$D\/alpha$/m, /^readlink after unlink: \$D\/alpha \(deleted\)$/m, /^read via the reopened fd \(its own offset\): \[abc\]/m],
    'readlink of /proc/self/fd/N names the guest path; opening it is a new open'),
  simple('mmap-shared', [/^read\(\) after msync: \[SHAREDmapped world\]/m, /^another process: \[SHAREDmapped world\]/m, /^the mapping sees the write: \[WRITE\]/m, /^another process's mapped write, read\(\): \[MAPPED\]/m],
    'mmap: MAP_PRIVATE, MAP_SHARED seen by read() after msync and by another process'),
  simple('poll-select', [/^O_RDONLY: poll = 1 revents 0x145$/m, /^select = 2 readable yes writable yes exception no$/m, /^epoll_ctl ADD of a regular file = -1 EPERM$/m],
    'poll, select, epoll say what a regular file says'),
  simple('copy-calls', [/^sendfile\(pipe <- served, offset given\) = 5000$/m, /^splice\(pipe -> served\) = 6000$/m, /^copy_file_range\(served -> pipe\) = -1 EINVAL$/m],
    'copy_file_range, sendfile, splice between a served file and a pipe or a host file', (side) => [side.host, side.hostFs]),
  simple('coherence', [/^reader: \[WXYZ\]/m, /^reader after another process's write: \[KID!\]/m, /^reader past the old EOF: \[more\]/m, /^reader's fstat size after another's O_TRUNC open 0$/m, /^the reader keeps the old file: \[TRUNCATED!\]/m],
    'coherence: writes by another fd or process seen at once by a reader', (side) => [side.alias]),
  simple('truncate-sync', [/^read at 50: \[\] \(0\)$/m, /^fsync = 0$/m, /^fdatasync = 0$/m, /^ftruncate of O_RDONLY = -1 EINVAL$/m],
    'ftruncate then read; fsync, fdatasync; access modes'),
  simple('fd-passing', [/^child: size 26, \/proc\/self\/fd\/N names the sender's path: yes$/m, /^child read after the sender closed its fd: \[hij\]/m, /^the open by the other path is named by that path: yes$/m],
    'a served fd passed over a unix socket (SCM_RIGHTS); the file by a path the monitor does not serve', (side) => [side.alias]),
  simple('fallocate', [/^size seen by another fd 200$/m, /^fallocate of O_RDONLY = -1 EBADF$/m],
    'fallocate grows the file, seen at once through another fd'),
  {
    id: 'close-durable',
    name: 'close: the data is in the file (read back by a new process: natively on the host, or through the mount)',
    shows: [/^closed: 262161 bytes, content ok: yes$/m, /^unclosed: 20000 bytes, content ok: yes$/m],
    run: async (side) => {
      const p = program('close-durable');
      if (side.hostDir === undefined) return transcript(side, [await sh(side, '"$0" write "$1" && "$0" verify "$1"', p, side.dir)]);
      const wrote = await side.run([p, 'write', side.dir]);
      const verified = await exec(p, ['verify', side.hostDir]);
      return transcript(side, [wrote, verified]);
    },
  },
  simple('fcntl-flags', [/^O_WRONLY after F_SETFL O_APPEND: F_GETFL 0102001$/m, /^file: \[0123456789apAP\]/m, /^file: \[Rx23456789apAP!\]/m],
    'F_GETFL, F_SETFL O_APPEND on the fd'),
  simple('locks', [/^child flock EX\|NB = -1 EAGAIN$/m, /^child F_OFD_SETLK RD \[0,1\) = -1 EAGAIN$/m],
    'flock and open file description locks between two processes'),
  simple('posix-locks', [/^child F_GETLK \[0,10\): type F_WRLCK start 0 len 10 pid the holder$/m, /^child F_GETLK \[0,10\) after the parent closed another fd: type F_UNLCK/m],
    'POSIX record locks between two processes'),
  simple('lock-wait', [/^a child's flock LOCK_EX ended by the holder's unlock: 3 of 3 got the lock$/m, /^a child's F_SETLKW ended by the holder's unlock: 3 of 3 got the lock$/m],
    'waits for a lock (flock, F_OFD_SETLKW, F_SETLKW) that the holder ends while the waiter waits'),
  {
    id: 'stdin-reader',
    name: 'a served file as stdin (`cmd < file` in sh), and as an fd a shell hands on',
    shows: [/^readlink \/proc\/self\/fd\/0: \$D\/alpha$/m, /^line: abcdefghijklmnopqrstuvwxyz$/m, /^\[third line\]$/m],
    run: async (side) => {
      // Runs of DP_PAD's '~' squeezed to one (tr -s): the transcripts stay short; the read loop
      // stops before them (a shell's read of a 1 MiB line takes a stop per 128 bytes with
      // --data-path=stop). The body's status is said at the end.
      const script = `
        {
        ( set -e
        "$0" prep "$1"
        "$0" < "$1/alpha"
        echo '--- read a line, then cat the rest (the shell seeks back what it read ahead)'
        { read -r line; echo "line: $line"; cat; } < "$1/alpha"
        echo '--- head -c 3, then cat'
        { head -c 3; echo; cat; } < "$1/alpha"
        echo '--- while read'
        while read -r l; do echo "[$l]"; [ "$l" = "third line" ] && break; done < "$1/alpha"
        echo '--- fd 3 handed to a child'
        sh -c 'cat <&3' 3< "$1/alpha"
        echo '--- >> twice, then < '
        echo one >> "$1/out"; echo two >> "$1/out"; cat < "$1/out"
        )
        echo "script exit $?"
        } 2>&1 | tr -s '~'
      `;
      return transcript(side, [await sh(side, script, program('stdin-reader'), side.dir)]);
    },
  },
  simple('exec-inherit', [/^\[child\] read: \[def\]/m, /^the child's program moved the shared offset: offset = 6$/m, /^\[self\] plain fd open, O_CLOEXEC fd closed, FD_CLOEXEC fd closed, dup3\(O_CLOEXEC\) fd closed, write fd open$/m, /^\[self\] read: \[klm\]/m],
    'exec: an inherited fd read by the new program, O_CLOEXEC fds gone'),
];
