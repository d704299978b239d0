// The engine as a ptrace-core TracerExtension: commands are EngineApi's methods, events go
// through emit(), and the engine sees (and handles) every stop.
import { openCoreCommand } from '../core/core-commands.js';
import type { TracerExtension, WorkerContext } from '@umview/ptrace-core';
import { EngineHost } from './fork-follower.js';
import type { EngineCommand } from './protocol.js';

const COMMANDS: readonly EngineCommand[] = [
  'launch', 'attach', 'seizeLauncher', 'execLauncher', 'releaseLauncher', 'setSourceBreakpoints', 'setFunctionBreakpoints', 'setInstructionBreakpoints', 'dataBreakpointInfo', 'setDataBreakpoints', 'setSyscallCatchpoint', 'start',
  'continue', 'next', 'stepIn', 'stepOut', 'stepInstruction', 'pause', 'threads', 'stackTrace', 'exceptionInfo', 'scopes', 'prefetch', 'variables',
  'setVariable', 'evaluate', 'setExpression', 'readMemory', 'writeMemory', 'disassemble', 'terminate', 'disconnect',
  'loadedModules', 'completions', 'gotoTargets', 'goto', 'followChildren',
];

export function createEngineExtension(): TracerExtension {
  // One engine per debugged process (followFork): the commands above are the session's own
  // engine's; onEngine carries those of a followed child's (fork-follower.ts).
  let host: EngineHost | undefined;
  const commands: Record<string, (context: WorkerContext, ...args: never[]) => unknown> = {};
  commands.openCore = openCoreCommand(commands); // a post-mortem session: a core file's engine takes the commands
  for (const name of COMMANDS) {
    commands[name] = (_context: WorkerContext, ...args: never[]) => {
      const engine = host!.primary;
      const method = engine[name] as (...a: unknown[]) => unknown;
      return method.apply(engine, args);
    };
  }
  commands.onEngine = (_context: WorkerContext, id: never, name: never, args: never) => host!.onEngine(id, name, args);
  commands.releaseEngine = (_context: WorkerContext, id: never) => host!.releaseEngine(id);
  return {
    init(context) {
      host = new EngineHost(context);
    },
    commands,
    onStop(stop) {
      host!.onStop(stop);
      return true; // every stop is the engine's: none is posted to the main thread
    },
  };
}
