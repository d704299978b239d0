// The session's handle on the engine: starts the tracer worker with the engine in it and gives
// typed access to its commands and events.
import { AsyncTracer } from '@umview/ptrace-core';
import type { EngineApi, EngineCommand, EngineEvent } from './protocol.js';
import type { EngineTagged, ForkedEvent } from './fork-protocol.js';

export interface EngineClientOptions {
  /** The worker script (default: dist/engine-worker.js next to this module). */
  readonly workerPath?: string | URL;
}

export class EngineClient {
  private closed = false;

  /** `engine`: 0 for the session's own engine, else a followed child's (fork-follower.ts). */
  private constructor(private readonly tracer: AsyncTracer, readonly engine = 0) {}

  /** A client of the engine of a child this one's process forked, in the same worker. */
  forEngine(engine: number): EngineClient {
    return new EngineClient(this.tracer, engine);
  }

  static async start(options: EngineClientOptions = {}): Promise<EngineClient> {
    return new EngineClient(await AsyncTracer.start({ workerPath: options.workerPath ?? defaultWorkerUrl() }));
  }

  call<K extends EngineCommand>(name: K, ...args: Parameters<EngineApi[K]>): Promise<ReturnType<EngineApi[K]>> {
    const sent = this.engine === 0 ? this.tracer.command(name, ...args) : this.tracer.command('onEngine', this.engine, name, args);
    return sent as Promise<ReturnType<EngineApi[K]>>;
  }

  /** This engine's events (those of the other engines in the worker go to their own clients). */
  onEvent(listener: (event: EngineEvent | ForkedEvent) => void): void {
    this.tracer.onEvent((event) => {
      if (this.closed || ((event as EngineTagged).engine ?? 0) !== this.engine) return;
      listener(event as EngineEvent | ForkedEvent);
    });
  }

  /** Ends the worker; whatever it still traces is killed (launched) or detached (attached).
   * A followed child's client only lets its engine go: the worker is its parent session's. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.engine !== 0) await this.tracer.command('releaseEngine', this.engine);
      else await this.tracer.close();
    } catch {
      // the worker is already gone
    }
  }
}

function defaultWorkerUrl(): URL {
  // Built as dist/{index,cli}.{js,cjs} next to dist/engine-worker.{js,cjs}.
  const here = import.meta.url;
  return new URL(here.endsWith('.cjs') ? './engine-worker.cjs' : './engine-worker.js', here);
}
