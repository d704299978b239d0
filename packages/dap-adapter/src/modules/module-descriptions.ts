// The loaded objects as DAP's Modules view shows them: name, path, load address and whether
// debug information was found (in the object itself or in a separate debug file found by
// build-id or .gnu_debuglink), and the `module` events that keep the view current.
import { basename } from 'node:path';
import type { ModuleChange, ModuleDescription } from '../engine/protocol.js';
import type { LoadedModule } from './module-map.js';

export const SYMBOLS_LOADED = 'Symbols loaded';
export const SYMBOLS_NOT_FOUND = 'Symbols not found';

/** Descriptions are kept per loaded object: looking for a separate debug file is a file search. */
const described = new WeakMap<LoadedModule, ModuleDescription>();

export function describeModule(module: LoadedModule): ModuleDescription {
  let description = described.get(module);
  if (description === undefined) {
    description = {
      id: module.id,
      name: basename(module.path),
      path: module.path,
      // lldb-dap gives the load address of the object's header: the start of its first mapping.
      addressRange: `0x${module.start.toString(16)}`,
      ...symbolStatus(module),
    };
    described.set(module, description);
  }
  return description;
}

function symbolStatus(module: LoadedModule): Pick<ModuleDescription, 'symbolStatus' | 'symbolFilePath'> {
  let debugElf;
  try {
    debugElf = module.symbols.debugElf;
  } catch {
    debugElf = undefined; // an unreadable debug file is as good as none
  }
  if (debugElf === undefined) return { symbolStatus: SYMBOLS_NOT_FOUND };
  if (debugElf === module.symbols.elf) return { symbolStatus: SYMBOLS_LOADED, symbolFilePath: module.path };
  return { symbolStatus: `${SYMBOLS_LOADED} from ${debugElf.path}`, symbolFilePath: debugElf.path };
}

/** One batch of `module` events for what a refresh of the module map found. */
/** DAP's `modules` paging: `count` objects (0: all) from `start`, and how many there are. */
export function modulePage(all: readonly LoadedModule[], start: number, count: number): { modules: ModuleDescription[]; totalModules: number } {
  return { modules: all.slice(start, count > 0 ? start + count : all.length).map(describeModule), totalModules: all.length };
}

export function moduleChanges(added: readonly LoadedModule[], removed: readonly LoadedModule[]): ModuleChange[] {
  return [
    ...removed.map((module) => ({ reason: 'removed' as const, module: describeModule(module) })),
    ...added.map((module) => ({ reason: 'new' as const, module: describeModule(module) })),
  ];
}
