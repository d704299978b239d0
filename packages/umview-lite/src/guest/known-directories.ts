// The guest directories the resolver has seen, with their host paths: a directory stays one
// until a rename or rmdir moves or removes it, and under a guest root every such call of the
// tree stops at the monitor, which forgets them all at its return (guest-root.ts). So a path
// whose directories are known is resolved without an lstat per component, the walk's main
// cost (`ls -lR` names thousands of paths in the same few directories). A change made from
// outside the tree (another host process renaming a directory of DIR) is not seen: the monitor
// is not a sandbox, and a directory replaced by a symlink would then be walked through.
const LIMIT = 16384;

export class KnownDirectories {
  private readonly hosts = new Map<string, string>();

  /** The host path of a guest directory seen since the last forget(). */
  get(guest: string): string | undefined {
    return this.hosts.get(guest);
  }

  add(guest: string, host: string): void {
    if (this.hosts.size >= LIMIT) this.hosts.clear(); // a bound, not an LRU: refilled as walked
    this.hosts.set(guest, host);
  }

  forget(): void {
    this.hosts.clear();
  }
}
