// The session's handle on the engine: starts the tracer worker with the engine in it and gives
// typed access to its commands and events.
import { AsyncTracer } from '@umview/ptrace-core';
import type { EngineApi, EngineCommand, EngineEvent } from './protocol.js';

export interface EngineClientOptions {
  /** The worker script (default: dist/engine-worker.js next to this module). */
  readonly workerPath?: string | URL;
}

export class EngineClient {
  private closed = false;

  private constructor(private readonly tracer: AsyncTracer) {}

  static async start(options: EngineClientOptions = {}): Promise<EngineClient> {
    return new EngineClient(await AsyncTracer.start({ workerPath: options.workerPath ?? defaultWorkerUrl() }));
  }

  call<K extends EngineCommand>(name: K, ...args: Parameters<EngineApi[K]>): Promise<ReturnType<EngineApi[K]>> {
    return this.tracer.command(name, ...args) as Promise<ReturnType<EngineApi[K]>>;
  }

  onEvent(listener: (event: EngineEvent) => void): void {
    this.tracer.onEvent((event) => listener(event as EngineEvent));
  }

  /** Ends the worker; whatever it still traces is killed (launched) or detached (attached). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.tracer.close();
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
