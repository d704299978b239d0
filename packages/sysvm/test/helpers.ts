// Test helpers for sysvm: fixtures compiled on the fly and output capture.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmdirSync } from 'node:fs';
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

/** A FIFO the tracee knows by a guest name, `guest`, that a tracer must map to its host name:
 * `toHost` appends '-host' to any path in the FIFO's directory, and so is not idempotent — a
 * restart that the tracer took for a new call would be mapped twice, to a name that does not
 * exist. */
export function mappedFifo(): { guest: string; toHost: (path: string) => string | undefined } {
  const dir = tempDir('sysvm-fifo-');
  const guest = join(dir, 'fifo');
  execFileSync('mkfifo', [`${guest}-host`]);
  return { guest, toHost: (path) => (path.startsWith(`${dir}/`) ? `${path}-host` : undefined) };
}

/** Runs `test` with a new cgroup v2 directory this user may freeze and move processes into,
 * removed after it; skips the test with the reason where there is none. */
export function inFreezableCgroup(ctx: { skip: (reason: string) => void }, test: (dir: string) => void): void {
  const cgroup = freezableCgroup();
  if ('missing' in cgroup) return ctx.skip(cgroup.missing);
  try {
    test(cgroup.dir);
  } finally {
    cgroup.remove();
  }
}

/** A new cgroup v2 directory this user may freeze (cgroup.freeze) and move its processes into,
 * with `remove` for after the test; or the reason there is none. */
function freezableCgroup(): { dir: string; remove: () => void } | { missing: string } {
  const mount = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((line) => line.split(' '))
    .find((fields) => fields[fields.indexOf('-') + 1] === 'cgroup2')?.[4];
  const own = /^0::(.*)$/m.exec(readFileSync('/proc/self/cgroup', 'utf8'))?.[1];
  if (mount === undefined || own === undefined) return { missing: 'no cgroup v2 hierarchy is mounted' };
  const parent = join(mount, own);
  if (!existsSync(join(parent, 'cgroup.procs'))) return { missing: `this process's cgroup v2 directory ${parent} is not visible` };
  let dir: string;
  try {
    dir = mkdtempSync(join(parent, 'sysvm-freeze-'));
  } catch (error) {
    return { missing: `cannot make a cgroup under ${parent} (${(error as NodeJS.ErrnoException).code}): needs root or a delegated cgroup` };
  }
  const remove = () => rmdirSync(dir);
  if (!existsSync(join(dir, 'cgroup.freeze'))) {
    remove();
    return { missing: 'this kernel has no cgroup v2 freezer (cgroup.freeze, Linux 5.2)' };
  }
  try {
    accessSync(join(parent, 'cgroup.procs'), constants.W_OK);
  } catch {
    remove();
    return { missing: `cannot move a process out of ${parent} (cgroup.procs is not writable)` };
  }
  return { dir, remove };
}
