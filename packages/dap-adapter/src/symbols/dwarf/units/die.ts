import type { Attribute, AttributeValue } from './attribute-value.js';
import { DW_AT } from '../constants/index.js';
import type { DwarfUnit } from './unit.js';

/** Bound on DW_AT_specification / abstract_origin chains (cycles in corrupt data must end). */
const MAX_ORIGIN_DEPTH = 8;

/** A debugging information entry. Values that need the unit (strings, addresses) resolve through it. */
export class Die {
  /** Filled by the unit's tree parser; read through `children`. */
  readonly childList: Die[] = [];

  constructor(
    readonly unit: DwarfUnit,
    /** Section offset: the DIE's identity within its section. */
    readonly offset: number,
    /** DW_TAG_* */
    readonly tag: number,
    readonly attributes: readonly Attribute[],
    readonly parent: Die | undefined,
  ) {}

  /** The children; the unit DIE's children are parsed on first access. */
  get children(): readonly Die[] {
    this.unit.parseTree();
    return this.childList;
  }

  attribute(name: number): AttributeValue | undefined {
    for (const attribute of this.attributes) if (attribute.name === name) return attribute.value;
    return undefined;
  }

  has(name: number): boolean {
    return this.attribute(name) !== undefined;
  }

  string(name: number): string | undefined {
    const value = this.attribute(name);
    return value === undefined ? undefined : this.unit.resolveString(value);
  }

  address(name: number): bigint | undefined {
    const value = this.attribute(name);
    return value === undefined ? undefined : this.unit.resolveAddress(value);
  }

  /** A constant attribute as an unsigned value (fixed-size data is taken as unsigned). */
  unsigned(name: number): bigint | undefined {
    const value = this.attribute(name);
    return value?.kind === 'constant' ? value.value : undefined;
  }

  /** A constant attribute as a signed value (fixed-size data is sign-extended from its size). */
  signed(name: number): bigint | undefined {
    const value = this.attribute(name);
    if (value?.kind !== 'constant') return undefined;
    return value.signed || value.size === 0 ? value.value : BigInt.asIntN(value.size * 8, value.value);
  }

  /** A small unsigned constant (line, byte size, index...) as a number. */
  number(name: number): number | undefined {
    const value = this.unsigned(name);
    return value === undefined || value > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(value);
  }

  flag(name: number): boolean {
    const value = this.attribute(name);
    return value?.kind === 'flag' ? value.value : false;
  }

  /** The DIE a reference attribute points to, in this unit, another unit or a type unit. */
  reference(name: number): Die | undefined {
    const value = this.attribute(name);
    return value === undefined ? undefined : this.unit.resolveReference(value);
  }

  /**
   * Looks an attribute up on this DIE, then on the DIEs it completes: DW_AT_abstract_origin (the
   * abstract instance of an inlined or out-of-line copy) and DW_AT_specification (the declaration).
   */
  inherited<T>(get: (die: Die) => T | undefined): T | undefined {
    let die: Die | undefined = this;
    for (let depth = 0; die !== undefined && depth < MAX_ORIGIN_DEPTH; depth++) {
      const value = get(die);
      if (value !== undefined) return value;
      const origin: Die | undefined = die.reference(DW_AT.abstract_origin) ?? die.reference(DW_AT.specification);
      if (origin === die) break;
      die = origin;
    }
    return undefined;
  }

  /** DW_AT_name, following abstract origins and specifications. */
  get name(): string | undefined {
    return this.inherited((die) => die.string(DW_AT.name));
  }
}
