// followFork on the tracer thread: one engine per debugged process, all sharing the worker's
// Tracer (only the thread that traces a forked child may trace it, and Yama forbids handing it
// to another process). The first engine is the session's; each child a follower takes over gets
// an engine of its own, whose events carry its id and whose commands are sent through
// `onEngine`. Every stop goes to the engine that holds its thread.
import type { Stop, Tracee, WorkerContext } from '@umview/ptrace-core';
import { Engine, type Origin } from './engine.js';
import type { EngineApi, EngineCommand, EngineEvent } from './protocol.js';
import type { ForkedEvent } from './fork-protocol.js';

export class EngineHost {
  /** The session's own engine (id 0): the commands without an engine id are its. */
  readonly primary: Engine;
  private readonly engines = new Map<number, Engine>();
  private nextId = 1;

  constructor(private readonly context: WorkerContext) {
    this.primary = this.create(0);
  }

  /** A command for the engine of a followed child. */
  onEngine(id: number, name: EngineCommand, args: readonly unknown[]): unknown {
    const engine = this.engines.get(id);
    if (engine === undefined) throw new Error(`no debug engine ${id}: its session is over`);
    const method = engine[name] as (...a: unknown[]) => unknown;
    if (typeof method !== 'function') throw new Error(`unknown engine command ${String(name)}`);
    return method.apply(engine, [...args]);
  }

  /** The session of a followed child is over (its process killed, detached, or gone). */
  releaseEngine(id: number): void {
    if (id !== 0) this.engines.delete(id);
  }

  onStop(stop: Stop): void {
    if (this.engines.size === 1) return this.primary.onStop(stop); // no child followed: every stop is the session's
    for (const engine of this.engines.values()) {
      if (engine.owns(stop.tid)) {
        engine.onStop(stop);
        return;
      }
    }
    this.primary.onStop(stop); // a stray: the primary engine lets it go
  }

  private create(id: number): Engine {
    const emit = id === 0
      ? (event: EngineEvent | ForkedEvent) => this.context.emit(event)
      : (event: EngineEvent | ForkedEvent) => this.context.emit({ ...event, engine: id });
    const engine = new Engine(this.context.tracer, emit);
    engine.childFollower = (child, origin, how) => this.follow(child, origin, how, emit);
    this.engines.set(id, engine);
    return engine;
  }

  /** A child forked by the process of the engine whose events go to `emitParent`: it gets an
   * engine of its own and stays stopped until its session says configurationDone. */
  private follow(child: Tracee, origin: Origin, how: 'fork' | 'vfork', emitParent: (event: ForkedEvent) => void): boolean {
    const id = this.nextId++;
    const engine = this.create(id);
    try {
      engine.adoptForked(child, origin, how === 'fork');
    } catch (error) {
      this.engines.delete(id);
      this.context.log(`umview-dap: cannot follow child ${child.tid}: ${(error as Error).message}`);
      return false;
    }
    const info = engine.describeProcess();
    emitParent({ type: 'forked', child: id, pid: info.pid, ...(info.program === undefined ? {} : { program: info.program }) });
    return true;
  }
}

/** The commands of the host itself, besides those of the primary engine. */
export interface EngineHostApi {
  onEngine<K extends EngineCommand>(id: number, name: K, args: Parameters<EngineApi[K]>): ReturnType<EngineApi[K]>;
  releaseEngine(id: number): void;
}
