#!/usr/bin/env node
// The public API of each published package, as API Extractor reads it from the built
// dist/*.d.ts, against the report committed beside it (packages/<name>/api/*.api.md).
//
//   node tools/api-report/bin/api-report.mjs            check: fails when a report differs
//   node tools/api-report/bin/api-report.mjs --update   rewrites the reports that differ
//
// `npm run api:check` and `npm run api:update` run these through nx, after building what changed.
// One report per entry point in the package's "exports" that has types (`.` →
// api/<name>.api.md, `./format` → api/<name>-format.api.md), with the settings of the package's
// api-extractor.json (which extends ../api-extractor.base.json). A report whose entry point is
// gone fails the check and is deleted by --update.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const UPDATE_COMMAND = 'npm run api:update';

const args = process.argv.slice(2);
const update = args.includes('--update');
const verbose = args.includes('--verbose');
const only = args.filter((a) => !a.startsWith('--'));
const unknown = args.filter((a) => a.startsWith('--') && a !== '--update' && a !== '--verbose');
if (unknown.length > 0) {
  console.error(`api-report: unknown option ${unknown.join(' ')} (usage: api-report [--update] [--verbose] [package…])`);
  process.exit(2);
}

/** The `types` file of one "exports" entry (its import condition first), or undefined. */
function typesOf(entry) {
  if (typeof entry === 'string') return entry.endsWith('.d.ts') ? entry : undefined;
  if (entry === null || typeof entry !== 'object') return undefined;
  if (typeof entry.types === 'string') return entry.types;
  for (const condition of ['import', 'default', 'node', 'require']) {
    const found = typesOf(entry[condition]);
    if (found) return found;
  }
  return undefined;
}

/** The published packages: every packages/* with an api-extractor.json. */
function packages() {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'packages', d.name, 'api-extractor.json')))
    .map((d) => join(root, 'packages', d.name))
    .filter((folder) => only.length === 0 || only.some((o) => folder.endsWith(`/${o}`) || o === readPackage(folder).name))
    .sort();
}

function readPackage(folder) {
  return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
}

/** The reports of one package: one per exports entry with types. */
function entryPoints(folder) {
  const pkg = readPackage(folder);
  const unscoped = pkg.name.replace(/^@[^/]+\//, '');
  const exportsField = typeof pkg.exports === 'object' && pkg.exports !== null ? pkg.exports : { '.': pkg.types };
  const entries = [];
  for (const [subpath, target] of Object.entries(exportsField)) {
    const types = typesOf(target);
    if (!types) continue;
    const suffix = subpath === '.' ? '' : `-${subpath.replace(/^\.\//, '').replace(/[^A-Za-z0-9._-]+/g, '-')}`;
    entries.push({ subpath, types: resolve(folder, types), reportName: `${unscoped}${suffix}` });
  }
  return { pkg, entries };
}

/** Runs API Extractor on one entry point: the report's diff goes into `diffs`, the rest of what
 * it says into `messages` ("error: …", "warning: …"). */
function invoke(config, { messages, diffs }, entry, reportPath, folder) {
  return Extractor.invoke(config, {
    localBuild: update,
    showVerboseMessages: false,
    printApiReportDiff: !update,
    messageCallback(message) {
      // The report's own outcome is said below, in this script's words; the rest is kept and
      // printed (compiler errors in a .d.ts, notably).
      message.handled = true;
      if (message.logLevel === 'none' || message.logLevel === 'verbose' || message.logLevel === 'info') return;
      if (/^console-api-report-(not-copied|copied|created)$/.test(message.messageId)) return;
      if (message.messageId === 'console-compiler-version-notice') return;
      // Only this package's own declarations are type-checked here: another workspace
      // package's are in its own report, and third-party ones (@types/node, koffi, @vscode/…)
      // are not ours, and API Extractor's TypeScript may be newer than they expect.
      const source = message.sourceFilePath;
      if (message.category === 'Compiler' && source && (!source.startsWith(`${folder}/`) || source.includes('/node_modules/'))) {
        if (verbose) console.log(`api-report: ignored: ${message.sourceFilePath}:${message.sourceFileLine}: ${message.text}`);
        return;
      }
      if (message.messageId === 'console-api-report-diff') {
        // The diff from the committed report to the one just written, its paths from the root.
        diffs.push(message.text
          .replace(/^Changes to the API report:\n\n/, '')
          .replace(/^--- .*$/m, `--- ${rel(reportPath)} (committed)`)
          .replace(/^\+\+\+ .*$/m, `+++ ${rel(reportPath)} (from ${rel(entry.types)})`));
        return;
      }
      const where = message.sourceFilePath ? `${rel(message.sourceFilePath)}:${message.sourceFileLine}: ` : '';
      messages.push(`${message.logLevel}: ${where}${message.text} (${message.messageId})`);
    },
  });
}

const rel = (p) => relative(root, p);
const changed = [];
const failed = [];
const stale = [];
const started = Date.now();

const folders = packages();
if (folders.length === 0) {
  console.error(`api-report: no package with an api-extractor.json${only.length > 0 ? ` matches ${only.join(' ')}` : ''}`);
  process.exit(2);
}
for (const folder of folders) {
  const configPath = join(folder, 'api-extractor.json');
  const { pkg, entries } = entryPoints(folder);
  const reportFolder = join(folder, 'api');
  mkdirSync(reportFolder, { recursive: true });
  const expected = new Set();

  for (const entry of entries) {
    const label = `${pkg.name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}`;
    const reportPath = join(reportFolder, `${entry.reportName}.api.md`);
    expected.add(`${entry.reportName}.api.md`);
    if (!existsSync(entry.types)) {
      failed.push(`${label}: ${rel(entry.types)} is not built (build the package first: npx nx build ${pkg.nx?.name ?? pkg.name})`);
      continue;
    }
    const existed = existsSync(reportPath);
    const configObject = ExtractorConfig.loadFile(configPath);
    configObject.mainEntryPointFilePath = entry.types;
    configObject.compiler = {
      ...configObject.compiler,
      overrideTsconfig: { ...configObject.compiler?.overrideTsconfig, files: [entry.types] },
    };
    configObject.apiReport = { ...configObject.apiReport, reportFileName: entry.reportName, reportFolder };
    const config = ExtractorConfig.prepare({
      configObject,
      configObjectFullPath: configPath,
      packageJsonFullPath: join(folder, 'package.json'),
    });

    const messages = [];
    const diffs = [];
    let result;
    try {
      result = invoke(config, { messages, diffs }, entry, reportPath, folder);
    } catch (error) {
      // API Extractor stops on a name it cannot resolve; in a built .d.ts that is most often a
      // public declaration that mentions one marked @internal, which stripInternal left out.
      const text = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const hint = /Unable to follow symbol/.test(text)
        ? '\n    (a declaration the API uses is missing from the .d.ts: is it marked @internal?)'
        : '';
      failed.push(`${label} (${rel(entry.types)}):\n    API Extractor stopped: ${text}${hint}${messages.map((m) => `\n    ${m}`).join('')}`);
      console.log(`api-report: ${label} → ${rel(reportPath)}: ERRORS (below)`);
      continue;
    }
    // Not result.succeeded: it counts the compiler errors in other packages' declarations that
    // the callback set aside.
    const errors = messages.filter((m) => m.startsWith('error:'));
    if (errors.length > 0) {
      failed.push(`${label} (${rel(entry.types)}):\n${errors.map((m) => `    ${m.replace(/\n/g, '\n    ')}`).join('\n')}`);
    }
    if (result.apiReportChanged) changed.push({ label, reportPath, existed, diff: diffs.join('\n') });
    for (const m of messages.filter((m) => !m.startsWith('error:'))) console.log(`api-report: ${label}: ${m}`);
    const status = result.apiReportChanged ? (update ? 'updated' : 'DIFFERS') : 'up to date';
    console.log(`api-report: ${label} → ${rel(reportPath)}: ${status}${errors.length > 0 ? ', with ERRORS (below)' : ''}`);
  }

  for (const file of readdirSync(reportFolder).filter((f) => f.endsWith('.api.md') && !expected.has(f))) {
    const path = join(reportFolder, file);
    if (update) {
      rmSync(path);
      console.log(`api-report: ${rel(path)}: deleted (no entry point in ${pkg.name}'s "exports" has it)`);
    } else {
      stale.push(path);
    }
  }
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const lines = [];
if (!update && (changed.length > 0 || stale.length > 0)) {
  for (const c of changed.filter((c) => c.diff.trim() !== '')) lines.push(`\n${c.diff}`);
  lines.push('');
  lines.push('api-report: the public API differs from the committed report:');
  for (const c of changed) lines.push(`  ${rel(c.reportPath)} (${c.label})${c.existed ? '' : ': no report committed yet'}`);
  for (const s of stale) lines.push(`  ${rel(s)}: no entry point in the package's "exports" has it any more`);
  lines.push('');
  lines.push(`If the change is intended, run \`${UPDATE_COMMAND}\` and commit the updated report(s) with it,`);
  lines.push('so that the change shows in review. If it is not, the diff above (committed → built) shows what to undo.');
}
if (failed.length > 0) {
  lines.push('');
  lines.push(`api-report: errors in the built declarations of ${failed.length} entry point(s):\n\n  ${failed.join('\n\n  ')}`);
  lines.push('');
  lines.push('Fix the sources, rebuild (npm run api:check and api:update build first), and run it again.');
}
if (lines.length > 0) {
  console.error(lines.join('\n'));
  process.exit(1);
}
if (update) {
  const written = changed.map((c) => rel(c.reportPath));
  console.log(`api-report: ${written.length === 0 ? 'every report was up to date' : `rewritten, to review and commit: ${written.join(', ')}`} (${seconds} s)`);
} else {
  console.log(`api-report: every report is up to date (${seconds} s)`);
}
