// Builds the VS Code extension (.vsix) of the adapter:  npm run package -w @umview/dap-adapter
//
// The extension holds everything it needs at run time: the extension entry, the adapter and its
// tracer worker, each bundled with their JavaScript dependencies (CommonJS, for VS Code's
// extension host and for the Node it ships), and the two packages that cannot be bundled:
// koffi with its native binary for linux-x64, and iced-x86 with its WebAssembly module.
// The package is staged in a temporary folder and packed there by @vscode/vsce; the .vsix is
// written next to this package's package.json (it is build output: *.vsix is gitignored).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const quiet = process.argv.includes('--quiet');
const log = (text) => { if (!quiet) process.stderr.write(`${text}\n`); };

/** The folder of an installed package (found from its entry: some packages do not export ./package.json). */
function packageDir(name, from = require) {
  let dir = dirname(from.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = parent;
  }
  return dir;
}

const stage = mkdtempSync(join(tmpdir(), 'umview-vsix-'));
try {
  log(`staging in ${stage}`);
  // 1. The code, bundled: only koffi and iced-x86 stay outside (native binary, wasm file).
  await build({
    entry: { extension: 'src/vscode/extension.ts', cli: 'src/cli.ts', 'engine-worker': 'src/engine/engine-worker.ts', 'terminal-launcher': 'src/terminal/launcher.ts' },
    outDir: join(stage, 'dist'),
    format: ['cjs'],
    outExtension: () => ({ js: '.js' }),
    platform: 'node',
    target: 'node20',
    shims: true,
    splitting: false,
    clean: true,
    dts: false,
    sourcemap: false,
    silent: quiet,
    noExternal: [/^(?!(vscode|koffi|iced-x86)(\/|$)).*/],
    external: ['vscode', 'koffi', 'iced-x86'],
    tsconfig: join(root, 'tsconfig.json'),
    config: false,
  });

  // 2. The manifest: this package's VS Code fields, the extension entry as `main`, no dependencies.
  const extension = {
    name: 'umview-dap',
    displayName: manifest.displayName,
    description: manifest.description,
    version: manifest.version,
    publisher: manifest.publisher,
    license: manifest.license,
    engines: { vscode: manifest.engines.vscode },
    categories: manifest.categories,
    keywords: manifest.keywords,
    os: manifest.os,
    cpu: manifest.cpu,
    activationEvents: manifest.activationEvents,
    main: './dist/extension.js',
    contributes: manifest.contributes,
    // What vsce's dependency detection (npm ls) packs from node_modules: the copies made below.
    dependencies: {
      koffi: require(join(packageDir('koffi'), 'package.json')).version,
      'iced-x86': require(join(packageDir('iced-x86'), 'package.json')).version,
    },
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(extension, null, 2)}\n`);
  cpSync(join(root, 'README.md'), join(stage, 'README.md'));
  cpSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));

  // 3. The packages that are loaded from files at run time.
  const copyPackage = (name, files) => {
    const from = packageDir(name);
    for (const file of files) {
      const target = join(stage, 'node_modules', name, file);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(from, file), target, { recursive: true });
    }
  };
  copyPackage('koffi', ['package.json', 'index.js', 'index.cjs', 'indirect.js', 'indirect.cjs', 'LICENSE.txt', 'src/koffi/index.js', 'src/koffi/index.cjs', 'src/koffi/indirect.js', 'src/koffi/indirect.cjs']);
  const native = packageDir('@koromix/koffi-linux-x64', createRequire(join(packageDir('koffi'), 'package.json')));
  for (const file of ['package.json', 'index.js', 'linux_x64/koffi.node']) {
    const target = join(stage, 'node_modules/@koromix/koffi-linux-x64', file);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(native, file), target);
  }
  copyPackage('iced-x86', ['package.json', 'iced_x86.js', 'iced_x86_bg.wasm', 'LICENSE.txt']);

  // 4. Pack. vsce runs on Node 20 from version 3 on.
  const output = join(root, `umview-dap-${manifest.version}.vsix`);
  if (existsSync(output)) rmSync(output);
  const vsce = require.resolve('@vscode/vsce/vsce');
  execFileSync(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '--out', output], {
    cwd: stage, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  log(`wrote ${output}`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
