// Where virtual fds live: at and above a threshold well above the fds programs use, below the
// open-files limit (F_DUPFD fails at or above it). Real fds stay below, free of stops. Fast fds
// (fast-path.ts: real fds on a served file's backing file) live in a band below the threshold,
// [fastBase, threshold), where only the calls that are not data calls stop.
import { readFileSync } from 'node:fs';

export interface FdLayout {
  /** Virtual fds are >= this. */
  threshold: number;
  /** The per-process template placeholder is the lowest free fd >= this. */
  templateBase: number;
  /** Fast fds are the lowest free fd >= this (below the threshold). */
  fastBase: number;
}

export function fdLayout(): FdLayout {
  let soft = 1024;
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m && m[1] !== 'unlimited') soft = Number(m[1]);
  } catch {
    /* keep the usual default */
  }
  const threshold = Math.max(16, Math.min(512, Math.floor(soft / 2)));
  return { threshold, templateBase: Math.max(8, threshold - 64), fastBase: Math.max(8, Math.floor(threshold / 2)) };
}
