// The worker's side of a post-mortem session: `openCore` opens the core and hands the engine
// commands (EngineApi's) to the core file's engine from then on. Nothing is traced, so no stop
// ever reaches the live engine, which stays as it was.
import type { WorkerContext } from '@umview/ptrace-core';
import type { EngineEvent } from '../engine/protocol.js';
import { CoreEngine } from './core-engine.js';
import type { CoreOpened, CorePlan } from './core-protocol.js';

type Command = (context: WorkerContext, ...args: never[]) => unknown;

/** The `openCore` command of the engine extension, which rebinds `commands` when it runs. */
export function openCoreCommand(commands: Record<string, Command>): Command {
  return ((context: WorkerContext, plan: CorePlan): CoreOpened => {
    const { engine, opened } = CoreEngine.open(plan, (event: EngineEvent) => context.emit(event));
    for (const name of Object.keys(commands)) {
      const method = (engine as unknown as Record<string, unknown>)[name];
      if (name === 'openCore' || typeof method !== 'function') continue;
      commands[name] = (_context: WorkerContext, ...args: never[]) => (method as (...a: unknown[]) => unknown).apply(engine, args);
    }
    return opened;
  }) as Command;
}
