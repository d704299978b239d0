// The variables visible at a pc: parameters and locals of the innermost function (or inlined
// call) and of the lexical blocks that contain the pc, and the unit's globals and statics.
import { rangesContain, type AddressRange } from '../ranges/address-range.js';
import { DW_AT, DW_TAG } from '../constants/index.js';
import type { Die } from '../units/die.js';
import type { FileNameResolver, FunctionInfo, InlinedCall } from '../functions/function-index.js';
import { constantValueOf, describeLocation, type LocationDescription } from '../locations/location-description.js';
import { pcRangesOf } from '../ranges/pc-ranges.js';
import type { DwarfUnit } from '../units/unit.js';

export type VariableKind = 'parameter' | 'local' | 'global';

export interface VariableInfo {
  readonly name: string | undefined;
  readonly kind: VariableKind;
  readonly die: Die;
  /** Where the value is; `none` when the compiler dropped it. */
  readonly location: LocationDescription;
  readonly declarationFile: string | undefined;
  readonly declarationLine: number | undefined;
  /** Visible outside its unit (DW_AT_external). */
  readonly isExternal: boolean;
  /** Code ranges of the block that declares the variable (undefined for globals). */
  readonly scope: readonly AddressRange[] | undefined;
}

export interface VariableScopes {
  readonly function: FunctionInfo | undefined;
  /** The inlined calls active at the pc, outermost first; the variables are those of the last one. */
  readonly inlineChain: readonly InlinedCall[];
  readonly parameters: readonly VariableInfo[];
  /** Innermost block first, then enclosing blocks, as gdb's `info locals` lists them. */
  readonly locals: readonly VariableInfo[];
  readonly globals: readonly VariableInfo[];
}

/** The variables of one code scope (function or inlined call) at `pc`. */
export function scopeVariables(scope: FunctionInfo | InlinedCall, pc: bigint, fileName: FileNameResolver): { parameters: VariableInfo[]; locals: VariableInfo[] } {
  const parameters: VariableInfo[] = [];
  const blocks: VariableInfo[][] = [];
  const visit = (die: Die, ranges: readonly AddressRange[]): void => {
    const own: VariableInfo[] = [];
    for (const child of die.children) {
      if (child.tag === DW_TAG.formal_parameter && die === scope.die) {
        parameters.push(variableOf(child, 'parameter', ranges, fileName));
      } else if (child.tag === DW_TAG.variable) {
        own.push(variableOf(child, 'local', ranges, fileName));
      } else if (child.tag === DW_TAG.lexical_block) {
        // A block without code ranges has the extent of its parent.
        const blockRanges = child.has(DW_AT.low_pc) || child.has(DW_AT.ranges) ? pcRangesOf(child) : ranges;
        if (rangesContain(blockRanges, pc)) visit(child, blockRanges);
      }
    }
    blocks.push(own);
  };
  visit(scope.die, scope.ranges);
  // `visit` pushes a block after its inner blocks: the innermost block ends up first.
  return { parameters, locals: blocks.flat() };
}

/** Variables declared at the top level of a unit (globals and file statics) that exist at run time. */
export function unitVariables(unit: DwarfUnit, fileName: FileNameResolver): VariableInfo[] {
  return unit.unitDie.children
    .filter((die) => die.tag === DW_TAG.variable && (die.has(DW_AT.location) || die.has(DW_AT.const_value)))
    .map((die) => variableOf(die, 'global', undefined, fileName));
}

export function variableOf(die: Die, kind: VariableKind, scope: readonly AddressRange[] | undefined, fileName: FileNameResolver): VariableInfo {
  const declaring = die.inherited((candidate) => (candidate.has(DW_AT.decl_file) ? candidate : undefined));
  const fileIndex = declaring?.number(DW_AT.decl_file);
  return {
    name: die.name,
    kind,
    die,
    location: locationOf(die),
    declarationFile: declaring === undefined || fileIndex === undefined ? undefined : fileName(declaring.unit, fileIndex),
    declarationLine: die.inherited((candidate) => candidate.number(DW_AT.decl_line)),
    isExternal: die.inherited((candidate) => (candidate.has(DW_AT.external) ? candidate.flag(DW_AT.external) : undefined)) ?? false,
    scope,
  };
}

function locationOf(die: Die): LocationDescription {
  const location = die.attribute(DW_AT.location);
  if (location !== undefined) return describeLocation(die, location);
  return constantValueOf(die, DW_AT.const_value) ?? die.inherited((origin) => constantValueOf(origin, DW_AT.const_value)) ?? { kind: 'none' };
}
