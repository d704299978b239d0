// The traced processes' credentials as the operations see them (their fs ids, groups and
// umask), read from /proc/PID/status once and kept until a call may change them: reading the
// status file for every call that asks (a tmpfs checks search permission on each component)
// was a tenth of the monitor's time on a find. Exact, because the monitor sees every change:
// the set*id family, setgroups and umask stop while a mount is there (routing.ts), and each
// drops the process's entry at its entry and again at its return (a thread of the same process
// may have read the old ids in between); an exec (a set-user-ID program) drops it at the exec
// event, after the kernel committed the new credentials. A forked child is a new ProcessState,
// read afresh. As before, the ids are the process's (its leader's status file).
import { readFileSync } from 'node:fs';
import type { SyscallCall } from '@umview/sysvm';
import type { ProcessState } from '../monitor/process-table.js';
import type { CallHooks } from '../proxy/context.js';

/** The calls that change what is kept here (execve: see `exec`). */
export const CREDENTIAL_CALLS = [
  'setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setfsuid', 'setfsgid', 'setgroups', 'umask',
] as const;

export interface Credentials {
  /** Fs uid and gid (-1 when the status could not be read). */
  readonly uid: number;
  readonly gid: number;
  /** The gid and the supplementary groups (Caller.groups). */
  readonly groups: readonly number[];
  readonly umask: number;
}

export class CredentialCache {
  private readonly known = new WeakMap<ProcessState, Credentials>();

  of(process: ProcessState): Credentials {
    let credentials = this.known.get(process);
    if (credentials === undefined) {
      credentials = readCredentials(process.pid);
      this.known.set(process, credentials);
    }
    return credentials;
  }

  /** `call` may change the process's credentials: forget them now and at its return. */
  changing(call: SyscallCall, process: ProcessState, hooks: CallHooks): void {
    this.known.delete(process);
    const forget = (): void => {
      this.known.delete(process);
    };
    hooks.expectReturn(call, forget, forget);
  }

  /** The process exec'd (its new program may be set-user-ID). */
  exec(process: ProcessState): void {
    this.known.delete(process);
  }
}

function readCredentials(pid: number): Credentials {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    /* gone: the call fails on its own */
  }
  const ids = (field: string): number => Number(new RegExp(`^${field}:\\s*\\d+\\s+\\d+\\s+\\d+\\s+(\\d+)`, 'm').exec(text)?.[1] ?? -1);
  const groups = /^Groups:\s*(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/).filter(Boolean).map(Number) ?? [];
  const umask = /^Umask:\s*([0-7]+)/m.exec(text)?.[1];
  const gid = ids('Gid');
  return { uid: ids('Uid'), gid, groups: [gid, ...groups], umask: umask === undefined ? 0o022 : parseInt(umask, 8) };
}
