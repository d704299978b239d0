// Every path-taking syscall family, through the unreal module (in remap mode, then again in
// proxy mode: vitest.config.ts): for X in a tree, `/unreal/X`, `/unreal/unreal/X` and `X` must behave
// identically, under each --trace mode, with and without PTRACE_MULTI batching. One C program
// (fixtures/path-families.c) runs every family on a tree it makes and prints a transcript; the
// transcripts must be equal.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRACE_MODES, UNREAL, exec, fixture, tempDir, tokenize, umview } from './helpers.js';

const program = fixture('path-families', ['-O0']);
const root = tempDir('umview-pf-');
let runs = 0;

/** A fresh empty tree directory; every one has a name of the same length, so that stored
 * symlink targets (and so their sizes) do not differ between runs. */
function newBase(): string {
  const base = join(root, `r${String(runs++).padStart(3, '0')}`);
  mkdirSync(base);
  return base;
}

/** The fixture's transcript, with the tree's guest path (prefix and all) as `$T`. */
async function transcript(prefix: string, cliArgs?: string[]): Promise<string> {
  const base = newBase();
  // Under the monitor the program itself is started through the prefix too.
  const env = { ...process.env, PATH_FAMILIES_EXECVEAT_SCRIPT: '1' };
  const r = cliArgs
    ? await umview(cliArgs, [`${prefix}${program}`, prefix, base], { cwd: root, env })
    : await exec(program, [prefix, base], { cwd: root, env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const guest = prefix + base;
  return tokenize(r.stdout, { [guest]: '$T', [guest.slice(1)]: '$R' });
}

let native = '';
beforeAll(async () => {
  native = await transcript('');
});

describe('path-families fixture, natively', () => {
  it('runs every family and reaches its end', () => {
    expect(native).toContain('open f read = "hello|"');
    expect(native).toContain('openat dfd ../sd/../g read = "in d|"'); // '..' after a symlink is physical
    expect(native).toContain('openat2 dfd ../f BENEATH = -1 EXDEV');
    expect(native).toContain('climbing getcwd = <P>"/"');
    expect(native).toContain('  script $0=$T/script.sh $1=--child $2=execve script');
    expect(native).toContain('execve prog status = 7');
    expect(native.trimEnd().endsWith('== done')).toBe(true);
    expect(native.split('\n').length).toBeGreaterThan(300);
  });
});

const variants = [
  { multi: true, prefix: '/unreal' },
  { multi: true, prefix: '/unreal/unreal' },
  { multi: false, prefix: '/unreal' },
  { multi: false, prefix: '/unreal/unreal' },
];

/** In proxy mode, and on a file-system module's mount (mode=fs), a file opened through the
 * prefix is a placeholder fd at a high number (the point of the mode): the fd numbers that
 * opens return are compared as `<fd>`. */
const PLACEHOLDERS = UNREAL.includes('mode=proxy') || UNREAL.includes('mode=fs');
const FD_RESULT = /^((?:open|openat|openat2|creat) .* = )\d+$/gm;
const comparable = (text: string): string => (PLACEHOLDERS ? text.replace(FD_RESULT, '$1<fd>') : text);
/** On a mount (mode=fs), /unreal is the host's / served by a module: /unreal/unreal/X would
 * be the host's /unreal/X (a file system has no view of another mount through itself). */
const NESTED_REASON = UNREAL.includes('mode=fs') ? 'mode=fs: /unreal/unreal is the host path /unreal (a mount does not serve itself nested)' : undefined;

/** Lines where a mount (mode=fs) rightly differs from the native run: not compared, each with
 * its reason, and what the mount gives asserted instead. */
const FS_DIFFERENCES = UNREAL.includes('mode=fs')
  ? [
      {
        line: /^inotify_add_watch d ok = .*$/gm,
        mount: /^inotify_add_watch d ok = -1 EOPNOTSUPP$/m,
        reason: "a module's directory is no kernel inode: a watch cannot be put on it, EOPNOTSUPP (README: file-system modules)",
      },
      {
        line: /^(ad|after failed chdirs) getcwd = .*$/gm,
        mount: /^ad getcwd = "\/(?!unreal\/)[^"]*\/r\d{3}\/d\/sub"$/m,
        reason: 'ad is an absolute symlink to the host path of d/sub: from a mount it leaves the mount, as from a real one (remap and proxy modes keep the /unreal prefix)',
      },
    ]
  : [];
const withoutDifferences = (text: string): string =>
  FS_DIFFERENCES.reduce((t, d) => t.replace(d.line, (line) => `${line.slice(0, line.indexOf(' = '))} = <not compared on a mount: ${d.reason}>`), text);

describe.each(TRACE_MODES)('--trace=%s', (trace) => {
  it.for(variants)('$prefix/X behaves as X (multi: $multi)', async ({ multi, prefix }, ctx) => {
    if (prefix === '/unreal/unreal' && NESTED_REASON) ctx.skip(NESTED_REASON);
    const args = ['-m', UNREAL, `--trace=${trace}`, ...(multi ? [] : ['--no-multi'])];
    const got = await transcript(prefix, args);
    for (const difference of FS_DIFFERENCES) expect(got).toMatch(difference.mount);
    expect(withoutDifferences(comparable(got))).toBe(withoutDifferences(comparable(native)));
  });
});
