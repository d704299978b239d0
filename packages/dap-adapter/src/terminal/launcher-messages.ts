// What the terminal launcher (launcher.ts, run in the client's terminal) and the adapter
// (terminal-launch.ts) say to each other over the launcher's socket: one JSON object a line.
//
//   launcher -> adapter  hello { pid }            it runs, and this is its pid
//   adapter  -> launcher plan { ... }             what to run, and who may trace it
//   launcher -> adapter  ready                    PR_SET_PTRACER done, files opened: seize me
//   adapter  -> launcher go                       seized: exec the program now
//   adapter  -> launcher abort { message }        the launch failed: say why and exit
//   launcher -> adapter  error { message }        something failed in the launcher (then it exits)
import type { StdioRedirect } from '../engine/protocol.js';

export interface LauncherPlan {
  readonly type: 'plan';
  /** The adapter's pid: the launcher allows it to trace (Yama's PR_SET_PTRACER). */
  readonly tracerPid: number;
  /** Searched in PATH when it has no slash (execvpe). */
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Variables set (a string) or removed (null) in the terminal's environment. */
  readonly env: Readonly<Record<string, string | null>>;
  /** Variables the adapter set only to start the launcher (ELECTRON_RUN_AS_NODE): removed first. */
  readonly launcherOnlyEnv: readonly string[];
  readonly stdio: readonly (StdioRedirect | null)[];
}

export type AdapterMessage = LauncherPlan | { readonly type: 'go' } | { readonly type: 'abort'; readonly message: string };

export type LauncherMessage =
  | { readonly type: 'hello'; readonly pid: number }
  | { readonly type: 'ready' }
  | { readonly type: 'error'; readonly message: string };

/** Calls `onLine` with each newline-terminated line the socket delivers (the messages' framing). */
export function onLines(socket: { on(event: 'data', listener: (chunk: string) => void): unknown }, onLine: (line: string) => void): void {
  let pending = '';
  socket.on('data', (chunk: string) => {
    pending += chunk;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      onLine(line);
    }
  });
}
