// Packs each package that has code, installs the tarballs into an empty project, and checks
// that a consumer can import them as ESM and as CJS, with types (tsc on files that use them).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

interface Pkg { name: string; dir: string; exports: string[] }

/** Published packages with code: not private, built. */
function publishedPackages(): Pkg[] {
  return readdirSync(join(root, 'packages'))
    .map((folder) => join(root, 'packages', folder))
    .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ json }) => !json.private && json.exports)
    .map(({ dir, json }) => ({ name: json.name, dir, exports: Object.keys(json.exports).filter((k) => k !== './package.json') }));
}

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
  it('holds only the build output and the docs', () => {
    const installed = join(project, 'node_modules', ...name.split('/'));
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: installed, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.some((f) => /\/(test|bench|src)\//.test(f))).toBe(false);
    expect(files).toContain('./README.md');
    expect(files.some((f) => f.startsWith('./dist/'))).toBe(true);
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
