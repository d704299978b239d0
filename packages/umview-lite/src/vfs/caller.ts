// Who makes a call, as the operations see it (file-system.ts Caller): the traced process, its
// fs ids (fake root's under -0) and umask, from /proc when an operation first asks, then kept
// (credentials.ts) until a call may change them.
import type { ProcessState } from '../monitor/process-table.js';
import type { CredentialCache, Credentials } from './credentials.js';
import type { Caller } from './file-system.js';

export class TraceeCaller implements Caller {
  /** @param fakeRoot fake root (-0) is on: a process that changed no id yet is root. */
  constructor(private readonly process: ProcessState, private readonly fakeRoot: boolean, private readonly cache: CredentialCache) {}

  get pid(): number {
    return this.process.pid;
  }

  get uid(): number {
    const fake = this.process.fakeIds;
    if (fake) return fake.uid[3];
    return this.fakeRoot ? 0 : this.real().uid; // fake root's ids before any change
  }

  get gid(): number {
    const fake = this.process.fakeIds;
    if (fake) return fake.gid[3];
    return this.fakeRoot ? 0 : this.real().gid;
  }

  get umask(): number {
    return this.real().umask;
  }

  /** The groups the process is in (supplementary and its gid), for access checks. */
  groups(): readonly number[] {
    const fake = this.process.fakeIds;
    if (fake) return [fake.gid[3], ...fake.groups];
    if (this.fakeRoot) return [0];
    return this.real().groups; // kept, not copied: a tmpfs asks it at each component
  }

  private real(): Credentials {
    return this.cache.of(this.process);
  }
}
