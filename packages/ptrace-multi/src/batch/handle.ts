// The typed result of one queued op.
import { NotRunError } from '../errors.js';

export interface Handle<T> {
  /** The op's result; throws the op's error (MemoryAccessError, TraceeGoneError...) if it
   * failed, NotRunError if it did not run. */
  readonly value: T;
  readonly ok: boolean;
  readonly error?: Error;
}

/** @internal The handle a Batch hands out and settles after run(). */
export class OpHandle<T> implements Handle<T> {
  private state: 'pending' | 'ok' | 'failed' | 'skipped' = 'pending';
  /** For 'skipped': the op whose failure ended the batch. */
  private failedIndex = -1;
  private result: T | undefined;
  private failure: Error | undefined;

  /** `method` and `index` only name the op in messages (formatted when needed: a batch may
   * queue thousands of ops). */
  constructor(private readonly method: string, private readonly index: number) {}

  get ok(): boolean {
    return this.state === 'ok';
  }

  get error(): Error | undefined {
    switch (this.state) {
      case 'ok': return undefined;
      case 'failed': return this.failure;
      // Made when asked for: a failure early in a big batch would otherwise build thousands.
      case 'skipped': return (this.failure ??= new NotRunError(`${this.method} (op ${this.index}) did not run: op ${this.failedIndex} failed first`));
      case 'pending': return new NotRunError(`${this.method} (op ${this.index}) has not run: call run() first`);
    }
  }

  get value(): T {
    if (this.state === 'ok') return this.result as T;
    throw this.error;
  }

  resolve(value: T): void {
    this.state = 'ok';
    this.result = value;
  }

  reject(error: Error): void {
    this.state = 'failed';
    this.failure = error;
  }

  /** The op did not run because op `failedIndex` failed first. */
  skip(failedIndex: number): void {
    this.state = 'skipped';
    this.failedIndex = failedIndex;
  }
}
