// Test helpers for umview-lite: the CLI run as a child process (the monitor is the child, its
// tracees are its own children), native runs to compare with, C fixtures compiled on the fly,
// and tree snapshots.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileC, tempDir } from '@umview/test-fixtures';

export { tempDir };

export const packageDir = fileURLToPath(new URL('..', import.meta.url));
export const cli = join(packageDir, 'dist', 'cli.cjs');

/** The name the launcher gives the code cache of this build for this Node (cli/launcher.ts). */
export function compileCacheName(): string {
  const { size, mtimeMs } = statSync(join(packageDir, 'dist', 'cli-main.cjs'));
  return `cli-${process.version}-${process.arch}-${size}-${Math.floor(mtimeMs)}.v8`;
}
if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npx tsup in packages/umview-lite)`);

/** The unreal module as the suites load it: remap (the kernel does the work) unless
 * UMVIEW_TEST_UNREAL says otherwise; vitest.config.ts runs the part-1 suites in both modes. */
export const UNREAL = process.env.UMVIEW_TEST_UNREAL ?? 'unreal,mode=remap';
/** UMVIEW_TEST_NO_LET_THROUGH=1 (vitest.config.ts's project no-let-through): every monitor the
 * suites start runs with --no-let-through and --exact-registers, so that the correctness cases
 * check that the fast lane and the exit stops saved change no result; only --trace=seccomp has
 * a fast lane, so the other modes are left out there. */
export const NO_LET_THROUGH = process.env.UMVIEW_TEST_NO_LET_THROUGH === '1';
export const TRACE_MODES = NO_LET_THROUGH ? (['seccomp'] as const) : (['seccomp', 'seccomp-all', 'syscall'] as const);

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixture(name: string, flags: string[] = ['-O1']): string {
  return compileC(join(fixtures, `${name}.c`), { flags, name });
}

export interface Result {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeout?: number;
}

/** Runs a program (no shell), collecting its output and exit code. An environment without
 * UMVIEW_SERVER gets '0', as the suite's own (vitest.config.ts): in a terminal, the default
 * would start a warm monitor that outlives the test. */
export function exec(file: string, args: readonly string[], options: ExecOptions = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(file, args, {
      cwd: options.cwd,
      env: { UMVIEW_SERVER: '0', ...(options.env ?? process.env) },
      maxBuffer: 64 << 20,
      timeout: options.timeout ?? 60_000,
      encoding: 'utf8',
    }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolve({
        code: e ? (typeof e.code === 'number' ? e.code : -1) : 0,
        signal: e?.signal ?? null,
        stdout: String(stdout),
        stderr: String(stderr),
      });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin?.end();
  });
}

/** Runs `command` under the umview-lite CLI with `cliArgs` (modules, --trace, ...). */
export function umview(cliArgs: readonly string[], command: readonly string[], options: ExecOptions = {}): Promise<Result> {
  return exec(process.execPath, [cli, ...(NO_LET_THROUGH ? ['--no-let-through', '--exact-registers'] : []), ...cliArgs, '--', ...command], options);
}

/** Replaces every occurrence of each key by its value, longest key first. */
export function tokenize(text: string, replacements: Record<string, string>): string {
  const keys = Object.keys(replacements).filter(Boolean).sort((a, b) => b.length - a.length);
  let out = text;
  for (const key of keys) out = out.split(key).join(replacements[key]!);
  return out;
}

/**
 * A listing of a tree, for comparing the trees two runs left: each entry's relative path,
 * type, permissions, size and content hash (symlinks: their target, with `root` as a token).
 * Times, inodes and owners' names are left out; `skip` names entries (relative paths) whose
 * content legitimately differs.
 */
export function snapshot(root: string, skip: (rel: string) => boolean = () => false): string {
  const lines: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const st = lstatSync(path);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isSymbolicLink()) lines.push(`${r} l ${readlinkSync(path).split(root).join('$ROOT')}`);
      else if (st.isDirectory()) {
        lines.push(`${r} d ${mode}`);
        walk(path, r);
      } else if (st.isFile()) {
        const hash = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
        lines.push(`${r} f ${mode} ${st.size} ${hash} nlink=${st.nlink}`);
      } else lines.push(`${r} ? ${mode}`);
    }
  };
  walk(root, '');
  return lines.join('\n');
}

/** Pids of live processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(marker)) pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

