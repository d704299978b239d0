// What a value shows when expanded in the Variables view: a record's bases, members and static
// members (or, for a library type with a visualizer, its elements and a `[raw]` child with the
// implementation), an array's elements (paged), what a pointer or reference points to (as its
// dynamic type when it is a polymorphic class). Children are made without reading their values:
// the inspector formats only the page the client asked for.
import { stripTypedefs, type DwarfType } from '../symbols/index.js';
import { visualizerFor } from '../visualizers/registry.js';
import type { Visualization } from '../visualizers/visualizer.js';
import { withDynamicType } from '../values/dynamic-type.js';
import { formatValue } from '../values/format-value.js';
import { recordPartCount, recordParts } from '../values/record-parts.js';
import { arrayLength, dereference, elementValue, errorText, integerOf, type Value, type ValueHost } from '../values/value.js';

/** The most children a `variables` request without `count` returns. */
export const MAX_CHILDREN = 10_000;
/** The child that shows a visualized value's implementation. */
export const RAW_CHILD = '[raw]';

export type ChildHint = 'baseClass' | 'static' | 'raw';

export interface ValueChild {
  readonly name: string;
  readonly value?: Value;
  /** Ready-made text (an error in place of a value). */
  readonly text?: string;
  readonly evaluateName?: string;
  /** The expression the child's own children are reached from, when not its evaluateName (a base class: the derived object). */
  readonly containerName?: string;
  /** Expanded as the implementation, without a visualizer. */
  readonly raw?: boolean;
  readonly hint?: ChildHint;
}

export interface ValueShape {
  readonly expandable: boolean;
  readonly indexed?: number;
  readonly named?: number;
}

export type ChildFilter = 'indexed' | 'named' | undefined;

/** What a value's expansion holds, without reading the children. */
export function valueShape(value: Value, host: ValueHost, raw: boolean): ValueShape {
  const type = stripTypedefs(value.type);
  switch (type.kind) {
    case 'record': {
      if (type.byteSize === undefined) return { expandable: false };
      let visualization: Visualization | undefined;
      try {
        visualization = visualize(value, host, raw);
      } catch {
        return { expandable: true, named: 1 }; // a value its visualizer cannot show: its raw members still can be
      }
      if (visualization !== undefined) {
        return visualization.indexed ? { expandable: true, indexed: visualization.length, named: 1 } : { expandable: true, named: visualization.length + 1 };
      }
      const named = recordPartCount(type);
      return { expandable: named > 0, named };
    }
    case 'array': {
      const indexed = arrayLength(type) ?? 0;
      return { expandable: indexed > 0, indexed };
    }
    case 'reference':
      return referentShape(value, host, raw);
    case 'pointer': {
      const target = stripTypedefs(type.target);
      if (target.kind === 'void' || target.kind === 'function' || target.kind === 'unknown') return { expandable: false };
      if (target.kind === 'record' && (target.byteSize === undefined || (target.members.length === 0 && target.bases.length === 0))) return { expandable: false };
      let address: bigint;
      try {
        address = integerOf(value, host);
      } catch {
        return { expandable: false };
      }
      if (address === 0n) return { expandable: false };
      if (target.kind === 'record' && visualizerFor(target) !== undefined && !raw) return referentShape(value, host, raw);
      return { expandable: true };
    }
    default:
      return { expandable: false };
  }
}

function referentShape(value: Value, host: ValueHost, raw: boolean): ValueShape {
  try {
    return valueShape(dereference(withDynamicType(value, host), host), host, raw);
  } catch {
    return { expandable: false };
  }
}

/** The children of a value: `filter`, `start` and `count` as the DAP `variables` request gives them. */
export function valueChildren(value: Value, host: ValueHost, evaluateName: string | undefined, raw: boolean, filter: ChildFilter, start: number, count: number): ValueChild[] {
  const type = stripTypedefs(value.type);
  const parent = evaluateName === undefined ? undefined : wrap(evaluateName);
  switch (type.kind) {
    case 'record':
      return recordChildren(value, host, parent, '.', raw, filter, start, count);
    case 'array': {
      if (filter === 'named') return [];
      const length = arrayLength(type) ?? 0;
      const first = Math.min(start, length);
      const end = count > 0 ? Math.min(length, first + count) : Math.min(length, first + MAX_CHILDREN);
      const children: ValueChild[] = [];
      for (let index = first; index < end; index++) {
        children.push({ name: `[${index}]`, value: elementValue(value, index), evaluateName: parent === undefined ? undefined : `${parent}[${index}]` });
      }
      return children;
    }
    case 'reference': {
      // A reference stands for what it refers to: the same children, reached by the same name.
      let referent: Value;
      try {
        referent = dereference(withDynamicType(value, host), host);
      } catch (error) {
        return [{ name: '*', text: errorText(error) }];
      }
      return valueChildren(referent, host, evaluateName, raw, filter, start, count);
    }
    case 'pointer': {
      let pointee: Value;
      try {
        pointee = dereference(withDynamicType(value, host), host);
      } catch (error) {
        return filter === 'indexed' ? [] : [{ name: '*', text: errorText(error) }];
      }
      // A class pointer expands to the class's members, as lldb-dap and cpptools show it.
      if (stripTypedefs(pointee.type).kind === 'record') return recordChildren(pointee, host, parent, '->', raw, filter, start, count);
      if (filter === 'indexed') return [];
      return [{ name: `*${evaluateName ?? ''}`, value: pointee, evaluateName: parent === undefined ? undefined : `*${parent}` }];
    }
    default:
      return [];
  }
}

function recordChildren(
  record: Value, host: ValueHost, parent: string | undefined, accessor: '.' | '->', raw: boolean, filter: ChildFilter, start: number, count: number,
): ValueChild[] {
  /** The expression of the record itself. */
  const self = parent === undefined ? undefined : accessor === '.' ? parent : `(*${parent})`;
  const rawChild: ValueChild = { name: RAW_CHILD, value: record, raw: true, hint: 'raw', containerName: self };
  let visualization: Visualization | undefined;
  try {
    visualization = visualize(record, host, raw);
  } catch {
    // Garbage (a container before its constructor ran): the summary says why; the members stay reachable.
    return filter === 'indexed' ? [] : [rawChild];
  }
  if (visualization !== undefined) {
    if (!visualization.indexed) {
      if (filter === 'indexed') return [];
      return [...visualizedChildren(visualization, host, self, 0, Math.min(visualization.length, MAX_CHILDREN)), rawChild];
    }
    const elements = filter === 'named' ? [] : visualizedChildren(visualization, host, self, start, count > 0 ? count : MAX_CHILDREN);
    return filter === 'indexed' ? elements : [rawChild, ...elements];
  }
  if (filter === 'indexed') return [];
  return recordParts(record, host).map((part): ValueChild => {
    switch (part.kind) {
      case 'base':
        return { name: part.name, value: part.value, hint: 'baseClass', containerName: self };
      case 'member':
        return { name: part.name ?? '<anonymous>', value: part.value, evaluateName: parent === undefined || part.name === undefined ? undefined : `${parent}${accessor}${part.name}` };
      case 'static': {
        const evaluateName = parent === undefined ? undefined : `${parent}${accessor}${part.name}`;
        try {
          return { name: part.name, value: part.value(), evaluateName, hint: 'static' };
        } catch (error) {
          return { name: part.name, text: errorText(error), hint: 'static' };
        }
      }
    }
  });
}

function visualizedChildren(visualization: Visualization, host: ValueHost, self: string | undefined, start: number, count: number): ValueChild[] {
  const first = Math.min(start, visualization.length);
  return visualization.children(first, Math.min(count, visualization.length - first)).map((child): ValueChild => ({
    name: child.name ?? `[${child.key === undefined ? '?' : formatValue(child.key, host)}]`,
    value: child.value,
    evaluateName: self === undefined || child.access === undefined ? undefined : `${self}${child.access}`,
  }));
}

/** The visualization of a record value, undefined when none applies (or the raw view is asked for). */
export function visualize(value: Value, host: ValueHost, raw: boolean): Visualization | undefined {
  if (raw) return undefined;
  const visualizer = visualizerFor(value.type as DwarfType);
  return visualizer?.visualize(value, host);
}

/** An evaluate name made safe to put before `.`, `->` or `[`. */
export function wrap(name: string): string {
  return /^[A-Za-z_$][\w$]*(?:(?:\.|->)[A-Za-z_]\w*|\[\d+\])*$/.test(name) ? name : `(${name})`;
}
