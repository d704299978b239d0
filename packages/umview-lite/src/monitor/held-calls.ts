// Held calls: a call whose answer is not ready at its stop (a file-system module's operation
// that returned a promise, a lock that must wait) keeps its thread stopped while the monitor
// goes on serving the other tracees; when the answer comes, the call is finished at its stop
// and the thread resumed.
import type { SyscallCall } from '@umview/sysvm';

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export interface CallHolder {
  /** Holds `call`'s thread stopped until `work` settles, then runs `finish` with its outcome at
   * the held stop. `finish` may use every verb of the call (skip, setNumber/setArg, runToExit,
   * tracee memory, inject) and the monitor's hooks (expectReturn); the call is carried out when
   * it returns. If `work` has not settled after `timeoutMs`, `finish` gets
   * `{ ok: false, error: FsError('EIO') }` and a later answer is dropped. If the thread dies
   * (or execs) first, `abandon` runs instead of `finish`. */
  hold<T>(call: SyscallCall, work: Promise<T>, timeoutMs: number, finish: (outcome: Outcome<T>) => void, abandon?: () => void): void;
}
