// The locks of served files, kept by the monitor among the traced processes (the only ones that
// see a mount): flock locks, owned by an open file description; fcntl record locks, owned by
// the process (F_SETLK, classic POSIX: released when the process closes any fd on the file or
// exits) or by an open file description (F_OFD_SETLK). flock and fcntl locks do not conflict
// with each other, as on Linux. A lock that must wait (F_SETLKW, flock without LOCK_NB) is a
// held call: its thread stays stopped until the lock is granted, which happens in the table
// itself the moment the conflicting lock goes (no waiter can take it in between).

export type LockKind = 'flock' | 'posix' | 'ofd';

export interface Lock {
  readonly kind: LockKind;
  /** The open file description (flock, ofd) or the pid (posix) that holds it. */
  readonly owner: object | number;
  readonly write: boolean;
  /** Bytes [start, end); flock: the whole file. */
  readonly start: number;
  readonly end: number;
  /** Reported by F_GETLK (-1 for an open file description's lock). */
  readonly pid: number;
}

interface Waiter {
  readonly key: string;
  readonly lock: Lock;
  readonly granted: () => void;
}

const family = (kind: LockKind): 'flock' | 'fcntl' => (kind === 'flock' ? 'flock' : 'fcntl');

export class LockTable {
  private readonly byFile = new Map<string, Lock[]>();
  private waiters: Waiter[] = [];

  /** The lock that stands in the way of `lock` on file `key`, if any. */
  conflict(key: string, lock: Lock): Lock | undefined {
    return (this.byFile.get(key) ?? []).find((held) =>
      family(held.kind) === family(lock.kind) && held.owner !== lock.owner && (held.write || lock.write) && held.start < lock.end && lock.start < held.end);
  }

  /** Takes `lock` (replacing what its owner held on that range) when nothing conflicts. */
  tryLock(key: string, lock: Lock): boolean {
    if (this.conflict(key, lock)) return false;
    this.remove(key, lock.kind, lock.owner, lock.start, lock.end);
    const list = this.byFile.get(key) ?? [];
    list.push(lock);
    this.byFile.set(key, list);
    return true;
  }

  /** Waits for `lock`: `granted` runs once it is taken. Returns a cancel function. */
  wait(key: string, lock: Lock, granted: () => void): () => void {
    const waiter: Waiter = { key, lock, granted };
    this.waiters.push(waiter);
    return () => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
    };
  }

  /** Drops `owner`'s locks of `kind` on [start, end) of the file (splitting ranges). */
  unlock(key: string, kind: LockKind, owner: object | number, start = 0, end = Infinity): void {
    this.remove(key, kind, owner, start, end);
    this.grant();
  }

  /** Everything `owner` holds, on every file (a description released, a process gone). */
  releaseOwner(owner: object | number): void {
    for (const [key, list] of this.byFile) {
      const kept = list.filter((l) => l.owner !== owner);
      if (kept.length === 0) this.byFile.delete(key);
      else this.byFile.set(key, kept);
    }
    this.waiters = this.waiters.filter((w) => w.lock.owner !== owner);
    this.grant();
  }

  private remove(key: string, kind: LockKind, owner: object | number, start: number, end: number): void {
    const list = this.byFile.get(key);
    if (!list) return;
    const out: Lock[] = [];
    for (const l of list) {
      if (l.kind !== kind || l.owner !== owner || l.end <= start || end <= l.start) {
        out.push(l);
        continue;
      }
      if (l.start < start) out.push({ ...l, end: start });
      if (end < l.end) out.push({ ...l, start: end });
    }
    if (out.length === 0) this.byFile.delete(key);
    else this.byFile.set(key, out);
  }

  /** Grants the waiters that can now have their lock, in the order they came. */
  private grant(): void {
    for (const waiter of [...this.waiters]) {
      if (!this.waiters.includes(waiter)) continue;
      if (this.tryLock(waiter.key, waiter.lock)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.granted();
      }
    }
  }
}
