// Guest path → host path, through the modules that serve path prefixes.
//
// A path is handed to the module with the longest matching prefix, whose mapPath gives a new
// path; that path may itself be served by a module (`/unreal/unreal/X` is `X`), so mapping
// repeats until no module claims the result.
import type { UmviewModule } from '../modules/module.js';
import { below } from './guest-path.js';

const MAX_HOPS = 40; // like the kernel's limit on nested symlinks

interface Claim {
  prefix: string;
  module: UmviewModule;
}

export class PathTranslator {
  private readonly claims: Claim[];
  /** First components of every prefix: a relative path that names none of them and has no
   * '..' can never reach a served prefix. */
  readonly prefixHeads: ReadonlySet<string>;

  constructor(modules: readonly UmviewModule[]) {
    this.claims = modules
      .flatMap((module) => (module.paths ?? []).map((prefix) => ({ prefix, module })))
      .sort((a, b) => b.prefix.length - a.prefix.length);
    this.prefixHeads = new Set(this.claims.map((c) => c.prefix.split('/').filter(Boolean)[0] ?? ''));
  }

  get isEmpty(): boolean {
    return this.claims.length === 0;
  }

  /** The module serving an absolute guest path, if any. */
  claimOf(path: string): Claim | undefined {
    return this.claims.find((c) => below(path, c.prefix) !== undefined);
  }

  /** The host path for an absolute guest path, or undefined when no module serves it. */
  translate(path: string): string | undefined {
    let current = path;
    let changed = false;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const claim = this.claimOf(current);
      if (!claim || !claim.module.mapPath) break;
      const next = claim.module.mapPath(current);
      if (next === current) break;
      current = next;
      changed = true;
      if (!claim.module.mapsToGuest) break;
    }
    return changed ? current : undefined;
  }
}
