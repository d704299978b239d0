// A thread's call stack: unwound with the CFI of whichever module holds each pc (.eh_frame or
// .debug_frame, so -O2 code and libc without frame pointers unwind), the frame-pointer chain
// where there is none.
import type { ThreadAccess } from '../inspect/thread-access.js';
import type { ModuleMap } from '../modules/module-map.js';
import { unwindStack, unwindStep, type UnwindFrame, type UnwindModule, type UnwindResult } from '../symbols/index.js';
import { dwarfRegisters } from './register-set.js';

export const MAX_FRAMES = 512;

export function unwindThread(tracee: ThreadAccess, modules: ModuleMap, maxFrames = MAX_FRAMES): UnwindResult {
  return unwindStack(dwarfRegisters(tracee.getRegisters()), memoryReader(tracee), moduleLookup(modules), { maxFrames });
}

/** The innermost frame with its CFA filled in, and its caller, if they can be found. */
export function callerOf(tracee: ThreadAccess, modules: ModuleMap): { frame: UnwindFrame; caller: UnwindFrame } | undefined {
  const registers = dwarfRegisters(tracee.getRegisters());
  const frame: UnwindFrame = { pc: registers.get(16)!, registers, lookupPc: registers.get(16)! };
  const step = unwindStep(frame, memoryReader(tracee), moduleLookup(modules));
  return 'caller' in step ? { frame, caller: step.caller } : undefined;
}

const PAGE = 4096n;

/**
 * Reads through a cache of whole pages: the frames of a stack sit in a few pages, so unwinding
 * twenty frames costs a couple of process_vm_readv calls instead of one per saved register.
 */
function memoryReader(tracee: ThreadAccess): (address: bigint, size: number) => Buffer {
  const pages = new Map<bigint, Buffer>();
  const page = (start: bigint): Buffer => {
    let bytes = pages.get(start);
    if (bytes === undefined) {
      const buffer = Buffer.alloc(Number(PAGE));
      const length = tracee.memory.readAvailable(start, buffer);
      bytes = buffer.subarray(0, length);
      pages.set(start, bytes);
    }
    return bytes;
  };
  return (address, size) => {
    const start = address - (address % PAGE);
    const offset = Number(address - start);
    if (offset + size <= Number(PAGE)) {
      const bytes = page(start);
      if (offset + size <= bytes.length) return bytes.subarray(offset, offset + size);
    }
    return tracee.read(address, size);
  };
}

function moduleLookup(modules: ModuleMap): (pc: bigint) => UnwindModule | undefined {
  return (pc) => {
    const module = modules.moduleAt(pc);
    return module === undefined ? undefined : module.symbols.unwindModule(module.bias);
  };
}
