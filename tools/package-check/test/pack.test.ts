// Packs each package that has code, installs the tarballs into an empty project, and checks
// that a consumer can import them as ESM and as CJS, with types (tsc on files that use them),
// that the tarballs hold nothing but what runs, and that importing a package on a platform it
// does not support fails with a clear UnsupportedPlatformError (process.platform/arch faked).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedPackages, root } from './packages.js';

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

const packages = publishedPackages();
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'umview-pack-'));
  const tarballs = packages.map((p) => {
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: p.dir, encoding: 'utf8' }).trim().split('\n').pop()!;
    return join(project, name);
  });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // The consumer has @types/node, as any Node project does (the declarations mention Buffer).
  const typesNode = JSON.parse(readFileSync(join(root, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).version;
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs, `@types/node@${typesNode}`], { cwd: project, stdio: 'pipe' });
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe.each(packages.map((p) => [p.name, p] as const))('%s as an installed tarball', (name, pkg) => {
  it('holds only the build output, its executables and the docs', () => {
    const installed = join(project, 'node_modules', ...name.split('/'));
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: installed, encoding: 'utf8' }).split('\n').filter(Boolean);
    const bins = Object.values((pkg.json.bin ?? {}) as Record<string, string>).map((file) => `./${file.replace(/^\.\//, '')}`);
    expect(files.filter((f) => /\/(test|tests|bench|src|examples|fixtures|scripts)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /\.(c|h|o|ts|tsbuildinfo|vsix|tgz)$/.test(f) && !/\.d\.c?ts$/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['./README.md', './LICENSE', './package.json', ...bins]));
    expect(files.filter((f) => !['./README.md', './LICENSE', './package.json', ...bins].includes(f) && !f.startsWith('./dist/'))).toEqual([]);
    expect(files.some((f) => f.startsWith('./dist/'))).toBe(true);
  });

  it('ships no source map that points at a missing file', () => {
    const installed = join(project, 'node_modules', ...name.split('/'));
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: installed, encoding: 'utf8' }).split('\n').filter(Boolean);
    const missing: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.map'))) {
      const map = JSON.parse(readFileSync(join(installed, file), 'utf8')) as { sources?: string[]; sourcesContent?: unknown[] };
      (map.sources ?? []).forEach((source, i) => {
        if (map.sourcesContent?.[i] != null) return;
        try {
          readFileSync(resolve(installed, dirname(file), source));
        } catch {
          missing.push(`${file} -> ${source}`);
        }
      });
    }
    // And no JavaScript file names a map that is not there.
    for (const file of files.filter((f) => /\.c?js$/.test(f))) {
      const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(installed, file), 'utf8'))?.[1];
      if (ref && !ref.startsWith('data:') && !files.includes(`./${join(dirname(file), ref)}`)) missing.push(`${file} -> ${ref}`);
    }
    expect(missing).toEqual([]);
  });

  it('declares what it supports: engines, os, cpu', () => {
    const json = pkg.json as { engines?: { node?: string }; os?: string[]; cpu?: string[] };
    expect(json.engines?.node).toBe('>=20');
    expect(json.os).toEqual(['linux']);
    expect(json.cpu).toEqual(['x64']);
  });

  it('imports as ESM and as CJS', () => {
    for (const sub of pkg.exports) {
      const spec = sub === '.' ? name : `${name}/${sub.slice(2)}`;
      const esm = execFileSync(process.execPath, ['--input-type=module', '-e', `import * as m from '${spec}'; process.stdout.write(String(Object.keys(m).length))`], { cwd: project, encoding: 'utf8' });
      expect(Number(esm)).toBeGreaterThan(0);
      const cjs = execFileSync(process.execPath, ['-e', `process.stdout.write(String(Object.keys(require('${spec}')).length))`], { cwd: project, encoding: 'utf8' });
      expect(Number(cjs)).toBe(Number(esm));
    }
  });

  it('type-checks for ESM and CJS consumers', () => {
    const dir = mkdtempSync(join(project, 'types-'));
    const id = name.replace(/[@/-]/g, '_');
    writeFileSync(join(dir, 'esm.mts'), `import * as ${id} from '${name}';\nexport const keys: string[] = Object.keys(${id});\n`);
    writeFileSync(join(dir, 'cjs.cts'), `import ${id} = require('${name}');\nexport const keys: string[] = Object.keys(${id});\n`);
    if (name === '@umview/ptrace-core') {
      writeFileSync(join(dir, 'usage.mts'), [
        "import { Tracer, type Stop, type Tracee, TraceeGoneError } from '@umview/ptrace-core';",
        'export function loop(tracer: Tracer): number {',
        '  let n = 0;',
        '  for (const stop of tracer.stops()) {',
        "    const s: Stop = stop; const t: Tracee = s.tracee;",
        "    if (s.kind === 'syscall-enter') n += s.nr + s.args.length;",
        "    if (s.kind === 'exited') n += s.code;",
        "    // @ts-expect-error: a syscall-exit stop has no args",
        "    if (s.kind === 'syscall-exit') n += s.args.length;",
        '    void t; void TraceeGoneError;',
        '  }',
        '  return n;',
        '}',
      ].join('\n'));
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, types: [], skipLibCheck: false },
      include: ['*.mts', '*.cts'],
    }));
    try {
      execFileSync(process.execPath, [tsc, '-p', dir, '--types', 'node'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      throw new Error(`tsc failed:\n${(error as { stdout: string }).stdout}`);
    }
  });
});

// An unsupported platform, faked in the consumer's process by a preload that redefines
// process.platform and process.arch before the package is loaded.
const PRELOAD = `Object.defineProperty(process, 'platform', { value: process.env.FAKE_PLATFORM });
Object.defineProperty(process, 'arch', { value: process.env.FAKE_ARCH });
`;
const FAKES = [
  { platform: 'darwin', arch: 'arm64', message: /^@umview\/ptrace-core runs on Linux only .*; this is darwin on arm64$/ },
  { platform: 'win32', arch: 'x64', message: /^@umview\/ptrace-core runs on Linux only .*; this is win32 on x64$/ },
  { platform: 'linux', arch: 'arm64', message: /^@umview\/ptrace-core supports x86-64 Linux only so far; this is Linux on arm64$/ },
];

function runFaked(fake: { platform: string; arch: string }, args: string[]) {
  const preload = join(project, 'fake-platform.mjs');
  writeFileSync(preload, PRELOAD);
  return spawnSync(process.execPath, ['--import', preload, ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, FAKE_PLATFORM: fake.platform, FAKE_ARCH: fake.arch, UMVIEW_NO_COMPILE_CACHE: '1' },
    timeout: 60_000,
  });
}

describe.each(packages.map((p) => [p.name, p] as const))('%s on an unsupported platform', (name) => {
  it.each(FAKES)('import and require throw UnsupportedPlatformError on $platform/$arch', (fake) => {
    const report = 'e => { console.log(JSON.stringify({ name: e.name, message: e.message, platform: e.platform, arch: e.arch })); }';
    const esm = runFaked(fake, ['--input-type=module', '-e', `await import('${name}').then(() => console.log('{}'), ${report});`]);
    const cjs = runFaked(fake, ['-e', `try { require('${name}'); console.log('{}'); } catch (e) { (${report})(e); }`]);
    for (const run of [esm, cjs]) {
      expect(run.signal).toBeNull();
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const error = JSON.parse(run.stdout) as { name: string; message: string; platform: string; arch: string };
      expect(error.name).toBe('UnsupportedPlatformError');
      expect(error.message).toMatch(fake.message);
      expect([error.platform, error.arch]).toEqual([fake.platform, fake.arch]);
    }
  });

  it('uncaught, the error ends the program with status 1 and its message, not a crash', () => {
    const run = runFaked(FAKES[0]!, ['--input-type=module', '-e', `import '${name}';`]);
    expect(run.signal).toBeNull();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/UnsupportedPlatformError: @umview\/ptrace-core runs on Linux only .*; this is darwin on arm64/);
  });

  it('type-only use loads nothing and runs anywhere', () => {
    const dir = mkdtempSync(join(project, 'type-only-'));
    writeFileSync(join(dir, 'use.mts'), [
      `import type * as api from '${name}';`,
      `export type Api = typeof api;`,
      `const loaded: keyof Api | undefined = undefined;`,
      `console.log('ran', loaded ?? 'without loading ${name}');`,
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, types: ['node'], outDir: 'out', verbatimModuleSyntax: true },
      include: ['*.mts'],
    }));
    execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    const run = runFaked(FAKES[0]!, [join(dir, 'out', 'use.mjs')]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`ran without loading ${name}\n`);
  });
});

const executables = packages.flatMap((p) => Object.keys((p.json.bin ?? {}) as Record<string, string>).map((bin) => [bin, p] as const));

it.each(executables)('%s is on the consumer\'s PATH after the install and prints its version', (bin, pkg) => {
  const run = spawnSync('npx', ['--no-install', bin, '--version'], { cwd: project, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.stdout).toBe(`${bin} ${(pkg.json as { version: string }).version}\n`);
});

it("umview-lite's CLI says in one line that the platform is not supported", () => {
  const run = runFaked(FAKES[0]!, [join(project, 'node_modules', '@umview', 'umview-lite', 'dist', 'cli.cjs'), '--', '/bin/true']);
  expect(run.signal).toBeNull();
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/^umview-lite: @umview\/ptrace-core runs on Linux only .*; this is darwin on arm64\n$/);
});
