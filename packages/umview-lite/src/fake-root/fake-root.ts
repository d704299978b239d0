// Fake root (`-0`, as proot -0 and fakeroot): the tree believes it runs as root. The id calls
// answer from the process's fake ids (credentials.ts) and the set* calls change them; chown
// succeeds and changes nothing on the host (its ids become -1: the kernel still checks the
// path, and answers ENOENT or EACCES as natively); stat shows the user's own files as
// root's (the files it creates in its rootfs). Real permissions are never widened: every other
// call runs with the user's real ids.
//
// Not remembered yet: a chown, a chmod beyond the user's rights, mknod of a device.
import type { SyscallCall, SyscallReturn } from '@umview/sysvm';
import { ERRNO } from '@umview/ptrace-core';
import type { ProcessState } from '../monitor/process-table.js';
import { ROOT_IDS, setIds, setOne, type FakeIds } from './credentials.js';

/** The calls fake root handles: ids, ownership, and the stat family it shows ownership in. */
export const FAKE_ROOT_SYSCALLS = [
  'getuid', 'geteuid', 'getgid', 'getegid', 'getresuid', 'getresgid', 'getgroups',
  'setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setfsuid', 'setfsgid', 'setgroups',
  'chown', 'lchown', 'fchown', 'fchownat',
  'stat', 'lstat', 'fstat', 'newfstatat', 'statx',
] as const;

/** Where st_uid and st_gid are: struct stat (x86-64) and struct statx. */
const STAT_IDS = 28;
const STATX_IDS = 20;
/** The owner and group arguments of the chowns. */
const CHOWN_ARGS: Readonly<Record<string, number>> = { chown: 1, lchown: 1, fchown: 1, fchownat: 2 };
const UNCHANGED = 0xffffffffn;
const NGROUPS_MAX = 65536;

export interface FakeRootHost {
  expectReturn(call: SyscallCall, hook: (ret: SyscallReturn) => void): void;
}

export class FakeRoot {
  private readonly realUid = process.getuid?.() ?? 0;
  private readonly realGid = process.getgid?.() ?? 0;

  constructor(private readonly host: FakeRootHost) {}

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
      case 'fchownat': {
        // The host's file keeps its owner; the kernel still resolves the path and checks it.
        const at = CHOWN_ARGS[name]!;
        call.setArg(at, UNCHANGED);
        call.setArg(at + 1, UNCHANGED);
        return false;
      }
      default:
        this.showOwnersAtReturn(call);
        return false;
    }
  }

  /** The stat family: the user's own files shown as root's. */
  private showOwnersAtReturn(call: SyscallCall): void {
    const bufferArg = call.name === 'statx' ? 4 : call.name === 'newfstatat' ? 2 : 1;
    const buffer = call.ptr(bufferArg);
    const offset = BigInt(call.name === 'statx' ? STATX_IDS : STAT_IDS);
    if (buffer === 0n) return;
    this.host.expectReturn(call, (ret) => {
      if (ret.isError) return;
      const owners = ret.io.read(buffer + offset, 8);
      let changed = false;
      if (owners.readUInt32LE(0) === this.realUid) {
        owners.writeUInt32LE(0, 0);
        changed = true;
      }
      if (owners.readUInt32LE(4) === this.realGid) {
        owners.writeUInt32LE(0, 4);
        changed = true;
      }
      if (changed) ret.io.write(buffer + offset, owners);
    });
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
