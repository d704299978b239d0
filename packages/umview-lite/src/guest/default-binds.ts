// The binds `-R` and `-S` add to `-r DIR`, after PRoot's: what a system inside needs from the
// host to work (devices, /proc, /sys, name resolution, /tmp, the user's home). Never the host's
// /etc/passwd, /etc/group or /etc/shadow: `proot -R` binds the first two, so a `useradd` inside
// writes the host's files, as root when PRoot runs as root. A host path that does not exist is
// left out, as PRoot does.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';

export type BindPreset = 'system' | 'packages';

/** `proot -R`'s binds, less the account files. */
const SYSTEM = [
  '/etc/host.conf', '/etc/hosts', '/etc/hosts.equiv', '/etc/netgroup', '/etc/networks', '/etc/nsswitch.conf',
  '/etc/resolv.conf', '/etc/localtime', '/dev', '/sys', '/proc', '/tmp', '/run', '/var/run/dbus/system_bus_socket',
];
/** `proot -S`'s binds (package management: no /run, only /run/shm). */
const PACKAGES = ['/etc/host.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/resolv.conf', '/dev', '/sys', '/proc', '/tmp', '/run/shm'];

/** The preset's binds (each at its own path in the guest) that exist on this host, the
 * user's home last. */
export function presetBinds(preset: BindPreset): string[] {
  let home: string | undefined;
  try {
    home = homedir();
  } catch {
    home = undefined; // no home: none bound
  }
  return [...(preset === 'system' ? SYSTEM : PACKAGES), ...(home ? [home] : [])].filter((path) => existsSync(path));
}
