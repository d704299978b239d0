// Test helpers for sysvm: fixtures compiled on the fly and output capture.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC, tempDir } from '@umview/test-fixtures';
import { missing } from '@umview/test-fixtures/machine';
import type { BackendName } from '@umview/sysvm';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixture(name: string, flags: string[] = ['-O0', '-g']): string {
  return compileC(join(fixtures, `${name}.c`), { flags, name });
}

export function outputFile(): { path: string; read: () => string } {
  const path = join(tempDir(), 'out.txt');
  return { path, read: () => readFileSync(path, 'utf8') };
}

/** Why this machine cannot run `backend`, or undefined when it can. */
export function backendMissing(backend: BackendName): string | undefined {
  return backend === 'seccomp-setinfo' ? missing.setSyscallInfo() : undefined;
}
