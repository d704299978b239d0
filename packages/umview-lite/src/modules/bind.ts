// bind: mount-like remaps, as `proot -b host:guest` does. `-m bind,/host/dir=/guest/dir`
// (several pairs allowed): a path below /guest/dir is the same path below /host/dir.
import { below, trimSlashes } from '../paths/guest-path.js';
import type { ModuleOptions, UmviewModule } from './module.js';

export function bind(options: ModuleOptions = {}): UmviewModule {
  const pairs = Object.entries(options)
    .filter(([key, value]) => key !== 'positional' && typeof value === 'string')
    .map(([host, guest]) => ({ host: trimSlashes(host), guest: trimSlashes(guest as string) }));
  if (pairs.length === 0) throw new Error('bind: give at least one HOST=GUEST pair, e.g. -m bind,/srv/data=/data');
  for (const { host, guest } of pairs) {
    if (!host.startsWith('/') || !guest.startsWith('/')) throw new Error(`bind: paths must be absolute: ${host}=${guest}`);
  }
  return {
    name: 'bind',
    paths: pairs.map((p) => p.guest),
    unmapPath: (hostPath) => {
      for (const { host, guest } of pairs) {
        const rest = below(hostPath, host);
        if (rest !== undefined) return rest === '' ? guest : guest === '/' ? rest : guest + rest;
      }
      return undefined;
    },
    mapPath: (path) => {
      let best: { host: string; rest: string; length: number } | undefined;
      for (const { host, guest } of pairs) {
        const rest = below(path, guest);
        if (rest !== undefined && (!best || guest.length > best.length)) best = { host, rest, length: guest.length };
      }
      return best ? (best.host === '/' ? best.rest || '/' : best.host + best.rest) : path;
    },
  };
}
