// The release step that gives every published package the `repository` that npm provenance
// checks, run on a copy of the packages' manifests.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { publishedPackages, root } from './packages.js';

const script = join(root, 'tools', 'package-check', 'bin', 'stamp-repository.mjs');
const copies: string[] = [];
afterEach(() => copies.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A tree with only the packages' manifests. */
function copyOfManifests(): string {
  const dir = mkdtempSync(join(tmpdir(), 'umview-stamp-'));
  copies.push(dir);
  for (const pkg of publishedPackages()) {
    const folder = join(dir, 'packages', pkg.dir.split('/').pop()!);
    mkdirSync(folder, { recursive: true });
    cpSync(join(pkg.dir, 'package.json'), join(folder, 'package.json'));
  }
  return dir;
}

const manifest = (dir: string, folder: string) => JSON.parse(readFileSync(join(dir, 'packages', folder, 'package.json'), 'utf8'));

it('writes the workflow repository into every published package, with its folder', () => {
  const dir = copyOfManifests();
  execFileSync('node', [script, dir], { env: { ...process.env, GITHUB_REPOSITORY: 'acme/umview' } });
  const folders = publishedPackages().map((p) => p.dir.split('/').pop()!);
  expect(folders.length).toBe(5);
  for (const folder of folders) {
    expect(manifest(dir, folder).repository).toEqual({ type: 'git', url: 'git+https://github.com/acme/umview.git', directory: `packages/${folder}` });
  }
});

it('changes nothing outside GitHub Actions, and refuses a malformed repository name', () => {
  const dir = copyOfManifests();
  const env = { ...process.env };
  delete env.GITHUB_REPOSITORY;
  execFileSync('node', [script, dir], { env });
  expect(manifest(dir, 'sysvm').repository).toBeUndefined();
  expect(() => execFileSync('node', [script, dir], { env: { ...env, GITHUB_REPOSITORY: 'x; rm -rf /' }, stdio: 'pipe' })).toThrow(/not owner\/name/);
});

it('runs before changeset publish in the release script', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.release).toMatch(/stamp-repository\.mjs .*&& changeset publish$/);
});
