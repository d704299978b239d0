// One frame of a stopped thread, as the variables, the evaluator and the register view see it:
// its registers (all of them in the innermost frame, the recovered ones above), its CFA and
// frame base, the DWARF scopes at its pc, and memory (with our int3s taken out).
import type { SoftwareBreakpoints } from '../breakpoints/software-breakpoints.js';
import type { LoadedModule, ModuleMap } from '../modules/module-map.js';
import { dwarfRegisters } from '../stack/register-set.js';
import type { ThreadAccess } from './thread-access.js';
import {
  DW_AT, DW_TAG, DwarfExpressionError, evaluateValue, pltName, unwindStep, x86_64RegisterName, type Die, type ExpressionContext, type FunctionInfo,
  type DwarfType, type Location, type StaticMember, type UnwindFrame, type VariableInfo, type VariableScopes,
} from '../symbols/index.js';
import { demangle } from '../symbols/elf/demangle.js';
import { searchFrom, staticMemberDefinition, typeNamed, type NameSearch } from './program-names.js';
import { OPTIMIZED_OUT, ValueError, type Place, type Value, type ValueHost } from '../values/value.js';

/** DW_AT_GNU_call_site_value (DWARF 4 GNU extension of call_value). */
const GNU_CALL_SITE_VALUE = 0x2111;
/** FXSAVE layout: x87 registers (16 bytes apart) and xmm registers. */
const FX_ST0 = 32;
const FX_XMM0 = 160;
const FX_MXCSR = 24;

export interface FrameEnvironment {
  readonly modules: ModuleMap;
  readonly breakpoints: SoftwareBreakpoints;
  /** The register values changed (frame 0): cached stacks of the thread are stale. */
  registersChanged(tid: number): void;
}

export class FrameState implements ValueHost {
  private scopesCache: VariableScopes | undefined;
  private frameBaseCache: bigint | undefined | null = null;
  private fpCache: Buffer | undefined;
  private nameSearchCache: NameSearch | undefined;
  readonly module: LoadedModule | undefined;

  constructor(
    readonly tracee: ThreadAccess,
    readonly index: number,
    readonly frame: UnwindFrame,
    private readonly environment: FrameEnvironment,
    /** The frame that called this one, for entry values; undefined for the outermost. */
    private readonly callerOf: () => FrameState | undefined = () => undefined,
  ) {
    this.module = environment.modules.moduleAt(frame.lookupPc);
  }

  /** The innermost frame of a thread, from its live registers (what a breakpoint condition uses). */
  static innermost(tracee: ThreadAccess, environment: FrameEnvironment): FrameState {
    const registers = dwarfRegisters(tracee.getRegisters());
    const pc = registers.get(16)!;
    return new FrameState(tracee, 0, { pc, registers, lookupPc: pc }, environment);
  }

  get pc(): bigint {
    return this.frame.pc;
  }

  /** The pc for symbol lookups, as a file address of the module (pc - 1 in callers). */
  get filePc(): bigint | undefined {
    return this.module === undefined ? undefined : this.frame.lookupPc - this.module.bias;
  }

  get cfa(): bigint | undefined {
    if (this.frame.cfa === undefined) {
      // The unwinder fills it in when it steps from this frame to its caller.
      unwindStep(this.frame, (address, size) => this.tracee.read(address, size), (pc) => {
        const module = this.environment.modules.moduleAt(pc);
        return module === undefined ? undefined : module.symbols.unwindModule(module.bias);
      });
    }
    return this.frame.cfa;
  }

  get scopes(): VariableScopes | undefined {
    const filePc = this.filePc;
    if (filePc === undefined || this.module?.symbols.dwarf === undefined) return undefined;
    if (this.scopesCache === undefined) {
      // Stack frames are functions (inlined calls are not split out): their own variables.
      const first = this.module.symbols.variablesAt(filePc);
      this.scopesCache = first.inlineChain.length === 0 ? first : this.module.symbols.variablesAt(filePc, first.inlineChain.length);
    }
    return this.scopesCache;
  }

  get function(): FunctionInfo | undefined {
    return this.scopes?.function;
  }

  get frameBase(): bigint | undefined {
    if (this.frameBaseCache === null) {
      const fn = this.function;
      const filePc = this.filePc;
      let base: bigint | undefined;
      if (fn !== undefined && filePc !== undefined) {
        try {
          base = this.module!.symbols.frameBaseAt(fn, filePc, this.baseContext());
        } catch {
          base = undefined;
        }
      }
      this.frameBaseCache = base;
    }
    return this.frameBaseCache;
  }

  /** What DWARF expressions evaluated in this frame need. */
  expressionContext(): ExpressionContext {
    return { ...this.baseContext(), frameBase: this.frameBase };
  }

  private baseContext(): ExpressionContext {
    const unit = this.module === undefined || this.filePc === undefined ? undefined : this.module.symbols.dwarf?.unitFor(this.filePc);
    return {
      readRegister: (number) => {
        const value = this.frame.registers.get(number);
        if (value === undefined) throw new DwarfExpressionError(`register ${x86_64RegisterName(number)} is not saved in this frame`);
        return value;
      },
      readMemory: (address, size) => this.tracee.read(address, size),
      loadBias: this.module?.bias ?? 0n,
      cfa: this.cfa,
      addressAtIndex: unit === undefined ? undefined : (index) => unit.addressAtIndex(index),
      entryValue: (expression) => this.entryValue(expression),
      tlsAddress: (offset) => this.tlsAddress(offset),
    };
  }

  /** Where a variable of this frame's scopes (or a global of its module) is, as a value. */
  variableValue(variable: VariableInfo, module: LoadedModule | undefined = this.module): Value {
    const symbols = module?.symbols;
    if (symbols === undefined) return { type: { kind: 'unknown', tag: 0, name: undefined }, place: { kind: 'unavailable', reason: OPTIMIZED_OUT } };
    const type = symbols.typeOf(variable);
    let location: Location;
    try {
      const context = module === this.module ? this.expressionContext() : { ...this.expressionContext(), loadBias: module!.bias, frameBase: undefined };
      location = symbols.locateVariable(variable, module === this.module ? this.filePc ?? 0n : 0n, context);
    } catch (error) {
      return { type, place: { kind: 'unavailable', reason: `<error: ${(error as Error).message}>` } };
    }
    return { type, place: this.placeOf(location) };
  }

  placeOf(location: Location): Place {
    switch (location.kind) {
      case 'memory': return { kind: 'memory', address: location.address };
      case 'register': return { kind: 'register', register: location.register, offset: 0 };
      case 'implicit-value': return { kind: 'bytes', bytes: location.bytes };
      case 'implicit-pointer': return { kind: 'unavailable', reason: '<synthetic pointer>' };
      case 'optimized-out': return { kind: 'unavailable', reason: OPTIMIZED_OUT };
      case 'composite': {
        const total = location.pieces.reduce((sum, piece) => sum + piece.sizeInBits, 0);
        const bytes = Buffer.alloc(Math.ceil(total / 8));
        let at = 0;
        for (const piece of location.pieces) {
          const source = this.pieceBits(piece.location, piece.sizeInBits, piece.bitOffset);
          if (source === undefined) return { kind: 'unavailable', reason: OPTIMIZED_OUT };
          for (let bit = 0; bit < piece.sizeInBits; bit++, at++) {
            if ((source[bit >> 3]! >> (bit & 7)) & 1) bytes[at >> 3]! |= 1 << (at & 7);
          }
        }
        return { kind: 'bytes', bytes };
      }
    }
  }

  /** The bits of one piece, from bit 0; undefined if they are not available. */
  private pieceBits(location: Exclude<Location, { kind: 'composite' }>, sizeInBits: number, bitOffset: number): Buffer | undefined {
    let bytes: Buffer | undefined;
    const size = Math.ceil((sizeInBits + bitOffset) / 8);
    try {
      switch (location.kind) {
        case 'memory': bytes = this.tracee.read(location.address, size); break;
        case 'register': bytes = this.registerBytes(location.register); break;
        case 'implicit-value': bytes = location.bytes; break;
        default: return undefined;
      }
    } catch {
      return undefined;
    }
    if (bytes === undefined) return undefined;
    if (bitOffset === 0) return bytes;
    const out = Buffer.alloc(Math.ceil(sizeInBits / 8));
    for (let bit = 0; bit < sizeInBits; bit++) {
      const from = bit + bitOffset;
      if ((bytes[from >> 3]! >> (from & 7)) & 1) out[bit >> 3]! |= 1 << (bit & 7);
    }
    return out;
  }

  // ---- ValueHost ----

  readMemory(address: bigint, size: number): Buffer {
    const bytes = Buffer.alloc(size);
    let read: number;
    try {
      read = this.tracee.memory.readAvailable(address, bytes);
    } catch {
      read = 0;
    }
    if (read < size) throw new ValueError(`Cannot access memory at address 0x${(address + BigInt(read)).toString(16)}`);
    return this.environment.breakpoints.unpatch(address, bytes);
  }

  writeMemory(address: bigint, bytes: Uint8Array): void {
    const written = this.environment.breakpoints.writeThrough(address, bytes);
    if (written < bytes.length) throw new ValueError(`Cannot access memory at address 0x${(address + BigInt(written)).toString(16)}`);
  }

  registerBytes(register: number): Buffer | undefined {
    const value = this.frame.registers.get(register);
    if (value !== undefined) {
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64LE(value);
      return bytes;
    }
    if (this.index !== 0) return undefined;
    const fp = this.fpRegisters();
    if (fp === undefined) return undefined;
    if (register >= 17 && register <= 32) return Buffer.from(fp.subarray(FX_XMM0 + 16 * (register - 17), FX_XMM0 + 16 * (register - 16)));
    if (register >= 33 && register <= 40) return Buffer.from(fp.subarray(FX_ST0 + 16 * (register - 33), FX_ST0 + 16 * (register - 33) + 10));
    if (register === 64) return Buffer.from(fp.subarray(FX_MXCSR, FX_MXCSR + 4));
    return undefined;
  }

  writeRegister(register: number, bytes: Buffer): void {
    if (this.index !== 0) throw new ValueError('registers can be changed in the innermost frame only');
    if (this.frame.registers.has(register)) {
      const name = x86_64RegisterName(register);
      const registers = this.tracee.getRegisters();
      const value = bytes.subarray(0, 8).length === 8 ? bytes.readBigUInt64LE(0) : 0n;
      registers.set(name as never, value);
      this.tracee.setRegisters(registers);
      (this.frame.registers as Map<number, bigint>).set(register, value);
      this.environment.registersChanged(this.tracee.tid);
      return;
    }
    const fp = this.fpRegisters();
    if (fp === undefined) throw new ValueError(`cannot write register ${x86_64RegisterName(register)}`);
    const updated = Buffer.from(fp);
    if (register >= 17 && register <= 32) bytes.copy(updated, FX_XMM0 + 16 * (register - 17), 0, 16);
    else if (register >= 33 && register <= 40) bytes.copy(updated, FX_ST0 + 16 * (register - 33), 0, 10);
    else if (register === 64) bytes.copy(updated, FX_MXCSR, 0, 4);
    else throw new ValueError(`cannot write register ${x86_64RegisterName(register)}`);
    this.tracee.setFpRegisters(updated);
    this.fpCache = updated;
  }

  symbolize(address: bigint): string | undefined {
    return symbolize(this.environment.modules, address);
  }

  staticMemberValue(member: StaticMember): Value | undefined {
    const found = staticMemberDefinition(this.nameSearch(), member);
    return found === undefined ? undefined : this.variableValue(found.variable, found.module);
  }

  typeNamed(name: string): DwarfType | undefined {
    return typeNamed(this.nameSearch(), name);
  }

  /** Where C++ names are looked up from this frame: its unit, its module, the executable. */
  nameSearch(): NameSearch {
    return (this.nameSearchCache ??= searchFrom(this.module, this.filePc, this.environment.modules));
  }

  /** The FXSAVE area of the thread (frame 0 only). */
  fpRegisters(): Buffer | undefined {
    if (this.index !== 0) return undefined;
    try {
      this.fpCache ??= this.tracee.getFpRegisters();
    } catch {
      return undefined;
    }
    return this.fpCache;
  }

  // ---- entry values and TLS ----

  /**
   * DW_OP_entry_value(DW_OP_regN): the value register N had when this function was entered,
   * from the caller's call site (DW_TAG_call_site_parameter with that register), as gdb does.
   */
  private entryValue(expression: Buffer): bigint | undefined {
    if (expression.length !== 1 || expression[0]! < 0x50 || expression[0]! > 0x6f) return undefined;
    const register = expression[0]! - 0x50;
    const caller = this.callerOf();
    const module = caller?.module;
    const callerPc = caller?.filePc;
    const fn = caller?.function;
    if (caller === undefined || module === undefined || callerPc === undefined || fn === undefined) return undefined;
    const returnAddress = caller.pc - module.bias;
    const site = findCallSite(fn.die, returnAddress);
    if (site === undefined) return undefined;
    for (const parameter of site.children) {
      if (parameter.tag !== DW_TAG.call_site_parameter && parameter.tag !== DW_TAG.GNU_call_site_parameter) continue;
      const location = parameter.attribute(DW_AT.location);
      if (location?.kind !== 'expression' && location?.kind !== 'block') continue;
      if (location.bytes.length !== 1 || location.bytes[0] !== 0x50 + register) continue;
      const value = parameter.attribute(DW_AT.call_value) ?? parameter.attribute(GNU_CALL_SITE_VALUE);
      if (value?.kind !== 'expression' && value?.kind !== 'block') return undefined;
      try {
        return evaluateValue(value.bytes, caller.expressionContext());
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  /** A thread-local variable of the executable (static TLS, variant II: below the thread pointer). */
  private tlsAddress(offset: bigint): bigint {
    const main = this.environment.modules.mainExecutable;
    if (main === undefined || this.module !== main) throw new DwarfExpressionError('thread-local variables of shared libraries are not supported');
    const tls = main.symbols.elf.programHeaders.find((header) => header.type === 7 /* PT_TLS */);
    const fsBase = this.frame.registers.get(58) ?? this.tracee.getRegisters().fs_base;
    if (tls === undefined) throw new DwarfExpressionError('the executable has no TLS segment');
    const align = tls.align > 0n ? tls.align : 1n;
    const blockSize = ((tls.memorySize + align - 1n) / align) * align;
    return fsBase - blockSize + offset;
  }
}

function findCallSite(die: Die, returnAddress: bigint): Die | undefined {
  for (const child of die.children) {
    if (child.tag === DW_TAG.call_site || child.tag === DW_TAG.GNU_call_site) {
      const pc = child.address(DW_AT.call_return_pc) ?? child.address(DW_AT.low_pc);
      if (pc === returnAddress) return child;
    } else if (child.tag === DW_TAG.lexical_block || child.tag === DW_TAG.inlined_subroutine) {
      const found = findCallSite(child, returnAddress);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** `name` or `name+offset` for a run-time address, from the ELF symbols of its module. */
export function symbolize(modules: ModuleMap, address: bigint): string | undefined {
  const module = modules.moduleAt(address);
  if (module === undefined) return undefined;
  let symbol;
  try {
    const plt = pltName(module.symbols.elf, address - module.bias);
    if (plt !== undefined) return plt.endsWith('@plt') ? `${demangle(plt.slice(0, -4))}@plt` : plt;
    symbol = module.symbols.nearestSymbol(address - module.bias);
  } catch {
    return undefined;
  }
  if (symbol === undefined || symbol.name === '') return undefined;
  const offset = address - module.bias - symbol.value;
  const name = demangle(symbol.name);
  return offset === 0n ? name : `${name}+${offset}`;
}
