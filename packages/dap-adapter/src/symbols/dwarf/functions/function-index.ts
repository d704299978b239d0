// The functions with code in one unit (DW_TAG_subprogram with pc ranges), with the calls that
// were inlined into them, and lookups by address.
import { RangeIndex } from '../../common/range-index.js';
import { sortRanges, type AddressRange } from '../ranges/address-range.js';
import { DW_AT, DW_TAG } from '../constants/index.js';
import type { Die } from '../units/die.js';
import { locationDescriptionOf, type LocationDescription } from '../locations/location-description.js';
import { entryPcOf, pcRangesOf } from '../ranges/pc-ranges.js';
import type { DwarfUnit } from '../units/unit.js';
import { qualifiedName } from '../names/qualified-name.js';

/** Turns a DW_AT_decl_file / DW_AT_call_file index of a unit into a path. */
export type FileNameResolver = (unit: DwarfUnit, fileIndex: number) => string | undefined;

/** Code of one function: either the out-of-line function itself or an inlined copy of a call. */
export abstract class CodeScope {
  /** Address ranges, sorted by start. */
  readonly ranges: readonly AddressRange[];
  /** Where execution enters the code (the first listed range for split functions). */
  readonly entryPc: bigint;
  readonly inlined: InlinedCall[] = [];
  /** @internal The DIE (the DWARF model stays out of the package's public types). */
  readonly die: Die;
  /** @internal */
  protected readonly fileName: FileNameResolver;

  /** @internal */
  constructor(die: Die, listedRanges: AddressRange[], fileName: FileNameResolver) {
    this.die = die;
    this.fileName = fileName;
    this.entryPc = entryPcOf(die, listedRanges) ?? listedRanges[0]!.start;
    this.ranges = sortRanges([...listedRanges]);
  }

  /** The function's name, following DW_AT_abstract_origin and DW_AT_specification. */
  get name(): string | undefined {
    return this.die.name;
  }

  /** The name with its namespaces and classes in C++ (`geo::Rect::area`, `twice<int>`); the name elsewhere. */
  get qualifiedName(): string | undefined {
    return qualifiedName(this.die);
  }

  get linkageName(): string | undefined {
    return this.die.inherited((die) => die.string(DW_AT.linkage_name) ?? die.string(DW_AT.MIPS_linkage_name));
  }

  /** Lowest address of the code. */
  get lowPc(): bigint {
    return this.ranges[0]!.start;
  }

  /** One past the highest address of the code. */
  get highPc(): bigint {
    return this.ranges.reduce((max, range) => (range.end > max ? range.end : max), 0n);
  }

  get declarationFile(): string | undefined {
    const owner = this.die.inherited((die) => (die.has(DW_AT.decl_file) ? die : undefined));
    const index = owner?.number(DW_AT.decl_file);
    return owner === undefined || index === undefined ? undefined : this.fileName(owner.unit, index);
  }

  get declarationLine(): number | undefined {
    return this.die.inherited((die) => die.number(DW_AT.decl_line));
  }

  contains(address: bigint): boolean {
    return this.ranges.some((range) => address >= range.start && address < range.end);
  }

  /** The chain of inlined calls active at `address`, outermost first. */
  inlineChainAt(address: bigint): InlinedCall[] {
    const chain: InlinedCall[] = [];
    let scope: CodeScope = this;
    for (;;) {
      const inner: InlinedCall | undefined = scope.inlined.find((call) => call.contains(address));
      if (inner === undefined) return chain;
      chain.push(inner);
      scope = inner;
    }
  }
}

/** An out-of-line function (DW_TAG_subprogram with code). */
export class FunctionInfo extends CodeScope {
  get isExternal(): boolean {
    return this.die.inherited((die) => (die.has(DW_AT.external) ? die.flag(DW_AT.external) : undefined)) ?? false;
  }

  /** @internal DW_AT_frame_base: usually DW_OP_call_frame_cfa. */
  get frameBase(): LocationDescription | undefined {
    return locationDescriptionOf(this.die, DW_AT.frame_base);
  }
}

/** A call inlined into a function (DW_TAG_inlined_subroutine): the callee's code at a call site. */
export class InlinedCall extends CodeScope {
  get callFile(): string | undefined {
    const index = this.die.number(DW_AT.call_file);
    return index === undefined ? undefined : this.fileName(this.die.unit, index);
  }

  get callLine(): number | undefined {
    return this.die.number(DW_AT.call_line);
  }

  get callColumn(): number | undefined {
    return this.die.number(DW_AT.call_column);
  }
}

export class FunctionIndex {
  readonly functions: readonly FunctionInfo[];
  private readonly byAddress: RangeIndex<FunctionInfo>;

  constructor(unit: DwarfUnit, fileName: FileNameResolver) {
    const functions: FunctionInfo[] = [];
    collect(unit.unitDie.children, undefined, functions, fileName);
    this.functions = functions;
    this.byAddress = new RangeIndex(functions.flatMap((fn) => fn.ranges.map((range) => ({ ...range, item: fn }))));
  }

  /** The innermost function whose code contains the address. */
  functionAt(address: bigint): FunctionInfo | undefined {
    return this.byAddress.containing(address);
  }

  functionsNamed(name: string): FunctionInfo[] {
    return this.functions.filter((fn) => fn.name === name || fn.linkageName === name);
  }
}

/** Walks DIEs, creating scopes for subprograms and inlined subroutines that have code. */
function collect(dies: readonly Die[], parent: CodeScope | undefined, functions: FunctionInfo[], fileName: FileNameResolver): void {
  for (const die of dies) {
    let scope = parent;
    if (die.tag === DW_TAG.subprogram || die.tag === DW_TAG.inlined_subroutine) {
      const ranges = pcRangesOf(die);
      if (ranges.length > 0) {
        if (die.tag === DW_TAG.subprogram) {
          const fn = new FunctionInfo(die, ranges, fileName);
          functions.push(fn);
          scope = fn;
        } else if (parent !== undefined) {
          const call = new InlinedCall(die, ranges, fileName);
          parent.inlined.push(call);
          scope = call;
        }
      }
    }
    // Lexical blocks, nested functions and inlined calls all live under the DIE.
    collect(die.children, scope, functions, fileName);
  }
}
