// The routing table: which module serves which path prefix (in which mode: remap, proxy, or fs
// for a module that is a file system, served by vfs/) and
// which syscalls by number, and for every syscall the monitor stops, who handles it and in which
// order. The monitor dispatches from it (monitor.ts), the seccomp filter is made from it, and
// the let-through predicate (let-through.ts) is derived from it: they cannot disagree.
// `umview-lite -m MODULE... --routing` prints it (describeRouting).
//
// Order for one call (the module contract, module.ts): the module that claims the syscall by
// number first; if it returns true the monitor does nothing more. Then the file-system modules'
// mounts (vfs/: paths that reach a mount, served fds), the proxy (virtual fds,
// paths of proxy-mode modules), then path rewriting (remap-mode modules, and what the proxy
// leaves: execve, chdir), then the cwd (getcwd, fchdir).
import { syscallNumber } from '@umview/ptrace-core';
import type { UmviewModule } from '../modules/module.js';
import { components } from '../paths/guest-path.js';
import { CWD_SYSCALLS, PATH_SYSCALLS, type PathArg } from '../paths/path-syscalls.js';
import { ProxyService } from '../proxy/proxy-service.js';
import { FAKE_ROOT_SYSCALLS, ownershipCall, removedPathArg } from '../fake-root/fake-root.js';
import { CREDENTIAL_CALLS } from '../vfs/credentials.js';
import { SOCKET_ADDRESS_CALLS } from '../guest/unix-sockets.js';

/** remap: mapPath to a host path; proxy: the monitor performs the calls on the host path;
 * fs: the module's fileSystem serves them (vfs/). */
export type Mode = 'remap' | 'proxy' | 'fs';

export interface PathRoute {
  readonly prefix: string;
  readonly module: UmviewModule;
  readonly mode: Mode;
}

/** What the monitor keeps track of through a call, whatever its paths. */
export type Follows = 'cwd' | 'getcwd' | 'exec' | 'dir-open';

/** When a call may go on at its seccomp stop, without the monitor (sysvm's letThrough):
 * never; when none of its paths can be served ('unserved', decided from the path bytes by
 * let-through.ts); for execve, when its path is absolute, unserved and not a `#!` script whose
 * interpreter is served ('exec'); under a guest root, with its paths resolved in the guest's
 * view there ('guest', guest/at-stop.ts). */
export type LetThroughRule = 'never' | 'unserved' | 'exec' | 'guest';

export interface CallRoute {
  readonly nr: number;
  readonly name: string;
  /** The module that claims the call by number: it sees every one, first. */
  readonly module: UmviewModule | undefined;
  /** Its path arguments, when a module serves paths. */
  readonly paths: readonly PathArg[] | undefined;
  readonly follows: Follows | undefined;
  /** The flags argument of an open whose directory fds the monitor tracks ('dir-open'). */
  readonly flagsArg: number | undefined;
  /** The proxy may serve it (a proxy-mode module is loaded). */
  readonly proxy: boolean;
  /** Fake root (`-0`) answers or adjusts it. */
  readonly fakeRoot: boolean;
  /** The guest root (`-r`) handles it: its paths, getcwd, a unix socket's address. */
  readonly guestRoot: boolean;
  /** It may change the callers' ids or umask, which a file-system mount keeps (vfs/credentials.ts). */
  readonly credentials: boolean;
  readonly letThrough: LetThroughRule;
}

export class ModuleConflictError extends Error {
  override name = 'ModuleConflictError';
}

const FOLLOWS: Readonly<Record<string, Follows>> = {
  chdir: 'cwd', fchdir: 'cwd', getcwd: 'getcwd', execve: 'exec', execveat: 'exec', open: 'dir-open', openat: 'dir-open', openat2: 'dir-open',
};
/** The flags argument of the opens (openat2's are in its struct: not an argument). */
const OPEN_FLAGS: Readonly<Record<string, number>> = { open: 1, openat: 2 };
/** Fake root's stat calls with a path (fstat has none). */
const FAKE_ROOT_STATS = new Set(['stat', 'lstat', 'newfstatat', 'statx']);
/** Fake root's calls that remove or replace a file: it needs them only when it remembers
 * something of the file (seen at the stop: guest/at-stop.ts). */
const isFakeRootRemoval = (name: string): boolean => removedPathArg(name) !== undefined;
/** Fake root's chowns and chmods that the monitor makes itself at the stop under a guest root,
 * on the resolved path or the fd's /proc link. */
const isFakeRootOwnership = (name: string): boolean => ownershipCall(name) !== undefined;
/** First components that may name a virtual fd of proxy mode (/proc/self/fd/N, /dev/fd/N). */
const PROXY_HEADS = ['proc', 'dev'];

export class RoutingTable {
  /** Path prefixes, longest first. */
  readonly paths: readonly PathRoute[];
  /** Per syscall number, its route (an array indexed without hashing); none for a syscall
   * nothing handles. */
  readonly calls: readonly (CallRoute | undefined)[];
  /** A proxy-mode module (or a file system: its fds are placeholders too) is loaded. */
  readonly proxy: boolean;
  /** A file-system module (mode 'fs') is loaded: vfs/ serves its mount. */
  readonly fs: boolean;
  /** First components of every served prefix: a path that names none of them can never reach
   * one (save through a symlink, which the kernel resolves on the host). */
  readonly prefixHeads: ReadonlySet<string>;
  /** The components a path may not name to be let through: the prefix heads, and in proxy mode
   * those of /proc/self/fd/N and /dev/fd/N. Empty string: a module serves '/', nothing can. */
  readonly letThroughHeads: readonly string[];

  /** A guest root (`-r DIR`) resolves every path: nothing is let through. */
  readonly guestRoot: boolean;

  /** Fake root (`-0`): its calls stop, whatever their arguments. */
  readonly fakeRoot: boolean;

  constructor(modules: readonly UmviewModule[], options: { guestRoot?: boolean; fakeRoot?: boolean } = {}) {
    this.guestRoot = options.guestRoot === true;
    this.fakeRoot = options.fakeRoot === true;
    const paths: PathRoute[] = [];
    const byPrefix = new Map<string, UmviewModule>();
    for (const module of modules) {
      for (const prefix of module.paths ?? []) {
        const key = `/${components(prefix).join('/')}`;
        const other = byPrefix.get(key);
        if (other === module) continue;
        if (other) throw new ModuleConflictError(`modules ${other.name} and ${module.name} both serve the path prefix ${key}`);
        byPrefix.set(key, module);
        paths.push({ prefix, module, mode: module.fileSystem ? 'fs' : module.proxy ? 'proxy' : 'remap' });
      }
    }
    this.paths = paths.sort((a, b) => b.prefix.length - a.prefix.length);
    this.fs = paths.some((p) => p.mode === 'fs');
    // A file system's fds are placeholders too: the proxy's fd plumbing serves them.
    this.proxy = this.fs || paths.some((p) => p.mode === 'proxy');
    this.prefixHeads = new Set(paths.map((p) => components(p.prefix)[0] ?? ''));
    if (this.guestRoot) {
      if (paths.length > 0) throw new ModuleConflictError(`a guest root (-r) serves every path: module ${paths[0]!.module.name} cannot serve ${paths[0]!.prefix} beside it (use -b HOST:GUEST for binds)`);
      this.prefixHeads = new Set(['']);
    }
    this.letThroughHeads = [...this.prefixHeads, ...(this.proxy ? PROXY_HEADS : [])];

    const claims = new Map<number, { module: UmviewModule; name: string }>();
    for (const module of modules) {
      for (const name of module.syscalls ?? []) {
        const nr = syscallNumber(name);
        if (nr === undefined) throw new Error(`module ${module.name}: unknown syscall ${name}`);
        const other = claims.get(nr)?.module;
        if (other && other !== module) throw new ModuleConflictError(`modules ${other.name} and ${module.name} both claim the syscall ${name}`);
        claims.set(nr, { module, name });
      }
    }
    const servesPaths = paths.length > 0 || this.guestRoot;
    const names = new Set<string>([...claims.values()].map((c) => c.name));
    if (servesPaths) for (const name of [...Object.keys(PATH_SYSCALLS), ...CWD_SYSCALLS]) names.add(name);
    const proxied = new Set(this.proxy ? ProxyService.calls : []);
    for (const name of proxied) names.add(name);
    const faked = new Set<string>(this.fakeRoot ? FAKE_ROOT_SYSCALLS : []);
    for (const name of faked) names.add(name);
    if (this.guestRoot) for (const name of SOCKET_ADDRESS_CALLS) names.add(name);
    const credentials = new Set<string>(this.fs ? CREDENTIAL_CALLS : []);
    for (const name of credentials) names.add(name);
    const calls: (CallRoute | undefined)[] = [];
    for (const name of names) {
      const nr = syscallNumber(name);
      if (nr === undefined) continue;
      const module = claims.get(nr)?.module;
      const pathArgs = servesPaths ? PATH_SYSCALLS[name] : undefined;
      const follows = servesPaths ? FOLLOWS[name] : undefined;
      const flagsArg = OPEN_FLAGS[name];
      calls[nr] = {
        nr, name, module, paths: pathArgs, follows, flagsArg, proxy: proxied.has(name), fakeRoot: faked.has(name), credentials: credentials.has(name),
        guestRoot: this.guestRoot && (pathArgs !== undefined || follows === 'getcwd' || SOCKET_ADDRESS_CALLS.includes(name)),
        letThrough: letThroughRule(name, module !== undefined, faked.has(name), pathArgs, follows, flagsArg, this.guestRoot),
      };
    }
    this.calls = calls;
  }

  get servesPaths(): boolean {
    return this.paths.length > 0 || this.guestRoot;
  }

  /** The syscalls a path module or a claim needs stopped, whatever their arguments (the proxy
   * adds its fd calls with their argument tests). */
  stopAlways(): string[] {
    return this.calls.filter((r): r is CallRoute => r !== undefined && (r.module !== undefined || r.paths !== undefined || r.follows !== undefined || r.fakeRoot || r.guestRoot || r.credentials)).map((r) => r.name);
  }
}

/** The one place that decides which calls may be let through, from what the monitor does with
 * them: a call a module or fake root claims by number is theirs (they see every one); chdir moves the
 * guest cwd, in or out of a served directory; execveat may be relative to a directory fd the
 * monitor serves; openat2's flags (a directory open, whose fd the monitor tracks) are in its
 * struct. An open is let through only when it is no directory open of a relative path
 * (let-through.ts reads `flagsArg`). Under a guest root, every path call but those: its cwd
 * and fds are the real ones, named through the namespace, so an open follows nothing (a
 * readlink of a /proc link, whose answer is rewritten at its return, is seen at the stop:
 * guest/at-stop.ts); fake root's stat calls too, which the monitor answers itself on the path
 * the guest root resolved, and its chowns and chmods (an fd's too), which it makes itself there,
 * and its removals, unless it remembers the file (seen at the stop). */
function letThroughRule(name: string, claimed: boolean, faked: boolean, paths: readonly PathArg[] | undefined, follows: Follows | undefined, flagsArg: number | undefined, guestRoot: boolean): LetThroughRule {
  if (claimed) return 'never';
  if (faked && guestRoot && isFakeRootOwnership(name)) return 'guest';
  if (paths === undefined) return 'never';
  if (faked) return guestRoot && (FAKE_ROOT_STATS.has(name) || isFakeRootRemoval(name)) ? 'guest' : 'never';
  if (guestRoot) return follows === undefined || (follows === 'dir-open' && flagsArg !== undefined) ? 'guest' : 'never';
  switch (follows) {
    case 'cwd':
    case 'getcwd':
      return 'never';
    case 'exec':
      return paths[0]?.dirfd === null ? 'exec' : 'never';
    case 'dir-open':
      return flagsArg !== undefined ? 'unserved' : 'never';
    default:
      return 'unserved';
  }
}

/** The routing table in a readable form: path prefixes, then syscalls grouped by how they are
 * handled and when they may be let through. */
export function describeRouting(table: RoutingTable): string {
  const lines = ['routing table', '  path prefix  module  mode'];
  const prefixWidth = Math.max(11, ...table.paths.map((p) => p.prefix.length));
  const moduleWidth = Math.max(6, ...table.paths.map((p) => p.module.name.length));
  lines[1] = `  ${'path prefix'.padEnd(prefixWidth)}  ${'module'.padEnd(moduleWidth)}  mode`;
  for (const p of table.paths) lines.push(`  ${p.prefix.padEnd(prefixWidth)}  ${p.module.name.padEnd(moduleWidth)}  ${p.mode}`);
  if (table.guestRoot) lines.push(`  ${'/'.padEnd(prefixWidth)}  ${'guest root (-r)'.padEnd(moduleWidth)}  every path resolved in the guest's view`);
  else if (table.paths.length === 0) lines.push('  (none)');
  const groups = new Map<string, string[]>();
  for (const route of table.calls) {
    if (!route) continue;
    const handlers = [
      route.module ? `module ${route.module.name}` : undefined,
      table.fs && (route.paths !== undefined || route.proxy || route.follows === 'cwd' || route.credentials) ? 'mounts' : undefined,
      route.fakeRoot ? 'fake root' : undefined,
      route.guestRoot ? 'guest root' : undefined,
      route.proxy ? 'proxy' : undefined,
      route.paths ? 'paths' : undefined,
      route.follows,
    ].filter(Boolean).join(' > ');
    const key = `${handlers}\t${describeRule(route, table)}`;
    groups.set(key, [...(groups.get(key) ?? []), route.name]);
  }
  lines.push(
    '',
    '  syscalls by route: handled by, in this order  |  let through at the seccomp stop when',
    '    (module M: claims the syscall, sees it first, true from handleSyscall ends it; mounts: file-system',
    '    modules\' mounts and served fds (mode fs); proxy: virtual fds',
    '    and paths of proxy-mode modules, fd calls stop only on a virtual fd; paths: path rewriting;',
    '    cwd, getcwd, dir-open, exec: what the monitor follows whatever the paths)',
  );
  for (const [key, names] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    const [handlers, rule] = key.split('\t');
    lines.push(`  ${handlers}  |  ${rule}`);
    lines.push(...wrap(names.sort(), 90).map((l) => `      ${l}`));
  }
  return lines.join('\n');
}

function describeRule(route: CallRoute, table: RoutingTable): string {
  if (route.letThrough === 'guest') {
    if (route.paths === undefined) return 'always, made there by the monitor for fake root on the fd\'s /proc link';
    const unless = route.fakeRoot
      ? isFakeRootRemoval(route.name) ? ' (not a file fake root remembers)' : isFakeRootOwnership(route.name) ? ', made there by the monitor for fake root' : ', answered there by fake root'
      : route.name.startsWith('readlink') ? ' (not a /proc link)' : '';
    return `always, its paths resolved in the guest's view${unless}`;
  }
  if (route.letThrough === 'never' || table.letThroughHeads.includes('')) return 'never';
  const heads = table.letThroughHeads.join(', ');
  if (route.letThrough === 'exec') return `absolute path naming none of ${heads}, not a #! script with a served interpreter`;
  const relative = table.proxy ? `absolute path (or '' on an fd the monitor does not serve)` : `path without '..'`;
  const dir = route.flagsArg !== undefined && !table.proxy ? ' (relative: not a directory open)' : '';
  return `${relative} naming none of ${heads}${dir}`;
}

function wrap(words: readonly string[], width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out;
}
