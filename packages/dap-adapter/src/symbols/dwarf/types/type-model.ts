// The types of the debugged program, as a discriminated union. Objects are shared: the same DIE
// always yields the same object, so recursive types (a list node pointing to itself) are cycles.

import type { Die } from '../units/die.js';

export type DwarfType =
  | VoidType
  | BaseType
  | PointerType
  | ReferenceType
  | QualifiedType
  | TypedefType
  | RecordType
  | EnumType
  | ArrayType
  | FunctionType
  | UnspecifiedType
  | UnknownType;

export interface VoidType {
  readonly kind: 'void';
}

export interface BaseType {
  readonly kind: 'base';
  readonly name: string;
  readonly byteSize: number;
  /** DW_ATE_*: signed, unsigned, float, boolean, signed_char... */
  readonly encoding: number;
}

export interface PointerType {
  readonly kind: 'pointer';
  readonly byteSize: number;
  readonly target: DwarfType;
}

/** C++ `T &` and `T &&`. */
export interface ReferenceType {
  readonly kind: 'reference';
  readonly rvalue: boolean;
  readonly byteSize: number;
  readonly target: DwarfType;
}

export type Qualifier = 'const' | 'volatile' | 'restrict' | 'atomic';

export interface QualifiedType {
  readonly kind: 'qualified';
  readonly qualifier: Qualifier;
  readonly target: DwarfType;
}

export interface TypedefType {
  readonly kind: 'typedef';
  /** Qualified in C++ (`std::string`). */
  readonly name: string;
  readonly target: DwarfType;
}

export interface RecordMember {
  /** Undefined for an anonymous struct or union member. */
  readonly name: string | undefined;
  readonly type: DwarfType;
  /** Offset from the start of the record; for a bitfield, the byte holding its first bit. */
  readonly byteOffset: number;
  /** Bitfields only: width in bits. */
  readonly bitSize?: number;
  /** Bitfields only: position of the lowest bit, counted from the start of the record (little-endian). */
  readonly bitOffset?: number;
}

/** A base class of a C++ class (DW_TAG_inheritance). */
export interface RecordBase {
  readonly type: DwarfType;
  /** Offset of the base in the derived object; undefined for a virtual base (see `location`). */
  readonly byteOffset: number | undefined;
  readonly isVirtual: boolean;
  /** A virtual base's DW_AT_data_member_location expression: run with the object's address pushed. */
  readonly location?: Uint8Array;
}

/** A static data member: one object for the whole class, defined elsewhere. */
export interface StaticMember {
  readonly name: string;
  readonly type: DwarfType;
  /** @internal The member's declaration DIE (its definition is a variable that names it as its specification). */
  readonly die: Die;
}

/** A template argument of a class template instance: a type, or a value (`std::array<int, 3>`'s 3). */
export interface TemplateArgument {
  readonly name: string | undefined;
  readonly type: DwarfType;
  readonly value?: bigint;
}

export interface RecordType {
  readonly kind: 'record';
  readonly keyword: 'struct' | 'union' | 'class';
  /** Undefined for an anonymous struct or union; qualified in C++ (`geo::Rect`, `std::vector<int, std::allocator<int> >`). */
  readonly name: string | undefined;
  /** Undefined for an incomplete (declared only) type. */
  readonly byteSize: number | undefined;
  readonly members: readonly RecordMember[];
  readonly isDeclaration: boolean;
  /** C++: names are written without the `struct`/`class` keyword. */
  readonly cplusplus: boolean;
  readonly bases: readonly RecordBase[];
  readonly staticMembers: readonly StaticMember[];
  readonly templateArguments: readonly TemplateArgument[];
  /** Has a virtual table pointer (its own or a base's): the dynamic type is found through it. */
  readonly isPolymorphic: boolean;
}

export interface Enumerator {
  readonly name: string;
  readonly value: bigint;
}

export interface EnumType {
  readonly kind: 'enum';
  /** Qualified in C++. */
  readonly name: string | undefined;
  readonly cplusplus: boolean;
  /** C++ `enum class`: its enumerators are named through it (`Color::Red`). */
  readonly scoped: boolean;
  /** C++: what encloses the enumerators' names (`geo::` for an enum in namespace geo, `geo::Color::` for a scoped one). */
  readonly enumeratorPrefix: string;
  readonly byteSize: number | undefined;
  /** The integer type that holds the values (DWARF 5 producers record it). */
  readonly underlying: DwarfType | undefined;
  readonly enumerators: readonly Enumerator[];
}

export interface ArrayDimension {
  readonly lowerBound: bigint;
  /** Number of elements; undefined for `int a[]` or a variable-length array. */
  readonly count: bigint | undefined;
}

export interface ArrayType {
  readonly kind: 'array';
  readonly element: DwarfType;
  /** Outermost dimension first: `int [3][4]` has dimensions [3, 4]. */
  readonly dimensions: readonly ArrayDimension[];
}

export interface FunctionType {
  readonly kind: 'function';
  readonly returnType: DwarfType;
  readonly parameters: readonly DwarfType[];
  /** Ends with `...`. */
  readonly variadic: boolean;
  /** Declared with a prototype; `int f()` in C is not. */
  readonly prototyped: boolean;
}

/** DW_TAG_unspecified_type, e.g. C++ `decltype(nullptr)`. */
export interface UnspecifiedType {
  readonly kind: 'unspecified';
  readonly name: string;
}

/** A type this reader does not model (Fortran, pointer to member...). */
export interface UnknownType {
  readonly kind: 'unknown';
  readonly tag: number;
  readonly name: string | undefined;
}

/** The type with typedefs and qualifiers removed. */
export function stripTypedefs(type: DwarfType): DwarfType {
  let current = type;
  for (let depth = 0; depth < 64 && (current.kind === 'typedef' || current.kind === 'qualified'); depth++) current = current.target;
  return current;
}

/** sizeof(type), or undefined for void, functions, incomplete types and unknown array bounds. */
export function sizeOfType(type: DwarfType): number | undefined {
  const resolved = stripTypedefs(type);
  switch (resolved.kind) {
    case 'base':
    case 'pointer':
    case 'reference':
      return resolved.byteSize;
    case 'record':
    case 'enum':
      return resolved.byteSize;
    case 'array': {
      const element = sizeOfType(resolved.element);
      if (element === undefined) return undefined;
      let count = 1n;
      for (const dimension of resolved.dimensions) {
        if (dimension.count === undefined) return undefined;
        count *= dimension.count;
      }
      return Number(count) * element;
    }
    default:
      return undefined;
  }
}
