// The loaded modules of a real process at its exec stop: the executable (PIE, with its load
// bias), the dynamic loader with its debugger hook, and the vDSO read from memory.
import { afterEach, describe, expect, it } from 'vitest';
import { Tracer } from '@umview/ptrace-core';
import { SoftwareBreakpoints } from '../../src/breakpoints/software-breakpoints.js';
import { LOADER_OWNER, LoaderHook } from '../../src/modules/loader-hook.js';
import { ModuleMap } from '../../src/modules/module-map.js';
import { program } from '../dap/helpers.js';

let tracer: Tracer | undefined;
afterEach(() => {
  tracer?.close();
  tracer = undefined;
});

describe('ModuleMap', () => {
  it('finds the executable, ld.so and the vDSO at the exec stop, and plants the loader hook', () => {
    tracer = new Tracer();
    const tracee = tracer.spawn(program('basics'), [], { stdout: 'ignore', stderr: 'ignore' });
    const modules = new ModuleMap();
    const { added } = modules.refresh(tracee);
    expect(added.length).toBe(modules.all.length);
    const main = modules.mainExecutable!;
    expect(main.path).toMatch(/dap-basics/);
    expect(main.bias).not.toBe(0n); // a PIE
    expect(modules.moduleAt(main.bias + main.symbols.symbolByName('main')!.value)).toBe(main);
    // Not one instruction has run: the pc is the loader's entry point.
    const loader = modules.moduleAt(tracee.getRegisters().rip)!;
    expect(loader.path).toMatch(/ld-linux/);
    const vdso = modules.all.find((module) => module.path === '[vdso]');
    expect(vdso?.symbols.symbolByName('__vdso_clock_gettime')).toBeDefined();
    // A second refresh finds nothing new.
    expect(modules.refresh(tracee)).toEqual({ added: [], removed: [] });

    const breakpoints = new SoftwareBreakpoints(() => tracee);
    expect(new LoaderHook().install(modules, breakpoints)).toBe(true);
    const hook = loader.bias + loader.symbols.elf.symbolByName('_dl_debug_state')!.value;
    expect(breakpoints.ownersAt(hook)).toEqual(new Set([LOADER_OWNER]));
    expect(tracee.read(hook, 1)[0]).toBe(0xcc);
    // Our int3 is invisible to whoever reads code through unpatch (the instruction decoder).
    expect(breakpoints.unpatch(hook, tracee.read(hook, 1))[0]).not.toBe(0xcc);
    breakpoints.delete(hook, LOADER_OWNER);
    expect(tracee.read(hook, 1)[0]).not.toBe(0xcc);
    modules.close();
  });
});
