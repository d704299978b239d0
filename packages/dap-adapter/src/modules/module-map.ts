// The ELF objects loaded in the debuggee (the executable, the dynamic loader, shared libraries,
// the vDSO), where each was loaded, and the symbol file of each, found from /proc/PID/maps.
//
// Symbol files are opened once per file and cached across refreshes and across processes of a
// session: opening reads only the ELF and section headers; DWARF and CFI are read on demand.
import { spanContaining } from '../util/sorted-spans.js';
import { readFileSync, readlinkSync } from 'node:fs';
import type { Tracee } from '@umview/ptrace-core';
import { ElfFile, SymbolFile, loadBiasForMapping, parseProcMaps, type MemoryMapping } from '../symbols/index.js';

export interface LoadedModule {
  readonly id: number;
  /** The mapped file's path, or `[vdso]`. */
  readonly path: string;
  /** Run-time address minus file address. */
  readonly bias: bigint;
  /** The span of its mappings. */
  readonly start: bigint;
  readonly end: bigint;
  readonly isMainExecutable: boolean;
  readonly symbols: SymbolFile;
}

export interface ModuleChanges {
  readonly added: readonly LoadedModule[];
  readonly removed: readonly LoadedModule[];
}

const VDSO = '[vdso]';

export class ModuleMap {
  /** Sorted by start address. */
  private modules: LoadedModule[] = [];
  /** Open symbol files by file identity; null for files that are not ELF objects. */
  private readonly files = new Map<string, SymbolFile | null>();
  private nextId = 1;

  get all(): readonly LoadedModule[] {
    return this.modules;
  }

  get mainExecutable(): LoadedModule | undefined {
    return this.modules.find((module) => module.isMainExecutable);
  }

  /** The module whose mappings span `address`. */
  moduleAt(address: bigint): LoadedModule | undefined {
    return spanContaining(this.modules, address);
  }

  /** Re-reads /proc/PID/maps; `tracee` reads the vDSO image from memory. */
  refresh(tracee: Tracee): ModuleChanges {
    const pid = tracee.pid;
    let mappings: MemoryMapping[];
    try {
      mappings = parseProcMaps(readFileSync(`/proc/${pid}/maps`, 'utf8'));
    } catch {
      return { added: [], removed: [] }; // the process is gone: its exit is reported elsewhere
    }
    return this.update(mappings, readExecutablePath(pid), (address, size) => tracee.read(address, size));
  }

  /**
   * The modules of these mappings (those of /proc/PID/maps, or a core file's NT_FILE with its
   * vDSO): `executable` is the main executable's path, `read` reads the vDSO image.
   */
  update(mappings: readonly MemoryMapping[], executable: string | undefined, read: (address: bigint, size: number) => Buffer): ModuleChanges {
    const byPath = new Map<string, MemoryMapping[]>();
    for (const mapping of mappings) {
      if (mapping.path === undefined || mapping.deleted) continue;
      if (!mapping.path.startsWith('/') && mapping.path !== VDSO) continue;
      let list = byPath.get(mapping.path);
      if (list === undefined) byPath.set(mapping.path, (list = []));
      list.push(mapping);
    }

    const previous = new Map(this.modules.map((module) => [moduleKey(module.path, module.start), module]));
    const next: LoadedModule[] = [];
    const added: LoadedModule[] = [];
    for (const [path, list] of byPath) {
      const start = list.reduce((min, m) => (m.start < min ? m.start : min), list[0]!.start);
      const end = list.reduce((max, m) => (m.end > max ? m.end : max), 0n);
      const known = previous.get(moduleKey(path, start));
      if (known !== undefined && known.end === end) {
        next.push(known);
        previous.delete(moduleKey(path, start));
        continue;
      }
      const module = this.load(path, list, start, end, path === executable, read);
      if (module === undefined) continue;
      next.push(module);
      added.push(module);
    }
    next.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    this.modules = next;
    return { added, removed: [...previous.values()] };
  }

  /** Forgets the loaded modules (after exec: a new address space), keeping open files. */
  clear(): void {
    this.modules = [];
  }

  close(): void {
    for (const file of this.files.values()) file?.close();
    this.files.clear();
    this.modules = [];
  }

  private load(path: string, mappings: MemoryMapping[], start: bigint, end: bigint, isMain: boolean, read: (address: bigint, size: number) => Buffer): LoadedModule | undefined {
    const symbols = path === VDSO ? vdsoSymbols(read, start, end) : this.openFile(path, mappings[0]!);
    if (symbols === undefined) return undefined;
    const bias = path === VDSO
      ? loadBiasForMapping(symbols.elf.programHeaders, { start, offset: 0n })
      : symbols.elf.loadBiasFromMappings(mappings, path);
    if (bias === undefined) return undefined;
    return { id: this.nextId++, path, bias, start, end, isMainExecutable: isMain, symbols };
  }

  private openFile(path: string, mapping: MemoryMapping): SymbolFile | undefined {
    const key = `${mapping.device}:${mapping.inode}:${path}`;
    if (!this.files.has(key)) {
      let file: SymbolFile | null = null;
      try {
        file = SymbolFile.open(path);
      } catch {
        // Not an ELF object (a locale archive, a font...), or unreadable: nothing to debug in it.
      }
      this.files.set(key, file);
    }
    return this.files.get(key) ?? undefined;
  }
}

function moduleKey(path: string, start: bigint): string {
  return `${path}@${start}`;
}

function readExecutablePath(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** The vDSO exists only in memory: its image (with CFI for its functions) is read from there. */
function vdsoSymbols(read: (address: bigint, size: number) => Buffer, start: bigint, end: bigint): SymbolFile | undefined {
  try {
    return SymbolFile.fromElf(ElfFile.fromBuffer(read(start, Number(end - start)), VDSO), { separateDebugInfo: false });
  } catch {
    return undefined;
  }
}
