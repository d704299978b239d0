#!/usr/bin/env node
// Before `changeset publish` in the release workflow: npm's provenance check requires each
// package's `repository.url` to name the GitHub repository that built it. That repository is
// only known where the workflow runs (GITHUB_REPOSITORY), so it is written there, into every
// published package that does not say it already, with its folder as `directory`.
//   node tools/package-check/bin/stamp-repository.mjs [ROOT]
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');
const repository = process.env.GITHUB_REPOSITORY;
if (!repository) {
  console.log('stamp-repository: GITHUB_REPOSITORY is not set (not in GitHub Actions); nothing to do');
  process.exit(0);
}
if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
  console.error(`stamp-repository: GITHUB_REPOSITORY '${repository}' is not owner/name`);
  process.exit(2);
}
const url = `git+https://github.com/${repository}.git`;
for (const folder of readdirSync(join(root, 'packages')).sort()) {
  const file = join(root, 'packages', folder, 'package.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  if (json.private) continue;
  if (json.repository) {
    const have = typeof json.repository === 'string' ? json.repository : json.repository.url;
    if (have !== url) console.log(`stamp-repository: ${json.name} keeps its repository ${have}`);
    continue;
  }
  json.repository = { type: 'git', url, directory: `packages/${folder}` };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`stamp-repository: ${json.name} → ${url} (packages/${folder})`);
}
