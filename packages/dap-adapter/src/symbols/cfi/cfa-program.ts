// Executes the call frame instructions of a CIE and an FDE up to a pc (DWARF 5 §6.4.2) and
// returns the row in effect there.
import { ByteReader } from '../binary/byte-reader.js';
import { CorruptDwarfError } from '../errors.js';
import { DW_CFA } from './constants.js';
import type { FrameDescriptionEntry } from './entries.js';
import { readEncodedPointer, type PointerBases } from './pointer-encoding.js';
import type { CfaRule, RegisterRule, UnwindRow } from './unwind-row.js';

interface RuleState {
  cfa: CfaRule;
  registers: Map<number, RegisterRule>;
}

/** remember_state nesting beyond this is taken as hostile data. */
const MAX_REMEMBERED_STATES = 1024;
const UNDEFINED_CFA: CfaRule = { kind: 'undefined' };

/**
 * The row for `pc` (a file address inside the FDE). `sectionName` and `bases` serve error
 * messages and DW_CFA_set_loc (whose operand uses the FDE pointer encoding).
 */
export function computeUnwindRow(fde: FrameDescriptionEntry, pc: bigint, sectionName: string, bases: PointerBases): UnwindRow {
  const cie = fde.cie;
  const initial: RuleState = { cfa: UNDEFINED_CFA, registers: new Map() };
  run(cie.initialInstructions, initial, undefined, fde, undefined, sectionName, bases);
  const state: RuleState = { cfa: initial.cfa, registers: new Map(initial.registers) };
  const bounds = run(fde.instructions, state, initial.registers, fde, pc, sectionName, bases);
  return {
    start: bounds.start,
    end: bounds.end,
    cfa: state.cfa,
    registers: state.registers,
    returnAddressRegister: cie.returnAddressRegister,
    argsSize: bounds.argsSize,
    isSignalFrame: cie.isSignalFrame,
    fde,
  };
}

/**
 * Runs instructions, updating `state`, until the location would move past `pc` (all of them
 * when `pc` is undefined, as for a CIE's initial instructions).
 */
function run(
  instructions: Buffer,
  state: RuleState,
  initialRules: ReadonlyMap<number, RegisterRule> | undefined,
  fde: FrameDescriptionEntry,
  pc: bigint | undefined,
  sectionName: string,
  bases: PointerBases,
): { start: bigint; end: bigint; argsSize: bigint } {
  const cie = fde.cie;
  const reader = new ByteReader(instructions, (offset, reason) => new CorruptDwarfError(sectionName, fde.offset, `call frame instruction at +${offset}: ${reason}`));
  const remembered: RuleState[] = [];
  let location = fde.pcBegin;
  let argsSize = 0n;
  const factoredOffset = (value: bigint): bigint => value * cie.dataAlignment;
  const set = (register: number, rule: RegisterRule): void => {
    state.registers.set(register, rule);
  };
  const restore = (register: number): void => {
    // Back to the CIE's rule; in the CIE itself there is nothing to restore to.
    const rule = initialRules?.get(register);
    if (rule === undefined) state.registers.delete(register);
    else state.registers.set(register, rule);
  };
  /** Moves the location; returns true when the new location is past the pc (the row is found). */
  const advanceTo = (next: bigint): boolean => {
    if (pc !== undefined && next > pc) return true;
    location = next;
    return false;
  };

  while (!reader.atEnd()) {
    const at = reader.offset;
    const byte = reader.u8();
    const high = byte & 0xc0;
    const low = byte & 0x3f;
    if (high === DW_CFA.advance_loc) {
      const next = location + BigInt(low) * cie.codeAlignment;
      if (advanceTo(next)) return { start: location, end: next, argsSize };
      continue;
    }
    if (high === DW_CFA.offset) {
      set(low, { kind: 'offset', offset: factoredOffset(reader.uleb128Big()) });
      continue;
    }
    if (high === DW_CFA.restore) {
      restore(low);
      continue;
    }
    switch (byte) {
      case DW_CFA.nop:
        break;
      case DW_CFA.set_loc: {
        const next = readEncodedPointer(reader, cie.fdeEncoding, cie.addressSize, bases).value;
        if (advanceTo(next)) return { start: location, end: next, argsSize };
        break;
      }
      case DW_CFA.advance_loc1:
      case DW_CFA.advance_loc2:
      case DW_CFA.advance_loc4: {
        const delta = byte === DW_CFA.advance_loc1 ? reader.u8() : byte === DW_CFA.advance_loc2 ? reader.u16() : reader.u32();
        const next = location + BigInt(delta) * cie.codeAlignment;
        if (advanceTo(next)) return { start: location, end: next, argsSize };
        break;
      }
      case DW_CFA.offset_extended:
        set(reader.uleb128(), { kind: 'offset', offset: factoredOffset(reader.uleb128Big()) });
        break;
      case DW_CFA.offset_extended_sf:
        set(reader.uleb128(), { kind: 'offset', offset: factoredOffset(reader.sleb128Big()) });
        break;
      case DW_CFA.GNU_negative_offset_extended:
        set(reader.uleb128(), { kind: 'offset', offset: -factoredOffset(reader.uleb128Big()) });
        break;
      case DW_CFA.val_offset:
        set(reader.uleb128(), { kind: 'val-offset', offset: factoredOffset(reader.uleb128Big()) });
        break;
      case DW_CFA.val_offset_sf:
        set(reader.uleb128(), { kind: 'val-offset', offset: factoredOffset(reader.sleb128Big()) });
        break;
      case DW_CFA.restore_extended:
        restore(reader.uleb128());
        break;
      case DW_CFA.undefined:
        set(reader.uleb128(), { kind: 'undefined' });
        break;
      case DW_CFA.same_value:
        set(reader.uleb128(), { kind: 'same-value' });
        break;
      case DW_CFA.register: {
        const register = reader.uleb128();
        set(register, { kind: 'register', register: reader.uleb128() });
        break;
      }
      case DW_CFA.remember_state:
        // gcc, libgcc, gdb and readelf all save the CFA rule with the register rules.
        if (remembered.length >= MAX_REMEMBERED_STATES) reader.fail('DW_CFA_remember_state nested too deeply', at);
        remembered.push({ cfa: state.cfa, registers: new Map(state.registers) });
        break;
      case DW_CFA.restore_state: {
        const saved = remembered.pop();
        if (saved === undefined) return reader.fail('DW_CFA_restore_state without remember_state', at);
        state.cfa = saved.cfa;
        state.registers = saved.registers;
        break;
      }
      case DW_CFA.def_cfa:
        state.cfa = { kind: 'register-offset', register: reader.uleb128(), offset: reader.uleb128Big() };
        break;
      case DW_CFA.def_cfa_sf:
        state.cfa = { kind: 'register-offset', register: reader.uleb128(), offset: factoredOffset(reader.sleb128Big()) };
        break;
      case DW_CFA.def_cfa_register: {
        const register = reader.uleb128();
        state.cfa = { kind: 'register-offset', register, offset: state.cfa.kind === 'register-offset' ? state.cfa.offset : 0n };
        break;
      }
      case DW_CFA.def_cfa_offset:
        state.cfa = withCfaOffset(state.cfa, reader.uleb128Big());
        break;
      case DW_CFA.def_cfa_offset_sf:
        state.cfa = withCfaOffset(state.cfa, factoredOffset(reader.sleb128Big()));
        break;
      case DW_CFA.def_cfa_expression:
        state.cfa = { kind: 'expression', expression: reader.bytes(reader.uleb128()) };
        break;
      case DW_CFA.expression: {
        const register = reader.uleb128();
        set(register, { kind: 'expression', expression: reader.bytes(reader.uleb128()) });
        break;
      }
      case DW_CFA.val_expression: {
        const register = reader.uleb128();
        set(register, { kind: 'val-expression', expression: reader.bytes(reader.uleb128()) });
        break;
      }
      case DW_CFA.GNU_args_size:
        argsSize = reader.uleb128Big();
        break;
      case DW_CFA.GNU_window_save:
        break; // SPARC register windows (and AArch64 pointer signing): nothing to do on x86-64
      default:
        reader.fail(`unknown call frame instruction 0x${byte.toString(16)}`, at);
    }
  }
  return { start: location, end: fde.pcEnd, argsSize };
}

/** DW_CFA_def_cfa_offset keeps the register; it is meaningless (ignored) without one. */
function withCfaOffset(cfa: CfaRule, offset: bigint): CfaRule {
  return cfa.kind === 'register-offset' ? { kind: 'register-offset', register: cfa.register, offset } : cfa;
}
