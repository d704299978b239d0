// The engine as a ptrace-core TracerExtension: commands are EngineApi's methods, events go
// through emit(), and the engine sees (and handles) every stop.
import { openCoreCommand } from '../core/core-commands.js';
import type { TracerExtension, WorkerContext } from '@umview/ptrace-core';
import { Engine } from './engine.js';
import type { EngineCommand, EngineEvent } from './protocol.js';

const COMMANDS: readonly EngineCommand[] = [
  'launch', 'attach', 'seizeLauncher', 'execLauncher', 'releaseLauncher', 'setSourceBreakpoints', 'setFunctionBreakpoints', 'setInstructionBreakpoints', 'setSyscallCatchpoint', 'start',
  'continue', 'next', 'stepIn', 'stepOut', 'stepInstruction', 'pause', 'threads', 'stackTrace', 'exceptionInfo', 'scopes', 'prefetch', 'variables',
  'setVariable', 'evaluate', 'setExpression', 'readMemory', 'writeMemory', 'disassemble', 'terminate', 'disconnect',
  'loadedModules', 'completions', 'gotoTargets', 'goto',
];

export function createEngineExtension(): TracerExtension {
  let engine: Engine | undefined;
  const commands: Record<string, (context: WorkerContext, ...args: never[]) => unknown> = {};
  commands.openCore = openCoreCommand(commands); // a post-mortem session: a core file's engine takes the commands
  for (const name of COMMANDS) {
    commands[name] = (_context: WorkerContext, ...args: never[]) => {
      const method = engine![name] as (...a: unknown[]) => unknown;
      return method.apply(engine, args);
    };
  }
  return {
    init(context) {
      engine = new Engine(context.tracer, (event: EngineEvent) => context.emit(event));
    },
    commands,
    onStop(stop) {
      engine!.onStop(stop);
      return true; // every stop is the engine's: none is posted to the main thread
    },
  };
}
