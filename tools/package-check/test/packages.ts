// The published packages of the monorepo, as the checks see them.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface Pkg {
  /** `@umview/<folder>`. */
  name: string;
  /** Absolute path of the package's folder. */
  dir: string;
  /** The keys of its `exports` map, `./package.json` left out. */
  exports: string[];
  json: Record<string, unknown>;
}

/** Published packages with code: not private, with an `exports` map. */
export function publishedPackages(): Pkg[] {
  return readdirSync(join(root, 'packages'))
    .sort()
    .map((folder) => join(root, 'packages', folder))
    .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown> }))
    .filter(({ json }) => !json.private && json.exports)
    .map(({ dir, json }) => ({
      name: json.name as string,
      dir,
      json,
      exports: Object.keys(json.exports as object).filter((k) => k !== './package.json'),
    }));
}
