// Fake root (`-0`, as proot -0 and fakeroot): the tree believes it runs as root. The id calls
// answer from the process's fake ids (credentials.ts) and the set* calls change them; chown
// succeeds without changing the host's file (its ids become -1: the kernel still checks the
// path, and answers ENOENT or EACCES as natively) and is remembered, as is a mode the host's
// file cannot take (root's 000 would lock the user out of its own file); mknod of a device makes an
// empty regular file on the host and remembers the device; stat shows what was remembered, and
// the user's other files as root's. The metadata store (metadata-store.ts) keeps it across
// runs. Real permissions are never widened: every call runs with the user's real ids.
import type { SyscallCall, SyscallReturn } from '@umview/sysvm';
import { ERRNO } from '@umview/ptrace-core';
import type { ProcessState } from '../monitor/process-table.js';
import { ROOT_IDS, setIds, setOne } from './credentials.js';
import { STAT, STATX, identityOfStat, splitDev, type FileIdentity, type StatLayout } from './file-identity.js';
import type { MetadataStore } from './metadata-store.js';
import { MonitorFileCalls } from '../monitor/monitor-file-calls.js';
import { MonitorStat } from '../monitor/monitor-stat.js';
import { AT_EMPTY_PATH } from '../linux.js';

/** The calls fake root handles: ids, ownership, device nodes, the stat family it shows them
 * in, and the calls that remove a file (its identity may then be reused). */
export const FAKE_ROOT_SYSCALLS = [
  'getuid', 'geteuid', 'getgid', 'getegid', 'getresuid', 'getresgid', 'getgroups',
  'setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setfsuid', 'setfsgid', 'setgroups',
  'chown', 'lchown', 'fchown', 'fchownat', 'chmod', 'fchmod', 'fchmodat', 'fchmodat2', 'mknod', 'mknodat',
  'stat', 'lstat', 'fstat', 'newfstatat', 'statx',
  'unlink', 'unlinkat', 'rmdir', 'rename', 'renameat', 'renameat2',
] as const;

/** The owner and group arguments of the chowns, and the file they name. */
const CHOWNS: Readonly<Record<string, { ids: number; file: FileArg }>> = {
  chown: { ids: 1, file: { path: 0, dirfd: null } }, lchown: { ids: 1, file: { path: 0, dirfd: null } },
  fchown: { ids: 1, file: { fd: 0 } }, fchownat: { ids: 2, file: { path: 1, dirfd: 0 } },
};
/** The mode argument of the chmods, and the file they name. */
const CHMODS: Readonly<Record<string, { mode: number; file: FileArg }>> = {
  chmod: { mode: 1, file: { path: 0, dirfd: null } }, fchmod: { mode: 1, file: { fd: 0 } },
  fchmodat: { mode: 2, file: { path: 1, dirfd: 0 } }, fchmodat2: { mode: 2, file: { path: 1, dirfd: 0 } },
};
/** What the user keeps of a file whatever mode root gives it: read and write, and search for
 * a directory (root passes every permission check; the user does not). */
const KEPT_FILE = 0o600;
const KEPT_DIRECTORY = 0o700;
/** mknod's and mknodat's mode argument (dev follows it), and the file they make. */
const MKNODS: Readonly<Record<string, { mode: number; file: FileArg }>> = {
  mknod: { mode: 1, file: { path: 0, dirfd: null } }, mknodat: { mode: 2, file: { path: 1, dirfd: 0 } },
};
/** The stat family: the file it names, its buffer argument, its flags argument (where an
 * AT_EMPTY_PATH with an empty or NULL path names the fd in `dirfd`). */
export const STATS: Readonly<Record<string, { file: FileArg; buffer: number; flags?: number; layout: StatLayout }>> = {
  stat: { file: { path: 0, dirfd: null }, buffer: 1, layout: STAT }, lstat: { file: { path: 0, dirfd: null }, buffer: 1, layout: STAT },
  fstat: { file: { fd: 0 }, buffer: 1, layout: STAT },
  newfstatat: { file: { path: 1, dirfd: 0 }, buffer: 2, flags: 3, layout: STAT },
  statx: { file: { path: 1, dirfd: 0 }, buffer: 4, flags: 2, layout: STATX },
};
/** The file a call removes or replaces: unlink's, rmdir's, rename's target. */
const REMOVES: Readonly<Record<string, FileArg>> = {
  unlink: { path: 0, dirfd: null }, unlinkat: { path: 1, dirfd: 0 }, rmdir: { path: 0, dirfd: null },
  rename: { path: 1, dirfd: null }, renameat: { path: 3, dirfd: 2 }, renameat2: { path: 3, dirfd: 2 },
};
/** A chown's or chmod's arguments (CHOWNS, CHMODS), for the guest root's stop lane. */
export type OwnershipCall = ({ readonly kind: 'chown'; readonly ids: number } | { readonly kind: 'chmod'; readonly mode: number }) & { readonly file: FileArg };

/** The chown or chmod `name` as the monitor can make it itself at the stop (FakeRoot.chownAt,
 * chmodAt); undefined for another call, and for fchmodat2, whose flags are the full way's. */
export function ownershipCall(name: string): OwnershipCall | undefined {
  const chown = CHOWNS[name];
  if (chown !== undefined) return { kind: 'chown', ...chown };
  const chmod = name === 'fchmodat2' ? undefined : CHMODS[name];
  return chmod === undefined ? undefined : { kind: 'chmod', ...chmod };
}

/** The path argument of a call that removes or replaces a file (REMOVES), if it is one. */
export function removedPathArg(name: string): number | undefined {
  const file = REMOVES[name];
  return file !== undefined && 'path' in file ? file.path : undefined;
}
const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFREG = 0o100000;
const UNCHANGED = 0xffffffffn;
const NGROUPS_MAX = 65536;

export type FileArg = { readonly path: number; readonly dirfd: number | null } | { readonly fd: number };

/** A file a call names, as a path the monitor can use itself. */
export interface MonitorPath {
  readonly path: string;
  /** Whether its last symlink is to be followed (the call's rule, when not done already). */
  readonly follow: boolean;
  /** It names exactly what the tracee's call would reach (the guest root resolved it, or an
   * fd): the monitor may run the call itself on it. */
  readonly exact: boolean;
}

export interface FakeRootHost {
  expectReturn(call: SyscallCall, hook: (ret: SyscallReturn) => void): void;
  /** The file a call names: by path argument `path` (relative to the fd in argument `dirfd`,
   * or the cwd), as the call would reach it; or by the fd in argument `fd`. */
  pathOf(call: SyscallCall, process: ProcessState, file: FileArg): MonitorPath | undefined;
}

export class FakeRoot {
  private readonly realUid = process.getuid?.() ?? 0;
  private readonly realGid = process.getgid?.() ?? 0;

  private readonly monitorStat = new MonitorStat();
  private readonly fileCalls = new MonitorFileCalls();

  constructor(private readonly host: FakeRootHost, private readonly store: MetadataStore) {}

  /** Handles one of FAKE_ROOT_SYSCALLS; true when the call was answered here (skipped). */
  handle(call: SyscallCall, process: ProcessState): boolean {
    const ids = (process.fakeIds ??= ROOT_IDS());
    const name = call.name;
    switch (name) {
      case 'getuid': return answer(call, ids.uid[0]);
      case 'geteuid': return answer(call, ids.uid[1]);
      case 'getgid': return answer(call, ids.gid[0]);
      case 'getegid': return answer(call, ids.gid[1]);
      case 'getresuid':
      case 'getresgid': {
        const three = name === 'getresuid' ? ids.uid : ids.gid;
        for (let i = 0; i < 3; i++) writeU32(call, call.ptr(i), three[i]!);
        return answer(call, 0);
      }
      case 'getgroups': {
        const size = call.int(0);
        if (size === 0) return answer(call, ids.groups.length);
        if (size < ids.groups.length) return answer(call, -ERRNO.EINVAL);
        const list = Buffer.alloc(ids.groups.length * 4);
        ids.groups.forEach((g, i) => list.writeUInt32LE(g, i * 4));
        call.io.write(call.ptr(1), list);
        return answer(call, ids.groups.length);
      }
      case 'setuid':
      case 'setgid':
        return answer(call, setOne(ids, name === 'setuid' ? 'uid' : 'gid', u32(call, 0)) ? 0 : -ERRNO.EPERM);
      case 'setreuid':
      case 'setregid': {
        const which = name === 'setreuid' ? 'uid' : 'gid';
        // setreuid(r, e): the saved id becomes the new effective one when r is set or e differs from r.
        const real = u32(call, 0);
        const effective = u32(call, 1);
        const saved = real !== 0xffffffff || (effective !== 0xffffffff && effective !== ids[which][0]) ? (effective !== 0xffffffff ? effective : ids[which][1]) : 0xffffffff;
        return answer(call, setIds(ids, which, real, effective, saved) ? 0 : -ERRNO.EPERM);
      }
      case 'setresuid':
      case 'setresgid':
        return answer(call, setIds(ids, name === 'setresuid' ? 'uid' : 'gid', u32(call, 0), u32(call, 1), u32(call, 2)) ? 0 : -ERRNO.EPERM);
      case 'setfsuid':
      case 'setfsgid': {
        const four = name === 'setfsuid' ? ids.uid : ids.gid;
        const old = four[3];
        const wanted = u32(call, 0);
        if (ids.uid[1] === 0 || four.includes(wanted)) four[3] = wanted;
        return answer(call, old);
      }
      case 'setgroups': {
        if (ids.uid[1] !== 0) return answer(call, -ERRNO.EPERM);
        const count = call.int(0);
        if (count < 0 || count > NGROUPS_MAX) return answer(call, -ERRNO.EINVAL);
        const list = count === 0 ? Buffer.alloc(0) : call.io.read(call.ptr(1), count * 4);
        ids.groups = Array.from({ length: count }, (_, i) => list.readUInt32LE(i * 4));
        return answer(call, 0);
      }
      case 'chown':
      case 'lchown':
      case 'fchown':
      case 'fchownat':
        this.chown(call, process);
        return false;
      case 'chmod':
      case 'fchmod':
      case 'fchmodat':
      case 'fchmodat2':
        this.chmod(call, process);
        return false;
      case 'mknod':
      case 'mknodat':
        this.mknod(call, process);
        return false;
      case 'unlink':
      case 'unlinkat':
      case 'rmdir':
      case 'rename':
      case 'renameat':
      case 'renameat2':
        this.forgetRemoved(call, process);
        return false;
      default:
        return this.stat(call, process);
    }
  }

  private identityOf(call: SyscallCall, process: ProcessState, file: FileArg): FileIdentity | undefined {
    const at = this.host.pathOf(call, process, file);
    return at === undefined ? undefined : this.identityNow(at.path, at.follow);
  }

  /** chown: the kernel checks the path with ids -1 (no change on the host); the ids are
   * remembered for the file once it has answered. */
  private chown(call: SyscallCall, process: ProcessState): void {
    const spec = CHOWNS[call.name]!;
    const file = this.identityOf(call, process, spec.file);
    const uid = u32(call, spec.ids);
    const gid = u32(call, spec.ids + 1);
    call.setArg(spec.ids, UNCHANGED);
    call.setArg(spec.ids + 1, UNCHANGED);
    if (file === undefined) return; // missing: the kernel says so, nothing to remember
    this.host.expectReturn(call, (ret) => {
      if (!ret.isError) this.store.update(file.key, { uid: uid === 0xffffffff ? undefined : uid, gid: gid === 0xffffffff ? undefined : gid });
    });
  }

  /** chmod: the host's file takes the mode with its owner's read and write (and search) kept,
   * and where that differs, or the host refuses it (EPERM: another user's file), the mode
   * root asked for is remembered and the call succeeds. */
  private chmod(call: SyscallCall, process: ProcessState): void {
    const spec = CHMODS[call.name]!;
    const file = this.identityOf(call, process, spec.file);
    if (file === undefined) return; // missing: the kernel says so
    const wanted = call.int(spec.mode) & 0o7777;
    const { applied, remember } = this.modeFor(file, wanted);
    if (applied !== wanted) call.setArg(spec.mode, applied);
    if (!remember) return; // the host's file takes it as it is
    this.host.expectReturn(call, (ret) => {
      if (ret.isError && ret.errno !== ERRNO.EPERM) return;
      if (ret.isError) ret.setResult(0);
      this.store.update(file.key, { mode: wanted });
    });
  }

  /** The mode the host's file is given for root's `wanted`, and whether `wanted` is to be
   * remembered (the host's mode differs, one is remembered already, or the file is not the
   * user's). */
  private modeFor(file: FileIdentity, wanted: number): { applied: number; remember: boolean } {
    const applied = wanted | (file.isDirectory ? KEPT_DIRECTORY : KEPT_FILE);
    const remembered = this.store.get(file.key)?.mode !== undefined;
    return { applied, remember: applied !== wanted || remembered || file.uid !== this.realUid };
  }

  /** A chown answered at its stop (guest/at-stop.ts): on `path`, which names exactly the
   * tracee's file (`follow`: its last symlink still to follow), the monitor makes the check
   * the kernel would (a chown to -1, -1, which changes no owner) and remembers the ids when
   * it passes, as the full way does at the return. The call's result. */
  chownAt(path: string, follow: boolean, uid: number, gid: number): number {
    const file = this.identityNow(path, follow);
    const result = this.fileCalls.chownUnchanged(path, follow);
    if (result === 0 && file !== undefined) this.store.update(file.key, { uid: uid === 0xffffffff ? undefined : uid, gid: gid === 0xffffffff ? undefined : gid });
    return result;
  }

  /** A chmod answered at its stop: the monitor gives the host's file the mode the full way
   * gives it, and remembers root's mode where the full way does. The call's result. */
  chmodAt(path: string, wanted: number): number {
    const file = this.identityNow(path, true);
    if (file === undefined) return this.fileCalls.chmod(path, wanted); // the kernel's answer (ENOENT...)
    const { applied, remember } = this.modeFor(file, wanted);
    const result = this.fileCalls.chmod(path, applied);
    if (!remember) return result;
    if (result !== 0 && result !== -ERRNO.EPERM) return result;
    this.store.update(file.key, { mode: wanted });
    return 0;
  }

  private identityNow(path: string, follow: boolean): FileIdentity | undefined {
    const st = this.monitorStat.run(path, follow);
    return typeof st === 'number' ? undefined : identityOfStat(st);
  }

  /** mknod of a character or block device: an empty regular file on the host (a user may not
   * make devices), the device remembered for it. FIFOs and sockets are the kernel's. */
  private mknod(call: SyscallCall, process: ProcessState): void {
    const spec = MKNODS[call.name]!;
    const mode = call.int(spec.mode);
    const type = mode & S_IFMT;
    if (type !== S_IFCHR && type !== S_IFBLK) return;
    const [rdevMajor, rdevMinor] = splitDev(BigInt.asUintN(64, call.args[spec.mode + 1]!));
    call.setArg(spec.mode, S_IFREG | (mode & 0o7777));
    call.setArg(spec.mode + 1, 0);
    this.host.expectReturn(call, (ret) => {
      if (ret.isError) return;
      const file = this.identityOf(call, process, spec.file);
      if (file !== undefined) this.store.update(file.key, { device: { type: type === S_IFCHR ? 'char' : 'block', major: rdevMajor, minor: rdevMinor } });
    });
  }

  /** A file an unlink, rmdir or rename removes for good (its last link): what is remembered of
   * it goes with it, once the call has succeeded (its inode number may be reused). */
  private forgetRemoved(call: SyscallCall, process: ProcessState): void {
    const at = this.host.pathOf(call, process, REMOVES[call.name]!);
    const file = at === undefined ? undefined : this.remembered(at.path);
    if (file === undefined) return;
    this.host.expectReturn(call, (ret) => {
      if (!ret.isError) this.store.drop(file.key);
    });
  }

  /** Whether removing the file at `path` (an unlink's, rmdir's or rename's target, its last
   * symlink unfollowed) must drop what is remembered of it: else the call needs nothing of fake
   * root, and the guest root lets it go at its stop (guest/at-stop.ts). */
  remembersRemoved(path: string): boolean {
    return this.remembered(path) !== undefined;
  }

  /** The identity of the file at `path` when a removal of it drops what is remembered. */
  private remembered(path: string): FileIdentity | undefined {
    if (this.store.size === 0) return undefined;
    const file = this.identityNow(path, false);
    if (file === undefined || (file.nlink > 1 && !file.isDirectory) || this.store.get(file.key) === undefined) return undefined;
    return file;
  }

  /** The stat family, run by the monitor where it can name the file exactly (monitor/monitor-stat.ts:
   * no exit stop), else shown at the call's return. */
  private stat(call: SyscallCall, process: ProcessState): boolean {
    const spec = STATS[call.name]!;
    const buffer = call.ptr(spec.buffer);
    if (buffer === 0n) return false; // EFAULT from the kernel
    const flags = spec.flags === undefined ? 0 : call.int(spec.flags);
    const file = (flags & AT_EMPTY_PATH) !== 0 && 'path' in spec.file && namesNoPath(call, spec.file.path) ? { fd: 0 } : spec.file;
    const at = this.host.pathOf(call, process, file);
    if (at === undefined || !at.exact) {
      this.showAtReturn(call, spec.layout, buffer);
      return false;
    }
    const bytes = this.exactStat(call.name, at.path, at.follow, flags, call.int(3));
    if (typeof bytes === 'number') return answer(call, bytes);
    try {
      call.io.write(buffer, bytes);
    } catch {
      return answer(call, -ERRNO.EFAULT);
    }
    return answer(call, 0);
  }

  /** Stat call `name` run by the monitor on `path`, which names exactly the tracee's file
   * (`follow`: its last symlink still to follow), `flags` and statx's `mask` as the call has
   * them: the struct as fake root shows it (a view valid until the next run), or -errno. The
   * full way's and the guest root's at the stop (guest/at-stop.ts). */
  exactStat(name: string, path: string, follow: boolean, flags: number, mask: number): Buffer | number {
    const bytes = this.monitorStat.run(path, follow, name === 'statx' ? { flags, mask } : undefined);
    if (typeof bytes !== 'number') this.show(bytes, STATS[name]!.layout);
    return bytes;
  }

  private showAtReturn(call: SyscallCall, layout: StatLayout, buffer: bigint): void {
    this.host.expectReturn(call, (ret) => {
      if (ret.isError) return;
      const fields = ret.io.read(buffer, layout.size);
      this.show(fields, layout);
      ret.io.write(buffer, fields);
    });
  }

  /** Lays fake root's view over a stat struct's fields: what the store remembers of the file,
   * else the user's own ids shown as root's. */
  private show(fields: Buffer, layout: StatLayout): void {
    const remembered = this.store.size === 0 ? undefined : this.store.get(layout.key(fields));
    const uid = fields.readUInt32LE(layout.uid);
    const gid = fields.readUInt32LE(layout.gid);
    fields.writeUInt32LE(remembered?.uid ?? (uid === this.realUid ? 0 : uid), layout.uid);
    fields.writeUInt32LE(remembered?.gid ?? (gid === this.realGid ? 0 : gid), layout.gid);
    const device = remembered?.device;
    if (device !== undefined || remembered?.mode !== undefined) {
      const mode = layout.modeSize === 2 ? fields.readUInt16LE(layout.mode) : fields.readUInt32LE(layout.mode);
      const type = device === undefined ? mode & S_IFMT : device.type === 'char' ? S_IFCHR : S_IFBLK;
      const shown = type | (remembered?.mode ?? mode & 0o7777);
      if (layout.modeSize === 2) fields.writeUInt16LE(shown, layout.mode);
      else fields.writeUInt32LE(shown, layout.mode);
      if (device !== undefined) layout.writeRdev(fields, device.major, device.minor);
    }
  }
}

/** True when path argument `arg` is NULL or '' (with AT_EMPTY_PATH: the fd itself). */
function namesNoPath(call: SyscallCall, arg: number): boolean {
  if (call.ptr(arg) === 0n) return true;
  try {
    return call.io.read(call.ptr(arg), 1)[0] === 0;
  } catch {
    return false; // EFAULT from the kernel
  }
}

function answer(call: SyscallCall, value: number): true {
  call.skip(value);
  return true;
}

const u32 = (call: SyscallCall, i: number): number => Number(BigInt.asUintN(32, call.args[i]!));

function writeU32(call: SyscallCall, address: bigint, value: number): void {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  call.io.write(address, bytes);
}
