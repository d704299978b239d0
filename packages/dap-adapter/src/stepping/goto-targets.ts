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
    const found: GotoTargetInfo[] = [];
    const allowed = allowedAddresses(modules, pc, path, line);
    for (const address of allowed.addresses) {
      const id = this.nextId++;
      const hex = `0x${address.toString(16)}`;
      // The line actually used: a line without code moves to the next one that has some.
      const info: GotoTargetInfo = { id, label: `${basename(path)}:${allowed.line} (${hex})`, line: allowed.line, path, address: hex };
      this.targets.set(id, { info, address });
      found.push(info);
    }
    return found;
  }

  /**
   * The run-time address of a target, for a thread stopped at `pc`: the targets were found from
   * the last stopped thread, and the thread `goto` moves (the one the client focuses) may be
   * another; the target must be allowed from its pc too.
   */
  take(modules: ModuleMap, id: number, pc: bigint): bigint {
    const target = this.targets.get(id);
    if (target === undefined) throw new Error(`goto: no target ${id} (ask gotoTargets again: targets last until the program runs)`);
    const allowed = allowedAddresses(modules, pc, target.info.path, target.info.line);
    if (!allowed.addresses.includes(target.address)) throw new Error(`goto: ${target.info.label} is not in the function of this thread's innermost frame`);
    return target.address;
  }
}

/** The run-time addresses `goto` may move a thread at `pc` to for `path:line`; throws with the reason when there is none. */
function allowedAddresses(modules: ModuleMap, pc: bigint, path: string, line: number): { line: number; addresses: bigint[] } {
  const module = modules.moduleAt(pc);
  const fn = module === undefined ? undefined : safely(() => module.symbols.functionAt(pc - module.bias));
  if (module === undefined || fn === undefined) throw new Error('goto: the current function has no debug information (line tables)');
  const filePc = pc - module.bias;
  const candidates = safely(() => module.symbols.addressesForLine(path, line));
  if (candidates === undefined || candidates.addresses.length === 0) throw new Error(`goto: line ${line} of ${basename(path)} has no code in ${describe(module, fn)}`);
  const here = innermostScope(fn, filePc);
  const found: bigint[] = [];
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
    found.push(address + module.bias);
  }
  if (found.length === 0) throw new Error(`goto: ${refusals[0] ?? `line ${line} has no code in ${describe(module, fn)}`}`);
  return { line: candidates.line, addresses: found };
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
