// Hit conditions of DAP breakpoints ("hitCondition"): when, counting every time execution
// reaches the breakpoint, the debuggee should stop.
//
// Accepted forms, as VS Code's own debuggers accept them:
//   "N" or ">=N"  stop on the N-th hit and every hit after it (lldb's and gdb's ignore count)
//   "==N" / "=N"  stop on the N-th hit only
//   ">N", "<N", "<=N"
//   "%N"          stop on every N-th hit (N, 2N, 3N...)

export type HitCondition = (hitCount: number) => boolean;

const FORM = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/;

/** Parses a hit condition; throws an Error with a user-facing message when it is malformed. */
export function parseHitCondition(text: string): HitCondition {
  const match = FORM.exec(text);
  if (match === null) {
    throw new Error(`invalid hit condition "${text}": expected a number, optionally after >=, ==, >, <, <= or %`);
  }
  const n = Number(match[2]);
  switch (match[1]) {
    case undefined:
    case '>=': return (count) => count >= n;
    case '==':
    case '=': return (count) => count === n;
    case '>': return (count) => count > n;
    case '<': return (count) => count < n;
    case '<=': return (count) => count <= n;
    case '%':
      if (n === 0) throw new Error(`invalid hit condition "${text}": modulo by zero`);
      return (count) => count % n === 0;
    default:
      throw new Error(`invalid hit condition "${text}"`);
  }
}
