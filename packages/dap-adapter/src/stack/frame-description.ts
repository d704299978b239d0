// What a stack frame shows: its function's name, and the file and line of its pc, from the
// DWARF of the module that holds it (the symbol table when there is no DWARF).
import { basename } from 'node:path';
import type { StackFrameInfo } from '../engine/protocol.js';
import type { LoadedModule, ModuleMap } from '../modules/module-map.js';
import type { UnwindFrame } from '../symbols/index.js';
import { demangle } from '../symbols/elf/demangle.js';
import { hex } from '../util/hex.js';

export function describeFrame(frame: UnwindFrame, modules: ModuleMap): StackFrameInfo {
  const module = modules.moduleAt(frame.lookupPc);
  if (module === undefined) return { name: hex(frame.pc), pc: hex(frame.pc) };
  const address = frame.lookupPc - module.bias;
  const position = safely(() => module.symbols.lineForAddress(address));
  return {
    name: functionName(module, address) ?? hex(frame.pc),
    pc: hex(frame.pc),
    module: basename(module.path),
    ...(position === undefined ? {} : { path: position.file, line: position.line, column: position.column === 0 ? undefined : position.column }),
  };
}

/** The DWARF function containing a file address (qualified in C++, `geo::Rect::area`), else the nearest ELF symbol below it (demangled). */
export function functionName(module: LoadedModule, address: bigint): string | undefined {
  return safely(() => module.symbols.functionAt(address)?.qualifiedName) ?? safely(() => {
    const name = module.symbols.nearestSymbol(address)?.name;
    return name === undefined ? undefined : demangle(name);
  });
}

/** Debug information can be corrupt: a frame then shows less, and the stack trace still works. */
function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
