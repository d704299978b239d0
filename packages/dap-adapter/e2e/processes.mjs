// What the e2e starts, found and ended through /proc. code-server's children do not all stay in
// its process group (the integrated terminal's shell gets a session of its own from node-pty,
// and the debuggee runs under the adapter), so a process tree is collected by parent links
// before anything is killed.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function pids() {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** The parent of `pid` from /proc/PID/stat (the field after the command's closing parenthesis). */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // gone meanwhile
  }
}

/** `root` and every process below it. */
export function processTree(root) {
  const children = new Map();
  for (const pid of pids()) {
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(pid);
  }
  const tree = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop();
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** The processes running the executable at `path` (by /proc/PID/exe), zombies excluded. */
export function processesRunning(path) {
  return pids().filter((pid) => {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== path) return false;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  });
}

/** SIGKILL to each of `pids` that still exists. */
export function killAll(list) {
  for (const pid of list) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
