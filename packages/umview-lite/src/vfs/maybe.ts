// Operations may answer at once or with a promise (file-system.ts). The dispatcher chains its
// steps (a walk's getattr per component, then the operation) through `next`, which stays
// synchronous while every answer is: a module that never returns a promise costs no promise,
// no microtask, no held call.
import type { MaybePromise } from './file-system.js';

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Runs `work`, then `ok` with its answer or `fail` with what it threw (or rejected with);
 * synchronous when `work` answers at once. */
export function next<T, U>(work: () => MaybePromise<T>, ok: (value: T) => MaybePromise<U>, fail?: (error: unknown) => MaybePromise<U>): MaybePromise<U> {
  let value: MaybePromise<T>;
  try {
    value = work();
  } catch (error) {
    if (fail) return fail(error);
    throw error;
  }
  if (isPromise(value)) return value.then(ok, fail);
  return ok(value);
}
