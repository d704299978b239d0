// Member names as a path inside the mount. As GNU tar extracts them: leading '/' are removed
// ("Removing leading `/' from member names"), '.' components and repeated '/' vanish, and a
// member with a '..' component is refused with a warning (GNU tar: "Member name contains '..'"),
// whatever it would resolve to: no member ever reaches outside the mount.

export type MemberPath = { readonly path: string } | { readonly refused: string };

/** The member's path in the mount ('' is the mount's root, 'a/b' below it). */
export function normalizeMemberName(name: string): MemberPath {
  if (name.includes('\0')) return { refused: 'member name contains a NUL byte' };
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return { refused: "member name contains '..'" };
    parts.push(part);
  }
  return { path: parts.join('/') };
}
