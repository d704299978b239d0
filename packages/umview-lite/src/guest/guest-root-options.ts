// The guest root's options as the user gives them (`-r DIR`, `-b HOST[:GUEST]`, `-w DIR`),
// checked and made absolute: a clear error for a rootfs or a bind that is not there, before
// anything runs.
import { realpathSync, statSync } from 'node:fs';
import { normalize } from '../paths/guest-path.js';
import { GuestRootError, type GuestRootOptions } from './guest-root.js';
import type { Bind } from './namespace.js';
import { presetBinds, type BindPreset } from './default-binds.js';

export interface GuestRootSpec {
  /** The guest's '/': a host directory. */
  rootfs: string;
  /** `HOST[:GUEST]`, as `proot -b` takes them (GUEST defaults to HOST). */
  binds?: readonly string[];
  /** The first program's cwd in the guest (default '/'). */
  cwd?: string;
  /** Binds added before `binds`: PRoot's `-R` ('system') or `-S` ('packages'), less the
   * host's account files (default-binds.ts). */
  preset?: BindPreset;
}

/** `HOST[:GUEST]` as `proot -b` reads it: GUEST defaults to HOST. */
export function parseBind(text: string): Bind {
  const colon = text.indexOf(':');
  return colon < 0 ? { host: text, guest: text } : { host: text.slice(0, colon), guest: text.slice(colon + 1) };
}

export function guestRootOptions(spec: GuestRootSpec): GuestRootOptions {
  const root = existingDirectory(spec.rootfs, 'the guest root file system');
  const binds: Bind[] = [...(spec.preset ? presetBinds(spec.preset) : []), ...(spec.binds ?? [])].map((text) => {
    const { host, guest } = parseBind(text);
    if (host === '' || !guest.startsWith('/')) throw new GuestRootError(`bind '${text}': give HOST[:GUEST], GUEST an absolute path`);
    let real: string;
    try {
      real = realpathSync(host);
    } catch {
      throw new GuestRootError(`bind '${text}': ${host} does not exist`);
    }
    return { host: real, guest: normalize(guest) };
  });
  const cwd = spec.cwd ?? '/';
  if (!cwd.startsWith('/')) throw new GuestRootError(`the guest cwd must be an absolute guest path, not '${cwd}'`);
  return { root, binds, cwd };
}

function existingDirectory(path: string, what: string): string {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new GuestRootError(`${what} ${path} does not exist`);
  }
  if (!statSync(real).isDirectory()) throw new GuestRootError(`${what} ${path} is not a directory`);
  return real;
}
