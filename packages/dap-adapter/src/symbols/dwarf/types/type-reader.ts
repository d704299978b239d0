// DIE -> DwarfType. Each DIE is converted once; the object is cached before its parts are read,
// so a type that refers to itself through a pointer resolves to the same object (a cycle).
import { ByteReader } from '../../binary/byte-reader.js';
import { CorruptDwarfError } from '../../errors.js';
import { DW_AT, DW_ATE, DW_OP, DW_TAG } from '../constants/index.js';
import type { Die } from '../units/die.js';
import { isCplusplus, qualifiedName, scopePrefix } from '../names/qualified-name.js';
import {
  stripTypedefs, type ArrayDimension, type ArrayType, type DwarfType, type EnumType, type Enumerator, type FunctionType, type Qualifier,
  type RecordBase, type RecordMember, type RecordType, type StaticMember, type TemplateArgument,
} from './type-model.js';

const VOID: DwarfType = { kind: 'void' };
/** Beyond this nesting of type references, data is taken as hostile and the type as unknown. */
const MAX_TYPE_DEPTH = 256;

const qualifiers: Partial<Record<number, Qualifier>> = {
  [DW_TAG.const_type]: 'const',
  [DW_TAG.volatile_type]: 'volatile',
  [DW_TAG.restrict_type]: 'restrict',
  [DW_TAG.atomic_type]: 'atomic',
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class TypeReader {
  private readonly cache = new WeakMap<Die, DwarfType>();
  private depth = 0;

  /** The type a DIE describes; undefined (no DW_AT_type) is `void`. */
  typeOf(die: Die | undefined): DwarfType {
    if (die === undefined) return VOID;
    const cached = this.cache.get(die);
    if (cached !== undefined) return cached;
    if (this.depth >= MAX_TYPE_DEPTH) return { kind: 'unknown', tag: die.tag, name: undefined };
    this.depth++;
    try {
      return this.convert(die);
    } finally {
      this.depth--;
    }
  }

  /** The type of a variable, member, parameter or function (its DW_AT_type). */
  typeOfEntity(die: Die): DwarfType {
    return this.typeOf(die.inherited((entity) => entity.reference(DW_AT.type)));
  }

  private convert(die: Die): DwarfType {
    const qualifier = qualifiers[die.tag];
    if (qualifier !== undefined) {
      return this.fill(die, { kind: 'qualified', qualifier, target: VOID }, (type) => { type.target = this.targetOf(die); });
    }
    switch (die.tag) {
      case DW_TAG.base_type:
        return this.remember(die, {
          kind: 'base', name: die.name ?? '?', byteSize: die.number(DW_AT.byte_size) ?? 0, encoding: die.number(DW_AT.encoding) ?? 0,
        });
      case DW_TAG.unspecified_type:
        return this.remember(die, { kind: 'unspecified', name: die.name ?? 'void' });
      case DW_TAG.pointer_type:
        return this.fill(die, { kind: 'pointer', byteSize: die.number(DW_AT.byte_size) ?? die.unit.addressSize, target: VOID },
          (type) => { type.target = this.targetOf(die); });
      case DW_TAG.reference_type:
      case DW_TAG.rvalue_reference_type:
        return this.fill(die, {
          kind: 'reference', rvalue: die.tag === DW_TAG.rvalue_reference_type, byteSize: die.number(DW_AT.byte_size) ?? die.unit.addressSize, target: VOID,
        }, (type) => { type.target = this.targetOf(die); });
      case DW_TAG.typedef:
        return this.fill(die, { kind: 'typedef', name: qualifiedName(die) ?? '?', target: VOID }, (type) => { type.target = this.targetOf(die); });
      case DW_TAG.structure_type:
      case DW_TAG.class_type:
      case DW_TAG.union_type:
        return this.convertRecord(die);
      case DW_TAG.enumeration_type:
        return this.convertEnum(die);
      case DW_TAG.array_type:
        return this.fill<ArrayType>(die, { kind: 'array', element: VOID, dimensions: [] }, (type) => {
          type.element = this.targetOf(die);
          type.dimensions = arrayDimensions(die);
        });
      case DW_TAG.subroutine_type:
      case DW_TAG.subprogram:
        return this.convertFunction(die);
      default:
        return this.remember(die, { kind: 'unknown', tag: die.tag, name: die.name });
    }
  }

  private targetOf(die: Die): DwarfType {
    return this.typeOf(die.reference(DW_AT.type));
  }

  private convertRecord(die: Die): RecordType {
    const keyword = die.tag === DW_TAG.union_type ? 'union' : die.tag === DW_TAG.class_type ? 'class' : 'struct';
    return this.fill<RecordType>(die, {
      kind: 'record', keyword, name: qualifiedName(die), byteSize: die.number(DW_AT.byte_size), members: [], isDeclaration: die.flag(DW_AT.declaration),
      cplusplus: isCplusplus(die), bases: [], staticMembers: [], templateArguments: [], isPolymorphic: false,
    }, (type) => {
      const members: RecordMember[] = [];
      const statics: StaticMember[] = [];
      const bases: RecordBase[] = [];
      const templateArguments: TemplateArgument[] = [];
      for (const child of die.children) {
        switch (child.tag) {
          case DW_TAG.member:
            // DWARF 4 producers declare static members as DW_TAG_member with DW_AT_declaration.
            if (child.flag(DW_AT.declaration) && !child.has(DW_AT.data_member_location)) statics.push(this.convertStatic(child));
            else members.push(this.convertMember(child));
            break;
          case DW_TAG.variable: // DWARF 5: a static data member
            if (child.name !== undefined) statics.push(this.convertStatic(child));
            break;
          case DW_TAG.inheritance:
            bases.push(this.convertBase(child));
            break;
          case DW_TAG.template_type_parameter:
            templateArguments.push({ name: child.name, type: this.targetOf(child) });
            break;
          case DW_TAG.template_value_parameter:
            templateArguments.push({ name: child.name, type: this.targetOf(child), value: child.signed(DW_AT.const_value) });
            break;
          case DW_TAG.GNU_template_parameter_pack:
            // `typename... T` (std::variant<int, double>, std::tuple): its arguments, in order, as the instance's own.
            for (const argument of child.children) {
              if (argument.tag === DW_TAG.template_type_parameter) templateArguments.push({ name: argument.name, type: this.targetOf(argument) });
              else if (argument.tag === DW_TAG.template_value_parameter) templateArguments.push({ name: argument.name, type: this.targetOf(argument), value: argument.signed(DW_AT.const_value) });
            }
            break;
          default:
            break;
        }
      }
      type.members = members;
      type.staticMembers = statics;
      type.bases = bases;
      type.templateArguments = templateArguments;
      type.isPolymorphic = members.some((member) => member.name?.startsWith('_vptr') === true)
        || bases.some((base) => { const resolved = stripTypedefs(base.type); return resolved.kind === 'record' && resolved.isPolymorphic; });
    });
  }

  private convertStatic(die: Die): StaticMember {
    return { name: die.name ?? '?', type: this.targetOf(die), die };
  }

  private convertBase(die: Die): RecordBase {
    const type = this.targetOf(die);
    const isVirtual = (die.number(DW_AT.virtuality) ?? 0) !== 0;
    const location = die.attribute(DW_AT.data_member_location);
    if (location?.kind === 'constant' || location === undefined) return { type, byteOffset: location === undefined ? 0 : Number(location.value), isVirtual };
    if ((location.kind === 'expression' || location.kind === 'block') && !isVirtual) return { type, byteOffset: memberByteOffset(die), isVirtual };
    // A virtual base lives where the object's vtable says: an expression run on the object's address.
    return { type, byteOffset: undefined, isVirtual, location: location.kind === 'expression' || location.kind === 'block' ? location.bytes : undefined };
  }

  private convertMember(die: Die): RecordMember {
    const type = this.targetOf(die);
    const byteOffset = memberByteOffset(die);
    const bitSize = die.number(DW_AT.bit_size);
    if (bitSize === undefined) return { name: die.name, type, byteOffset };
    let bitOffset: number;
    const dataBitOffset = die.number(DW_AT.data_bit_offset);
    if (dataBitOffset !== undefined) {
      bitOffset = dataBitOffset;
    } else {
      // DWARF 2-4 DW_AT_bit_offset counts from the most significant bit of a storage unit of
      // DW_AT_byte_size bytes placed at data_member_location; on a little-endian target the
      // lowest bit is therefore at storage_bits - bit_offset - bit_size.
      const storageBytes = die.number(DW_AT.byte_size) ?? sizeOfBase(type) ?? 0;
      const msbOffset = die.signed(DW_AT.bit_offset) ?? 0n;
      bitOffset = byteOffset * 8 + storageBytes * 8 - Number(msbOffset) - bitSize;
    }
    return { name: die.name, type, byteOffset: Math.floor(bitOffset / 8), bitSize, bitOffset };
  }

  private convertEnum(die: Die): DwarfType {
    const scoped = die.flag(DW_AT.enum_class);
    const cplusplus = isCplusplus(die);
    const name = qualifiedName(die);
    const enclosing = scopePrefix(die);
    const enumeratorPrefix = !cplusplus ? '' : scoped ? `${name ?? '{unnamed}'}::` : enclosing === '' ? '' : `${enclosing}::`;
    return this.fill<EnumType>(die, {
      kind: 'enum', name, cplusplus, scoped, enumeratorPrefix, byteSize: die.number(DW_AT.byte_size), underlying: undefined, enumerators: [],
    }, (type) => {
      const underlyingDie = die.reference(DW_AT.type);
      type.underlying = underlyingDie === undefined ? undefined : this.typeOf(underlyingDie);
      // Fixed-size data forms carry no sign: the underlying type decides. Without one (older
      // producers), take the value as encoded: sdata is signed, dataN unsigned.
      const signed = type.underlying === undefined ? undefined : !isUnsignedEncoding(type.underlying);
      type.enumerators = die.children.filter((child) => child.tag === DW_TAG.enumerator).map((child): Enumerator => ({
        name: child.name ?? '?',
        value: (signed === true ? child.signed(DW_AT.const_value) : child.unsigned(DW_AT.const_value)) ?? 0n,
      }));
    });
  }

  private convertFunction(die: Die): FunctionType {
    return this.fill<FunctionType>(die, {
      kind: 'function', returnType: VOID, parameters: [], variadic: false, prototyped: die.flag(DW_AT.prototyped),
    }, (type) => {
      type.returnType = this.typeOf(die.reference(DW_AT.type));
      type.parameters = die.children.filter((child) => child.tag === DW_TAG.formal_parameter).map((child) => this.typeOfEntity(child));
      type.variadic = die.children.some((child) => child.tag === DW_TAG.unspecified_parameters);
    });
  }

  private remember<T extends DwarfType>(die: Die, type: T): T {
    this.cache.set(die, type);
    return type;
  }

  /** Caches the (incomplete) object first, then fills in the parts that may refer back to it. */
  private fill<T extends DwarfType>(die: Die, type: T, complete: (type: Mutable<T>) => void): T {
    this.cache.set(die, type);
    complete(type as Mutable<T>);
    return type;
  }
}

/** DW_AT_data_member_location: a constant, or (DWARF 2) an expression `DW_OP_plus_uconst N`. */
function memberByteOffset(die: Die): number {
  const value = die.attribute(DW_AT.data_member_location);
  if (value === undefined) return 0; // union members, and the first member for some producers
  if (value.kind === 'constant') return Number(value.value);
  if (value.kind === 'expression' || value.kind === 'block') {
    // Errors are reported at the member's DIE: the expression has no section offset of its own.
    const reader = new ByteReader(value.bytes, (_offset, reason) => new CorruptDwarfError('.debug_info', die.offset, `member location: ${reason}`));
    if (reader.remaining > 0 && reader.u8() === DW_OP.plus_uconst) return reader.uleb128();
  }
  return 0;
}

function arrayDimensions(die: Die): ArrayDimension[] {
  return die.children.filter((child) => child.tag === DW_TAG.subrange_type).map((child): ArrayDimension => {
    const lowerBound = child.signed(DW_AT.lower_bound) ?? 0n;
    const count = child.unsigned(DW_AT.count);
    if (count !== undefined) return { lowerBound, count };
    // A constant upper bound is inclusive; a reference or expression is a variable-length array.
    const upper = child.attribute(DW_AT.upper_bound);
    if (upper?.kind === 'constant') {
      // Fixed-size data smaller than 8 bytes is unsigned (char[256] has upper bound 255 in a
      // DW_FORM_data1, which is not -1); 8 bytes of ones is GCC's -1 of a zero-length array.
      const upperBound = !upper.signed && upper.size > 0 && upper.size < 8 ? upper.value : child.signed(DW_AT.upper_bound)!;
      return { lowerBound, count: upperBound >= lowerBound ? upperBound - lowerBound + 1n : 0n };
    }
    return { lowerBound, count: undefined };
  });
}

function isUnsignedEncoding(type: DwarfType): boolean {
  const current = stripTypedefs(type);
  if (current.kind !== 'base') return false;
  return current.encoding === DW_ATE.unsigned || current.encoding === DW_ATE.unsigned_char
    || current.encoding === DW_ATE.boolean || current.encoding === DW_ATE.UTF;
}

function sizeOfBase(type: DwarfType): number | undefined {
  const current = stripTypedefs(type);
  return current.kind === 'base' || current.kind === 'enum' ? current.byteSize : undefined;
}
