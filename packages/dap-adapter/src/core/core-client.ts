// openCore from the session: EngineClient's typed `call` knows EngineApi's commands, and this
// one is the core engine's (core-commands.ts), sent through the same worker.
import type { EngineClient } from '../engine/engine-client.js';
import type { CoreApi, CoreOpened, CorePlan } from './core-protocol.js';

export function openCore(engine: EngineClient, plan: CorePlan): Promise<CoreOpened> {
  const call = engine.call as unknown as (name: keyof CoreApi, plan: CorePlan) => Promise<CoreOpened>;
  return call.call(engine, 'openCore', plan);
}
