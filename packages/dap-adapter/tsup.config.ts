import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default defineConfig({
  // The engine worker is a separate file: the session starts it with `new Worker(...)`; the
  // terminal launcher runs in the client's terminal (console: integratedTerminal); the CLI is the `umview-dap` binary; `internal` is `@umview/dap-adapter/internal` (for tools/fuzz).
  entry: { index: 'src/index.ts', internal: 'src/internal.ts', cli: 'src/cli.ts', 'engine-worker': 'src/engine/engine-worker.ts', 'terminal-launcher': 'src/terminal/launcher.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', internal: 'src/internal.ts' } },
  clean: true,
  shims: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  define: { __UMVIEW_DAP_VERSION__: JSON.stringify(version) },
});
