// The dynamic loader's hook for debuggers: ld.so calls `_dl_debug_state` (the function whose
// address it also stores in `_r_debug.r_brk`) before and after it changes the list of loaded
// objects, with `_r_debug.r_state` saying which. A breakpoint there tells us when shared
// libraries come and go, at startup and at every dlopen/dlclose, as gdb and lldb do.
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import type { Tracee } from '@umview/ptrace-core';
import type { SoftwareBreakpoints } from '../breakpoints/software-breakpoints.js';
import type { LoadedModule, ModuleMap } from './module-map.js';

export const LOADER_OWNER = 'loader';

/** Offset of r_state in struct r_debug (int r_version; link_map *r_map; ElfW(Addr) r_brk; ...). */
const R_STATE_OFFSET = 24n;
const RT_CONSISTENT = 0;

export class LoaderHook {
  private address: bigint | undefined;
  private rDebug: bigint | undefined;

  /** Plants the breakpoint in the loaded ld.so; false for a static executable (no loader). */
  install(modules: ModuleMap, breakpoints: SoftwareBreakpoints): boolean {
    this.address = undefined;
    this.rDebug = undefined;
    const loader = findLoader(modules);
    // The loader's own .dynsym has both symbols: no need to read its (big) separate debug file.
    const hook = loader?.symbols.elf.symbolByName('_dl_debug_state');
    if (loader === undefined || hook === undefined) return false;
    const rDebug = loader.symbols.elf.symbolByName('_r_debug');
    this.address = hook.value + loader.bias;
    this.rDebug = rDebug === undefined ? undefined : rDebug.value + loader.bias;
    breakpoints.add(this.address, LOADER_OWNER);
    return true;
  }

  /** Whether the loader's list is consistent (the change it announced is complete): only then
   * is it worth reading the mappings again. */
  isConsistent(tracee: Tracee): boolean {
    if (this.rDebug === undefined) return true;
    try {
      return tracee.read(this.rDebug + R_STATE_OFFSET, 4).readInt32LE(0) === RT_CONSISTENT;
    } catch {
      return true;
    }
  }
}

function findLoader(modules: ModuleMap): LoadedModule | undefined {
  const interpreter = modules.mainExecutable?.symbols.elf.interpreter();
  if (interpreter !== undefined) {
    let path = interpreter;
    try {
      path = realpathSync(interpreter);
    } catch {
      // keep the name as written
    }
    const byPath = modules.all.find((module) => module.path === path || module.path === interpreter);
    if (byPath !== undefined) return byPath;
  }
  return modules.all.find((module) => /^ld(-linux)?[-.\w]*\.so/.test(basename(module.path)));
}
