// The PRoots the benches race: Debian's proot (installed with apt-get when missing; it stops at
// every system call) and the seccomp-accelerated build users run today, when its path is given
// (build it from proot-me/proot in a scratch folder, never in this repository).
import { spawnSync } from 'node:child_process';

const log = (line) => process.stderr.write(`${line}\n`);

function which(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Debian's proot and its version; { proot: undefined } when it cannot be had (said once). */
export function debianProot() {
  let proot = which('proot');
  if (!proot) {
    log('bench: proot is missing; installing it with apt-get (Debian package proot)');
    spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
    spawnSync('apt-get', ['install', '-y', '-qq', 'proot'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    proot = which('proot');
    if (!proot) log('bench: proot could not be installed: its column is left empty');
  }
  const prootVersion = proot ? (spawnSync(proot, ['--version'], { encoding: 'utf8' }).stdout.match(/v?(\d+\.\d+\.\d+)/)?.[1] ?? '?') : undefined;
  return { proot, prootVersion };
}

/** The seccomp-accelerated PRoot at `path` ({ path, version }), when `-V` says it has the
 * filter; undefined (said why) otherwise. */
export function seccompProot(path) {
  if (!path) {
    log('bench: no seccomp PRoot given (--proot-seccomp PATH or PROOT_SECCOMP=PATH; build it from proot-me/proot): its column is left out');
    return undefined;
  }
  const v = spawnSync(path, ['-V'], { encoding: 'utf8' });
  const text = `${v.stdout ?? ''}${v.stderr ?? ''}`;
  if (v.error || !/seccomp_filter = yes/.test(text)) {
    log(`bench: ${path} is not a PRoot with seccomp_filter = yes (${v.error?.message ?? text.trim().split('\n').pop()}): its column is left out`);
    return undefined;
  }
  return { path, version: /v(\S+)/.exec(text)?.[1] ?? '?' };
}
