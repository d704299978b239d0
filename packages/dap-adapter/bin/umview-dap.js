#!/usr/bin/env node
// umview-dap's executable: runs the built adapter (../dist/cli.js). It is a source file, not
// build output, so that npm links it as the package's bin at install time, before a build.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(`umview-dap: ${cli.pathname} is missing: build the package first (npm run build, or npx nx build dap-adapter in a checkout)\n`);
  process.exit(127);
}
await import(cli.href);
