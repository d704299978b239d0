// The ids a process believes it has under fake root (`-0`): root's at first, then whatever
// setuid and its family set, checked by the kernel's rules on these fake ids (root may set any;
// another may only move between its real, effective and saved ids). Inherited by fork, kept
// by exec, as the kernel does with real ones.
export interface FakeIds {
  uid: [real: number, effective: number, saved: number, fs: number];
  gid: [real: number, effective: number, saved: number, fs: number];
  groups: number[];
}

export const ROOT_IDS = (): FakeIds => ({ uid: [0, 0, 0, 0], gid: [0, 0, 0, 0], groups: [0] });

export const copyIds = (ids: FakeIds): FakeIds => ({ uid: [...ids.uid], gid: [...ids.gid], groups: [...ids.groups] });

const UNCHANGED = 0xffffffff; // (uid_t)-1

/** setresuid/setresgid on fake ids: -1 leaves one as it is. False (EPERM) when a process that
 * is not root asks for an id it does not already hold. */
export function setIds(ids: FakeIds, which: 'uid' | 'gid', real: number, effective: number, saved: number): boolean {
  const current = ids[which];
  const privileged = ids.uid[1] === 0;
  const wanted = [real, effective, saved];
  if (!privileged && wanted.some((id) => id !== UNCHANGED && !current.slice(0, 3).includes(id))) return false;
  for (let i = 0; i < 3; i++) if (wanted[i] !== UNCHANGED) current[i] = wanted[i]!;
  current[3] = current[1]; // the fs id follows the effective one
  return true;
}

/** setuid/setgid: root sets all three ids, another process its effective id only. */
export function setOne(ids: FakeIds, which: 'uid' | 'gid', id: number): boolean {
  if (ids.uid[1] === 0) return setIds(ids, which, id, id, id);
  return setIds(ids, which, UNCHANGED, id, UNCHANGED);
}
