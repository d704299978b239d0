// The directory tree of an archive, built once from its index as GNU tar would extract it:
// names normalized (member-name.ts), parent directories implied by members that have no entry
// of their own, a later member replacing an earlier one of the same name (a directory only
// updating its attributes), hard links sharing one node (one inode, nlink counted), and what
// cannot be placed left out with a warning.
import type { ArchiveMember, MemberContent, MemberType } from './archive-index.js';
import { normalizeMemberName } from './member-name.js';

const FORMAT: Readonly<Record<Exclude<MemberType, 'hardlink'>, number>> = {
  file: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  'character-device': 0o020000,
  'block-device': 0o060000,
  fifo: 0o010000,
};

export interface ArchiveNode {
  readonly ino: number;
  /** st_mode: type and permission bits. */
  mode: number;
  size: number;
  uid?: number;
  gid?: number;
  mtimeNs?: bigint;
  atimeNs?: bigint;
  ctimeNs?: bigint;
  rdev?: number;
  nlink: number;
  target?: string;
  content?: MemberContent;
  /** Directories: their entries by name. */
  children?: Map<string, ArchiveNode>;
}

export interface ArchiveTree {
  readonly root: ArchiveNode;
  readonly nodes: number;
  readonly bytes: number;
  readonly warnings: readonly string[];
}

export function isDirectory(node: ArchiveNode): boolean {
  return node.children !== undefined;
}

export function buildTree(members: readonly ArchiveMember[], label: string): ArchiveTree {
  let nextIno = 1;
  const warnings: string[] = [];
  const directory = (): ArchiveNode => ({ ino: nextIno++, mode: FORMAT.directory | 0o755, size: 0, nlink: 2, children: new Map() });
  const root = directory();

  /** The directory that holds `parts`' last component, made on the way; undefined when a
   * component on the way is not a directory. */
  function parentOf(parts: readonly string[]): ArchiveNode | undefined {
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let child = node.children!.get(part);
      if (!child) node.children!.set(part, (child = directory()));
      if (!isDirectory(child)) return undefined;
      node = child;
    }
    return node;
  }

  function find(path: string): ArchiveNode | undefined {
    let node: ArchiveNode | undefined = root;
    for (const part of path === '' ? [] : path.split('/')) node = node?.children?.get(part);
    return node;
  }

  for (const member of members) {
    const normalized = normalizeMemberName(member.name);
    if ('refused' in normalized) {
      warnings.push(`${label}: ${member.name}: ${normalized.refused}: left out`);
      continue;
    }
    const { path } = normalized;
    if (path === '') {
      // './' itself: its attributes are the mount root's.
      if (member.type === 'directory') Object.assign(root, attributesOf(member, root.mode & ~0o7777));
      continue;
    }
    const parts = path.split('/');
    const name = parts[parts.length - 1]!;
    const parent = parentOf(parts);
    if (!parent) {
      warnings.push(`${label}: ${member.name}: a parent is not a directory: left out`);
      continue;
    }
    const existing = parent.children!.get(name);
    let node: ArchiveNode;
    if (member.type === 'hardlink') {
      const target = normalizeMemberName(member.linkTarget ?? '');
      const linked = 'path' in target ? find(target.path) : undefined;
      if (!linked || isDirectory(linked)) {
        warnings.push(`${label}: ${member.name}: hard link to ${member.linkTarget}, which is ${linked ? 'a directory' : 'not in the archive before it'}: left out`);
        continue;
      }
      if (linked === existing) continue;
      linked.nlink++;
      node = linked;
    } else if (member.type === 'directory' && existing && isDirectory(existing)) {
      Object.assign(existing, attributesOf(member, FORMAT.directory));
      continue;
    } else {
      node = { ino: nextIno++, nlink: 1, ...attributesOf(member, FORMAT[member.type]) };
      if (member.type === 'directory') {
        node.children = new Map();
        node.nlink = 2;
      }
      if (member.type === 'symlink') {
        node.target = member.linkTarget ?? '';
        node.size = Buffer.byteLength(node.target);
      }
      node.content = member.content;
      node.rdev = member.rdev;
    }
    if (existing) existing.nlink--;
    parent.children!.set(name, node);
  }

  // A directory's link count: 2, plus one for each subdirectory's '..'; also the totals.
  let nodes = 0;
  let bytes = 0;
  const seen = new Set<number>();
  const visit = (node: ArchiveNode): void => {
    if (!seen.has(node.ino)) {
      seen.add(node.ino);
      nodes++;
      bytes += node.size;
    }
    if (!node.children) return;
    node.nlink = 2;
    for (const child of node.children.values()) {
      if (isDirectory(child)) node.nlink++;
      visit(child);
    }
  };
  visit(root);
  return { root, nodes, bytes, warnings };
}

function attributesOf(member: ArchiveMember, format: number): Pick<ArchiveNode, 'mode' | 'size' | 'uid' | 'gid' | 'mtimeNs' | 'atimeNs' | 'ctimeNs'> {
  return {
    mode: format | (member.mode & 0o7777),
    size: member.size,
    uid: member.uid,
    gid: member.gid,
    mtimeNs: member.mtimeNs,
    atimeNs: member.atimeNs,
    ctimeNs: member.ctimeNs,
  };
}
