// uname: what uname(2) reports, as `proot -k` sets it: `-m uname,release=6.1.0` (the CLI's
// `-k STRING`). The call is answered from this machine's own names (the tree shares the
// monitor's UTS namespace) with the release replaced, without running it.
import { readFileSync } from 'node:fs';
import { machine, hostname, type as osType, version } from 'node:os';
import { ERRNO } from '@umview/ptrace-core';
import type { ModuleOptions, UmviewModule } from './module.js';

/** struct utsname: six fields of 65 bytes (sysname, nodename, release, version, machine,
 * domainname), NUL-terminated. */
const FIELD = 65;

export function uname(options: ModuleOptions = {}): UmviewModule {
  const release = options.release;
  if (typeof release !== 'string' || release === '') throw new Error('uname: give the release to report, e.g. -m uname,release=6.1.0 (or -k 6.1.0)');
  if (Buffer.byteLength(release) >= FIELD) throw new Error(`uname: a release is at most ${FIELD - 1} bytes`);
  const answer = utsname([osType(), hostname(), release, version(), machine(), domainname()]);
  return {
    name: 'uname',
    syscalls: ['uname'],
    handleSyscall(call) {
      try {
        call.io.write(call.ptr(0), answer);
        call.skip(0);
      } catch {
        call.skip(-ERRNO.EFAULT); // as the kernel answers a bad buffer
      }
      return true;
    },
  };
}

function utsname(fields: readonly string[]): Buffer {
  const out = Buffer.alloc(FIELD * fields.length);
  fields.forEach((field, i) => out.write(field, i * FIELD, FIELD - 1, 'utf8'));
  return out;
}

function domainname(): string {
  try {
    return readFileSync('/proc/sys/kernel/domainname', 'utf8').trim();
  } catch {
    return '(none)';
  }
}
