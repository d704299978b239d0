// DAP's gotoTargets/goto (VS Code's "Jump to Cursor"), as gdb's `jump` but stricter: the pc of
// the innermost frame moves to the code of a line of the same function, never elsewhere. gdb
// asks before leaving the function, because the frame (its stack layout, its saved registers)
// belongs to this function and another one's code would run on it; here that is refused. A line
// of an inlined call other than the one the pc is in is refused too: its code expects the
// values the call's setup put in registers and on the stack.
import { basename } from 'node:path';
import type { GotoTargetInfo } from '../engine/protocol.js';
import type { LoadedModule, ModuleMap } from '../modules/module-map.js';
import type { FunctionInfo } from '../symbols/index.js';

interface Target {
  readonly info: GotoTargetInfo;
  readonly address: bigint;
  /** The pc the target was computed from: the thread must still be there. */
  readonly from: bigint;
}

export class GotoTargets {
  private readonly targets = new Map<number, Target>();
  private nextId = 1;

  /** The debuggee ran: targets name addresses of the last stop's function only. */
  reset(): void {
    this.targets.clear();
  }

  /** The targets for `path:line` from a thread stopped at `pc` (run-time); throws with the reason when there is none. */
  find(modules: ModuleMap, pc: bigint, path: string, line: number): GotoTargetInfo[] {
    const module = modules.moduleAt(pc);
    const fn = module === undefined ? undefined : safely(() => module.symbols.functionAt(pc - module.bias));
    if (module === undefined || fn === undefined) throw new Error('goto: the current function has no debug information (line tables)');
    const filePc = pc - module.bias;
    const candidates = safely(() => module.symbols.addressesForLine(path, line));
    if (candidates === undefined || candidates.addresses.length === 0) throw new Error(`goto: line ${line} of ${basename(path)} has no code in ${describe(module, fn)}`);
    const here = innermostScope(fn, filePc);
    const found: GotoTargetInfo[] = [];
    const refusals: string[] = [];
    for (const address of candidates.addresses) {
      const owner = safely(() => module.symbols.functionAt(address));
      if (owner === undefined || owner.die !== fn.die) {
        refusals.push(`line ${candidates.line} is in ${owner === undefined ? 'code without debug information' : describe(module, owner)}, not in ${describe(module, fn)}: goto stays within the function of the innermost frame`);
        continue;
      }
      const there = innermostScope(fn, address);
      if (there !== undefined && there.die !== here?.die) {
        refusals.push(`line ${candidates.line} is in an inlined call of ${there.name ?? 'a function'}: goto does not jump into an inlined call`);
        continue;
      }
      const id = this.nextId++;
      const info: GotoTargetInfo = {
        id, label: `${basename(path)}:${candidates.line} (0x${(address + module.bias).toString(16)})`, line: candidates.line, path, address: `0x${(address + module.bias).toString(16)}`,
      };
      this.targets.set(id, { info, address: address + module.bias, from: pc });
      found.push(info);
    }
    if (found.length === 0) throw new Error(`goto: ${refusals[0] ?? `line ${line} has no code in ${describe(module, fn)}`}`);
    return found;
  }

  /** The run-time address of a target, checked against the thread's pc. */
  take(id: number, pc: bigint): bigint {
    const target = this.targets.get(id);
    if (target === undefined) throw new Error(`goto: no target ${id} (ask gotoTargets again: targets last until the program runs)`);
    if (target.from !== pc) throw new Error('goto: the target was found for another thread or frame; goto moves the innermost frame of the thread it was found for');
    return target.address;
  }
}

/** The innermost inlined call holding a file address, or undefined in the function's own code. */
function innermostScope(fn: FunctionInfo, address: bigint): { readonly die: unknown; readonly name: string | undefined } | undefined {
  const chain = safely(() => fn.inlineChainAt(address)) ?? [];
  const innermost = chain[chain.length - 1];
  return innermost === undefined ? undefined : { die: innermost.die, name: innermost.name };
}

function describe(module: LoadedModule, fn: FunctionInfo): string {
  return `function ${fn.qualifiedName ?? fn.name ?? `at 0x${(fn.lowPc + module.bias).toString(16)}`}`;
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
