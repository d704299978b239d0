// The command that turns the tracer worker's engine into a core file's (see core-engine.ts),
// beside EngineApi's: plain data, as everything that crosses the thread boundary.
import type { ProcessInfo } from '../engine/protocol.js';

/** A core file to open, already validated (launch-config.ts): absolute paths. */
export interface CorePlan {
  readonly coreFile: string;
  /** The executable the user names (`program`); where the core's executable is read from. */
  readonly program: string | undefined;
}

export interface CoreOpened extends ProcessInfo {
  /** What the view lacks (a truncated core, mapped files missing here): one sentence each. */
  readonly problems: readonly string[];
}

export interface CoreApi {
  openCore(plan: CorePlan): CoreOpened;
}
