// The seed's test module: every path that starts with /unreal is the same path with that
// prefix stripped (/unreal/X is X, /unreal alone is /, /unreal/unreal/X is X too).
//
// mode=remap (this part): the monitor rewrites the path and the kernel does the rest, as PRoot
// does.
import { below } from '../paths/guest-path.js';
import type { ModuleOptions, UmviewModule } from './module.js';

export const UNREAL_PREFIX = '/unreal';

export function unreal(options: ModuleOptions = {}): UmviewModule {
  const mode = options.mode ?? 'remap';
  if (mode !== 'remap') throw new Error(`unreal: unknown mode '${String(mode)}' (this version has: remap)`);
  return {
    name: 'unreal',
    paths: [UNREAL_PREFIX],
    mapsToGuest: true,
    unmapPath: (host) => (host === '/' ? UNREAL_PREFIX : `${UNREAL_PREFIX}${host}`),
    mapPath: (path) => {
      const rest = below(path, UNREAL_PREFIX);
      return rest === undefined ? path : rest === '' ? '/' : rest;
    },
  };
}
