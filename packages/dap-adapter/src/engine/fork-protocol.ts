// What followFork adds to the messages between the session and the tracer worker.

/** How forked processes are debugged (launch.json's `followFork`, gdb's follow-fork-mode). */
export type FollowForkMode = 'parent' | 'child' | 'both';

/**
 * The debuggee forked a process and a new engine (`child`) holds it stopped, waiting for a
 * session. Sent by the parent's engine (with its `engine` id when it is itself a child's).
 */
export interface ForkedEvent {
  readonly type: 'forked';
  readonly child: number;
  readonly pid: number;
  readonly program?: string;
}

/** Events of a followed child's engine carry its id; the session's own engine's do not. */
export interface EngineTagged {
  readonly engine?: number;
}
