// Who makes a call, as the operations see it (file-system.ts Caller): the traced process, its
// fs ids (fake root's under -0) and umask, read from /proc only when an operation asks.
import { readFileSync } from 'node:fs';
import type { ProcessState } from '../monitor/process-table.js';
import type { Caller } from './file-system.js';

export class TraceeCaller implements Caller {
  private ids: { uid: number; gid: number } | undefined;
  private mask: number | undefined;

  /** @param fakeRoot fake root (-0) is on: a process that changed no id yet is root. */
  constructor(private readonly process: ProcessState, private readonly fakeRoot = false) {}

  get pid(): number {
    return this.process.pid;
  }

  get uid(): number {
    return this.credentials().uid;
  }

  get gid(): number {
    return this.credentials().gid;
  }

  get umask(): number {
    return (this.mask ??= this.process.umask() ?? 0o022);
  }

  /** The groups the process is in (supplementary and its gid), for access checks. */
  groups(): number[] {
    const fake = this.process.fakeIds;
    if (fake) return [fake.gid[3], ...fake.groups];
    if (this.fakeRoot) return [0];
    const m = /^Groups:\s*(.*)$/m.exec(status(this.process.pid));
    return [this.gid, ...(m?.[1]?.trim().split(/\s+/).filter(Boolean).map(Number) ?? [])];
  }

  private credentials(): { uid: number; gid: number } {
    if (this.ids) return this.ids;
    const fake = this.process.fakeIds;
    if (fake) return (this.ids = { uid: fake.uid[3], gid: fake.gid[3] });
    if (this.fakeRoot) return (this.ids = { uid: 0, gid: 0 }); // fake root's ids before any change
    const text = status(this.process.pid);
    const fsId = (field: string): number => Number(new RegExp(`^${field}:\\s*\\d+\\s+\\d+\\s+\\d+\\s+(\\d+)`, 'm').exec(text)?.[1] ?? -1);
    return (this.ids = { uid: fsId('Uid'), gid: fsId('Gid') });
  }
}

function status(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}
