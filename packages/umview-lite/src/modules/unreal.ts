// The seed's test module: every path that starts with /unreal is the same path with that
// prefix stripped (/unreal/X is X, /unreal alone is /, /unreal/unreal/X is X too).
//
// mode=remap (the default): the monitor rewrites the path and the kernel does the rest (PRoot's
// way). /unreal names host files, so the kernel serving their data is exact and the fastest.
// mode=proxy: the monitor performs path calls itself and serves the files opened through
// /unreal, whose data passes through the monitor (umview's way; the seed table measures it).
// mode=fs: /unreal is a file-system module's mount, the host's / served through the
// file-system API (file-systems/passthrough): every call on it is the module's operations.
import { passthrough } from '../file-systems/passthrough/passthrough.js';
import { below } from '../paths/guest-path.js';
import type { ModuleOptions, UmviewModule } from './module.js';

export const UNREAL_PREFIX = '/unreal';

export function unreal(options: ModuleOptions = {}): UmviewModule {
  const mode = options.mode ?? (options.proxy ? 'proxy' : 'remap');
  if (mode !== 'remap' && mode !== 'proxy' && mode !== 'fs') throw new Error(`unreal: unknown mode '${String(mode)}' (modes: proxy, remap, fs)`);
  if (mode === 'fs') return { name: 'unreal', paths: [UNREAL_PREFIX], fileSystem: passthrough('/') };
  return {
    name: 'unreal',
    proxy: mode === 'proxy',
    paths: [UNREAL_PREFIX],
    mapsToGuest: true,
    unmapPath: (host) => (host === '/' ? UNREAL_PREFIX : `${UNREAL_PREFIX}${host}`),
    mapPath: (path) => {
      const rest = below(path, UNREAL_PREFIX);
      return rest === undefined ? path : rest === '' ? '/' : rest;
    },
  };
}
