// Public API of the ELF, DWARF and CFI readers. All addresses are file (link-time) addresses
// as bigint unless a name says "run-time"; add a module's load bias to get run-time addresses.

export { SymbolFile, type SymbolFileOptions } from './symbol-file.js';
export type { ByteReader, CorruptionReporter } from './binary/byte-reader.js';
export {
  CorruptDwarfError, CorruptElfError, DwarfExpressionError, NotElfError, SymbolsError, UnsupportedDwarfError,
  UnsupportedElfError,
} from './errors.js';

// ELF
export { ElfFile } from './elf/elf-file.js';
export type { ElfHeader } from './elf/elf-header.js';
export type { ProgramHeader } from './elf/program-headers.js';
export type { SectionHeader } from './elf/section-headers.js';
export { SymbolTable, type ElfSymbol, type SymbolBinding, type SymbolType } from './elf/symbol-table.js';
export type { DynamicEntry } from './elf/dynamic-section.js';
export type { ElfNote } from './elf/notes.js';
export { findSeparateDebugFile, type DebugLink, type SeparateDebugFileQuery } from './elf/debug-link.js';
export {
  loadBiasForMapping, loadBiasFromMappings, parseProcMaps, readProcMaps, type MemoryMapping,
} from './elf/proc-maps.js';
export { pltEntries, pltName } from './elf/plt.js';
export { DynamicTag, ElfType, SectionFlag, SectionType, SegmentType } from './elf/constants.js';

// DWARF
export { DwarfInfo, type DwarfStatistics } from './dwarf/dwarf-info.js';
export type { CplusplusNames } from './dwarf/names/name-index.js';
export type { DwarfSections, DwarfSectionName, SectionLoader } from './dwarf/sections.js';
export type { DwarfUnit, UnitContext } from './dwarf/units/unit.js';
export type { Abbreviation, AbbreviationTable, AttributeSpec } from './dwarf/units/abbreviations.js';
export type { UnitHeader } from './dwarf/units/unit-header.js';
export type { UnitDirectory } from './dwarf/units/unit-directory.js';
export type { TypeReader } from './dwarf/types/type-reader.js';
export type { Die } from './dwarf/units/die.js';
export type { Attribute, AttributeValue } from './dwarf/units/attribute-value.js';
export type { AddressRange } from './dwarf/ranges/address-range.js';
export { LineTable, type LineCandidates, type SourcePosition } from './dwarf/line/line-table.js';
export type { LineRow, LineSequence } from './dwarf/line/line-state-machine.js';
export type { LineFileEntry, LineProgramHeader } from './dwarf/line/line-program-header.js';
export { FunctionInfo, InlinedCall } from './dwarf/functions/function-index.js';
export type { FileNameResolver, FunctionIndex } from './dwarf/functions/function-index.js';
export type { LocationList, LocationListEntry } from './dwarf/locations/location-lists.js';
export { expressionAt, locationDescriptionOf, type LocationDescription } from './dwarf/locations/location-description.js';
export type { VariableInfo, VariableKind, VariableScopes } from './dwarf/variables/variable-scopes.js';
export { evaluateFrameBase, locate } from './dwarf/variables/variable-location.js';
export type * from './dwarf/types/type-model.js';
export { sizeOfType, stripTypedefs } from './dwarf/types/type-model.js';
export { declarationOf, typeName } from './dwarf/types/type-name.js';
export { evaluateLocation, evaluateValue, type EvaluationOptions } from './dwarf/expression/evaluator.js';
export type { ExpressionContext, Location, LocationPiece } from './dwarf/expression/location.js';
export { decodeExpression, type ExpressionFormat, type Operation } from './dwarf/expression/decode.js';
export { formatExpression, operationName } from './dwarf/expression/format.js';
export {
  registersByDwarfNumber, X86_64, X86_64_CALLEE_SAVED, X86_64_DWARF_REGISTERS, x86_64RegisterName, x86_64RegisterNumber,
} from './dwarf/x86_64-registers.js';
export * from './dwarf/constants/index.js';

// Call frame information and unwinding
export { CallFrameInfo } from './cfi/call-frame-info.js';
export { FrameSection } from './cfi/frame-section.js';
export type { CommonInformationEntry, FrameDescriptionEntry, FrameSectionKind } from './cfi/entries.js';
export type { EhFrameHeader } from './cfi/eh-frame-hdr.js';
export type { CfaRule, RegisterRule, UnwindRow } from './cfi/unwind-row.js';
export {
  unwindStack, unwindStep, type MemoryReader, type ModuleLookup, type RegisterSet, type UnwindFrame, type UnwindMethod,
  type UnwindModule, type UnwindOptions, type UnwindResult, type UnwindStopReason, type StepResult,
} from './cfi/unwinder.js';
