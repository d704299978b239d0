// The types of the debugged program, as a discriminated union. Objects are shared: the same DIE
// always yields the same object, so recursive types (a list node pointing to itself) are cycles.

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

export interface RecordType {
  readonly kind: 'record';
  readonly keyword: 'struct' | 'union' | 'class';
  /** Undefined for an anonymous struct or union. */
  readonly name: string | undefined;
  /** Undefined for an incomplete (declared only) type. */
  readonly byteSize: number | undefined;
  readonly members: readonly RecordMember[];
  readonly isDeclaration: boolean;
}

export interface Enumerator {
  readonly name: string;
  readonly value: bigint;
}

export interface EnumType {
  readonly kind: 'enum';
  readonly name: string | undefined;
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
