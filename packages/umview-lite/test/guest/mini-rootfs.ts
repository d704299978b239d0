// A small root file system made from this machine's own programs, laid out as Debian lays out
// its own (merged /usr, relative links /bin → usr/bin, and the absolute ones Debian has:
// /lib64/ld-linux-x86-64.so.2 → /lib/x86_64-linux-gnu/…, /usr/bin/awk → /etc/alternatives/awk),
// so that every absolute symlink inside resolves on the host to another file than in the
// guest. Built by the user who runs the tests, in seconds, with nothing fetched.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tempDir } from '@umview/test-fixtures';

/** Programs copied into the guest's /usr/bin (with the libraries ldd names). */
const PROGRAMS = ['dash', 'cat', 'ls', 'readlink', 'pwd', 'env', 'true', 'id', 'stat', 'touch', 'chown', 'uname', 'sleep', 'mkdir', 'mv', 'ln', 'rmdir', 'rm', 'mknod', 'chmod'];
export const MARKER = 'this file is only in the guest\n';
/** The guest's account file: -R and -S must never show the host's instead. */
export const GUEST_PASSWD = 'root:x:0:0:guest root:/root:/bin/sh\n';

export interface MiniRootfs {
  readonly dir: string;
  /** The guest's loader, as a host path (the real file, not a link). */
  readonly loader: string;
}

/** A new one in a temporary directory of its own (removed when the tests exit). */
export function newMiniRootfs(): MiniRootfs {
  return makeMiniRootfs(join(tempDir('umview-rootfs-'), 'rootfs'));
}

export function makeMiniRootfs(dir: string): MiniRootfs {
  const multiarch = 'usr/lib/x86_64-linux-gnu';
  for (const d of ['usr/bin', multiarch, 'usr/lib64', 'etc/alternatives', 'tmp', 'proc', 'dev', 'mnt', 'root']) mkdirSync(join(dir, d), { recursive: true });
  symlinkSync('usr/bin', join(dir, 'bin'));
  symlinkSync('usr/lib', join(dir, 'lib'));
  symlinkSync('usr/lib64', join(dir, 'lib64'));
  const libraries = new Set<string>();
  for (const name of PROGRAMS) {
    const host = which(name);
    copyFileSync(host, join(dir, 'usr/bin', name));
    for (const lib of sharedLibraries(host)) libraries.add(lib);
  }
  let loader = '';
  for (const lib of libraries) {
    const target = join(dir, multiarch, basename(lib));
    copyFileSync(realpathSync(lib), target);
    chmodSync(target, 0o755);
    if (basename(lib).startsWith('ld-linux')) loader = target;
  }
  if (loader === '') throw new Error('mini rootfs: ldd named no ld-linux loader');
  symlinkSync(`/lib/x86_64-linux-gnu/${basename(loader)}`, join(dir, 'usr/lib64', basename(loader))); // absolute, as Debian's
  symlinkSync('dash', join(dir, 'usr/bin/sh'));
  // Two absolute links in a row, as update-alternatives makes them.
  symlinkSync('/usr/bin/cat', join(dir, 'etc/alternatives/kitty'));
  symlinkSync('/etc/alternatives/kitty', join(dir, 'usr/bin/kitty'));
  writeFileSync(join(dir, 'etc/guest-marker'), MARKER);
  writeFileSync(join(dir, 'etc/passwd'), GUEST_PASSWD);
  writeFileSync(join(dir, 'usr/bin/hello-script'), '#!/usr/bin/env sh\necho "script $0 $1"\n', { mode: 0o755 });
  symlinkSync('loop-b', join(dir, 'tmp/loop-a'));
  symlinkSync('loop-a', join(dir, 'tmp/loop-b'));
  return { dir, loader };
}

function which(name: string): string {
  for (const d of ['/usr/bin', '/bin']) {
    const path = join(d, name);
    if (existsSync(path)) return realpathSync(path);
  }
  throw new Error(`mini rootfs: ${name} is not on this machine`);
}

/** The shared libraries a program loads, as ldd lists them (the loader included). */
function sharedLibraries(program: string): string[] {
  const out = execFileSync('ldd', [program], { encoding: 'utf8' });
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m) libs.push(m[1]!);
  }
  return libs;
}
