// Guest path → host path, through the modules that serve path prefixes.
//
// A path is handed to the module with the longest matching prefix, whose mapPath gives a new
// path; that path may itself be served by a module (`/unreal/unreal/X` is `X`), so mapping
// repeats until no module claims the result.
import type { UmviewModule } from '../modules/module.js';
import type { PathRoute } from '../monitor/routing.js';
import { below, components } from './guest-path.js';

const MAX_HOPS = 40; // like the kernel's limit on nested symlinks
const FEW_HEADS = 8;
const SLASH = 0x2f;
const DOT = 0x2e;

export class PathTranslator {
  /** @param claims the routing table's path prefixes, longest first (RoutingTable.paths).
   * @param prefixHeads their first components (RoutingTable.prefixHeads). */
  private readonly servesRoot: boolean;
  /** The heads of the one-component prefixes that the modules map onto the host's root
   * (unreal's /unreal). */
  private readonly rootMappedHeads = new Set<string>();
  /** prefixHeads as a list, when it is short: a path's first component is compared with each in
   * place, where a lookup in the set would make it a string of its own and hash it (at every
   * stop of a path call). */
  private readonly fewHeads: readonly string[] | undefined;

  constructor(private readonly claims: readonly PathRoute[], readonly prefixHeads: ReadonlySet<string>) {
    this.servesRoot = prefixHeads.has('');
    this.fewHeads = prefixHeads.size <= FEW_HEADS ? [...prefixHeads] : undefined;
    for (const { prefix } of claims) {
      const head = prefix.replace(/^\/+|\/+$/g, '');
      if (head !== '' && !head.includes('/') && this.translate(`/${head}`) === '/') this.rootMappedHeads.add(head);
    }
  }

  get isEmpty(): boolean {
    return this.claims.length === 0;
  }

  /** The module serving an absolute guest path, if any. */
  claimOf(path: string): PathRoute | undefined {
    // Most paths name no prefix's first component: a lookup of that component says so (a path
    // starting '//', '/.' or '/..' takes the full test, as does every path when '/' is served).
    if (!this.servesRoot && path.charCodeAt(0) === SLASH) {
      const second = path.charCodeAt(1);
      if (second !== SLASH && second !== DOT) {
        if (!this.firstComponentIsHead(path)) return undefined;
      }
    }
    return this.claims.find((c) => below(path, c.prefix) !== undefined);
  }

  /** Whether the first component of `path` ('/' and a name) is a prefix head. */
  private firstComponentIsHead(path: string): boolean {
    const end = path.indexOf('/', 1);
    const heads = this.fewHeads;
    if (heads === undefined) return this.prefixHeads.has(end < 0 ? path.slice(1) : path.slice(1, end));
    const length = (end < 0 ? path.length : end) - 1;
    for (let i = 0; i < heads.length; i++) if (heads[i]!.length === length && path.startsWith(heads[i]!, 1)) return true;
    return false;
  }

  /** The host path for an absolute guest path, or undefined when no module serves it. */
  translate(path: string): string | undefined {
    return this.translateWithChain(path, undefined);
  }

  /** When `path` is a prefix mapped onto the host's root (rootMappedHeads) followed by a rest
   * that names no prefix, and the modules map it to that rest (/unreal/X is X): the rest, a
   * host path the kernel may resolve as it is, '..' included. At the prefix's root a '..'
   * climbs to '/' in both views (the guest's parent of /unreal is '/', the host's parent of '/'
   * is '/'), and below it each step is the same directory on both sides, so the walk a '..'
   * otherwise takes (PathRewriter) would give the same path. Undefined otherwise. */
  rootMappedTail(path: string): string | undefined {
    if (this.rootMappedHeads.size === 0 || path.charCodeAt(0) !== SLASH) return undefined;
    const end = path.indexOf('/', 1);
    if (end < 0 || !this.rootMappedHeads.has(path.slice(1, end))) return undefined;
    const rest = path.slice(end);
    if (this.namesPrefix(components(rest))) return undefined;
    return this.translate(path) === rest ? rest : undefined;
  }

  /** Whether one of these path components is the first component of a served prefix. */
  namesPrefix(parts: readonly string[]): boolean {
    return parts.some((c) => this.prefixHeads.has(c));
  }

  /** The guest name of a host path, named the way `hint` (a guest path that led there) was:
   * through the same modules, in the same order. `/unreal/unreal/tmp` leads to host `/tmp`;
   * host `/tmp/x` is then `/unreal/unreal/tmp/x`, not `/unreal/tmp/x`. Undefined when `hint`
   * is not served, or a module of its chain does not show `hostPath` (a symlink led out of it).
   * A module without unmapPath cannot tell: the hint itself is the answer. */
  guestName(hostPath: string, hint: string): string | undefined {
    const chain: UmviewModule[] = [];
    if (this.translateWithChain(hint, chain) === undefined) return undefined;
    let guest = hostPath;
    for (let i = chain.length - 1; i >= 0; i--) {
      const unmap = chain[i]!.unmapPath;
      if (!unmap) return hint;
      const up = unmap(guest);
      if (up === undefined) return undefined;
      guest = up;
    }
    return guest;
  }

  private translateWithChain(path: string, chain: UmviewModule[] | undefined): string | undefined {
    let current = path;
    let changed = false;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const claim = this.claimOf(current);
      if (!claim || !claim.module.mapPath) break;
      const next = claim.module.mapPath(current);
      if (next === current) break;
      chain?.push(claim.module);
      current = next;
      changed = true;
      if (!claim.module.mapsToGuest) break;
    }
    return changed ? current : undefined;
  }
}
