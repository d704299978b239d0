// The guest names the resolver has seen, so that a path through them is resolved without an
// lstat (and a readlink) per component, the walk's main cost: `ls -lR` names thousands of
// paths in the same few directories, and every program's start names /lib and /lib64, two
// symlinks of a merged /usr. Kept: a directory (its host path) and a symlink (its target),
// each under its canonical guest path, so that nothing is ever kept below a symlink's name.
//
// A directory or symlink stays what it is until a call of the tree removes or replaces it
// (unlink, rmdir, rename), and under a guest root every such call stops at the monitor, which
// calls changing() there, before the kernel runs it: the names it touches are forgotten with
// everything below them. Until the thread's next stop (threadStopped(): the call has run by
// then) nothing is learned below them, so that no other thread's walk meanwhile keeps the old
// tree. A call that makes a name (mkdir, symlink, link, an open that creates) needs nothing:
// it fails where the name exists, and a name that does not exist is never kept. A change made
// from outside the tree (another host process renaming a directory of DIR) is not seen: the
// monitor is not a sandbox, and a directory replaced by a symlink would then be walked through.
const LIMIT = 16384;

/** The calls that remove, move or replace a name: known.changing() at their stop. */
export const CHANGES_NAMES: ReadonlySet<string> = new Set(['unlink', 'unlinkat', 'rmdir', 'rename', 'renameat', 'renameat2']);

export type KnownName = { readonly directory: string } | { readonly link: string };

export class KnownPaths {
  private readonly names = new Map<string, KnownName>();
  /** Below each guest directory, the names kept there and the directories that lead to them
   * (forgetting a directory forgets them). */
  private readonly children = new Map<string, Set<string>>();
  /** Per thread, the names its call in flight changes: nothing is learned below them. */
  private readonly changes = new Map<number, readonly string[]>();

  get(guest: string): KnownName | undefined {
    return this.names.get(guest);
  }

  /** A directory seen at `guest`, the host directory `host`. */
  addDirectory(guest: string, host: string): void {
    this.add(guest, { directory: host });
  }

  /** A symlink seen at `guest`, pointing to `target`. */
  addLink(guest: string, target: string): void {
    this.add(guest, { link: target });
  }

  /** Thread `tid` is let go with a call that removes, moves or replaces the names `guests`
   * (canonical guest paths, the last component unfollowed). */
  changing(tid: number, guests: readonly string[]): void {
    // `rmdir dir/` names the directory itself: kept and compared without the slash.
    const names = guests.map((guest) => (guest.length > 1 && guest.endsWith('/') ? guest.slice(0, -1) : guest));
    for (const name of names) this.forget(name);
    this.changes.set(tid, names);
  }

  /** Thread `tid` stopped again, or is gone: its call has run. */
  threadStopped(tid: number): void {
    if (this.changes.size !== 0) this.changes.delete(tid);
  }

  private add(guest: string, name: KnownName): void {
    if (this.changes.size !== 0 && this.inFlight(guest)) return;
    if (this.names.size >= LIMIT) {
      // A bound, not an LRU: refilled as walked.
      this.names.clear();
      this.children.clear();
    }
    this.names.set(guest, name);
    // Linked up to '/' (or to a directory already linked), through the directories not kept
    // (a relative path's start), so that forgetting any of them reaches this name.
    for (let child = guest; child !== '/'; ) {
      const parent = parentOf(child);
      const set = this.children.get(parent);
      if (set !== undefined) {
        set.add(child);
        break;
      }
      this.children.set(parent, new Set([child]));
      child = parent;
    }
  }

  /** Forgets `guest` and every name kept below it. */
  private forget(guest: string): void {
    this.names.delete(guest);
    this.children.get(parentOf(guest))?.delete(guest);
    const below = this.children.get(guest);
    if (below === undefined) return;
    this.children.delete(guest);
    for (const child of below) this.forget(child);
  }

  private inFlight(guest: string): boolean {
    for (const changed of this.changes.values()) {
      for (const name of changed) {
        if (guest === name || (guest.startsWith(name) && (name === '/' || guest.charCodeAt(name.length) === 47))) return true;
      }
    }
    return false;
  }
}

function parentOf(guest: string): string {
  const i = guest.lastIndexOf('/');
  return i <= 0 ? '/' : guest.slice(0, i);
}
