// Debug console completions (DAP's `completions`): what the word under the cursor can become.
// After `expr.` or `expr->`, the members of expr's type (its bases' too, and in C++ its methods);
// after `ns::` or `Class::`, what the C++ name index holds under that name; otherwise the
// frame's locals and arguments, a method's members, its unit's globals, then the program's
// globals and functions (the frame's module and the executable, from their symbol tables, as
// the evaluator searches them). Candidates are filtered by the typed prefix before anything is
// described, and their number is bounded: the console asks at every keystroke.
import type { CompletionCandidate } from '../engine/protocol.js';
import type { LoadedModule, ModuleMap } from '../modules/module-map.js';
import { DW_AT, stripTypedefs, typeName, type CplusplusNames, type DwarfType, type RecordType, type VariableInfo } from '../symbols/index.js';
import { isCplusplusLanguage } from '../symbols/dwarf/constants/languages.js';
import { visibleMembers } from '../values/value.js';
import type { FrameState } from './frame-state.js';
import type { Inspector } from './inspector.js';

/** The most candidates one answer carries. */
export const MAX_COMPLETIONS = 200;
/** How much of the text before the cursor is looked at. */
const MAX_CONTEXT = 512;
/** Bound on base-class nesting (corrupt data can make the graph deep). */
const MAX_BASE_DEPTH = 32;

type Kind = CompletionCandidate['type'];

/** Collects candidates: one per label, in the order found, up to the bound. */
class Candidates {
  readonly list: CompletionCandidate[] = [];
  private readonly seen = new Set<string>();

  constructor(readonly prefix: string, private readonly start: number) {}

  get full(): boolean {
    return this.list.length >= MAX_COMPLETIONS;
  }

  wants(label: string | undefined): label is string {
    return label !== undefined && !this.full && label.startsWith(this.prefix) && !this.seen.has(label);
  }

  add(label: string | undefined, type: Kind, detail?: () => string | undefined): void {
    if (!this.wants(label)) return;
    this.seen.add(label);
    const text = detail === undefined ? undefined : safely(detail);
    const sortText = String(this.list.length).padStart(4, '0');
    this.list.push({ label, type, sortText, start: this.start, length: this.prefix.length, ...(text === undefined ? {} : { detail: text }) });
  }
}

/** The completions of `text` with the cursor at `offset` (0-based), evaluated in `frame`. */
export function completionsAt(inspector: Inspector, frame: FrameState, modules: ModuleMap, text: string, offset: number): CompletionCandidate[] {
  const cursor = Math.max(0, Math.min(offset, text.length));
  // Only the end of a long line matters, and the patterns below are not linear in its length.
  const skipped = Math.max(0, cursor - MAX_CONTEXT);
  const before = text.slice(skipped, cursor);
  const word = /[A-Za-z_$][\w$]*$/.exec(before)?.[0] ?? '';
  const head = before.slice(0, before.length - word.length);
  const found = new Candidates(word, skipped + head.length);
  const member = /(->|\.)\s*$/.exec(head);
  if (member !== null) {
    const left = leftOperand(head.slice(0, member.index));
    if (left !== '') membersOf(inspector, frame, left, found);
    return found.list;
  }
  const qualifier = /((?:[A-Za-z_]\w*(?:<[^<>]*>)?::)*[A-Za-z_]\w*(?:<[^<>]*>)?)?::$/.exec(head);
  if (qualifier !== null) {
    qualifiedNames(frame, modules, qualifier[1] === undefined ? '' : `${qualifier[1]}::`, found);
    return found.list;
  }
  if (word === '') return found.list; // nothing typed: every name of the program is no help
  plainNames(inspector, frame, modules, found);
  return found.list;
}

/**
 * The expression before a `.` or `->`: back from the end over names, member accesses, `::`,
 * and balanced brackets and parentheses (`a[i].b`, `(*p).q`, `f(x)->y`).
 */
export function leftOperand(text: string): string {
  let index = text.length;
  let depth = 0;
  while (index > 0) {
    const c = text[index - 1]!;
    if (c === ')' || c === ']') depth++;
    else if (c === '(' || c === '[') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0) {
      if (/[\w$.]/.test(c)) { /* part of a name or a member access */ } else if (c === '>' && text[index - 2] === '-') index--;
      else if (c === ':' && text[index - 2] === ':') index--;
      else break;
    }
    index--;
  }
  return text.slice(index).trim();
}

function membersOf(inspector: Inspector, frame: FrameState, left: string, found: Candidates): void {
  let type: DwarfType;
  try {
    type = inspector.evaluateInFrame(frame, left).type;
  } catch {
    return; // not an expression of this frame: nothing to complete
  }
  for (let hops = 0; hops < 4; hops++) {
    const resolved = stripTypedefs(type);
    if (resolved.kind === 'pointer' || resolved.kind === 'reference') type = resolved.target;
    else break;
  }
  const record = stripTypedefs(type);
  if (record.kind !== 'record') return;
  recordMembers(record, found, 0);
  if (record.cplusplus && record.name !== undefined) methodsOf(frame, record, found);
}

/** Data and static members of a record and of its bases, depth-first as C++ finds them. */
function recordMembers(record: RecordType, found: Candidates, depth: number): void {
  if (depth > MAX_BASE_DEPTH) return;
  for (const { member } of visibleMembers(record.members)) found.add(member.name, 'field', () => typeName(member.type));
  for (const member of record.staticMembers) found.add(member.name, 'field');
  for (const base of record.bases) {
    const resolved = stripTypedefs(base.type);
    if (resolved.kind === 'record') recordMembers(resolved, found, depth + 1);
  }
}

/** The methods of a C++ class (and of its bases), from the name index of the frame's module and the executable. */
function methodsOf(frame: FrameState, record: RecordType, found: Candidates, depth = 0): void {
  if (depth > MAX_BASE_DEPTH || record.name === undefined) return;
  for (const names of nameIndexes(frame)) {
    for (const entry of names.namesStartingWith(`${record.name}::`)) {
      if (entry.kind !== 'function') continue;
      const rest = entry.name.slice(record.name.length + 2);
      if (!rest.includes('::') && !rest.startsWith('~') && rest !== lastComponent(record.name)) found.add(rest, 'function');
    }
  }
  for (const base of record.bases) {
    const resolved = stripTypedefs(base.type);
    if (resolved.kind === 'record') methodsOf(frame, resolved, found, depth + 1);
  }
}

/** What `qualifier` (`geo::`, `geo::Shape::`, or `::`) holds: its next name components. */
function qualifiedNames(frame: FrameState, modules: ModuleMap, qualifier: string, found: Candidates): void {
  const scope = qualifier.startsWith('::') ? qualifier.slice(2) : qualifier;
  for (const names of nameIndexes(frame)) {
    for (const entry of names.namesStartingWith(scope)) {
      const rest = entry.name.slice(scope.length);
      const separator = rest.indexOf('::');
      if (separator >= 0) {
        const component = rest.slice(0, separator);
        found.add(component, names.type(`${scope}${component}`) !== undefined ? 'class' : 'module');
      } else {
        found.add(rest, kindOf(entry.kind));
      }
    }
  }
  if (scope === '') programNames(frame, modules, found);
}

function kindOf(kind: 'type' | 'variable' | 'enumerator' | 'function'): Kind {
  switch (kind) {
    case 'type': return 'class';
    case 'variable': return 'variable';
    case 'enumerator': return 'value';
    case 'function': return 'function';
  }
}

function plainNames(inspector: Inspector, frame: FrameState, modules: ModuleMap, found: Candidates): void {
  const scopes = frame.scopes;
  const module = frame.module;
  const describe = (variable: VariableInfo) => () => (module === undefined ? undefined : typeName(module.symbols.typeOf(variable)));
  if (scopes !== undefined) {
    for (const variable of scopes.locals) found.add(variable.name, 'variable', describe(variable));
    for (const variable of scopes.parameters) found.add(variable.name, 'variable', describe(variable));
    // In a C++ method, members are named alone (this->name).
    if (scopes.parameters.some((variable) => variable.name === 'this')) membersOf(inspector, frame, 'this', found);
    for (const variable of scopes.globals) found.add(variable.name, 'variable', describe(variable));
  }
  // C++ names at file scope (namespaces and classes: their first component).
  for (const names of nameIndexes(frame)) {
    if (found.full) break;
    for (const entry of names.namesStartingWith(found.prefix)) {
      const separator = entry.name.indexOf('::');
      if (separator > 0) {
        const component = entry.name.slice(0, separator);
        found.add(component, names.type(component) !== undefined ? 'class' : 'module');
      } else {
        found.add(entry.name, kindOf(entry.kind));
      }
      if (found.full) break;
    }
  }
  programNames(frame, modules, found);
}

/** Globals and functions from the symbol tables of the frame's module and of the executable. */
function programNames(frame: FrameState, modules: ModuleMap, found: Candidates): void {
  for (const module of searchModules(frame, modules)) {
    const symbols = safely(() => module.symbols.symbols.symbols) ?? [];
    for (const symbol of symbols) {
      if (found.full) return;
      if (symbol.sectionIndex === 0 || symbol.name.startsWith('_Z') || symbol.name.includes('@')) continue;
      if (symbol.type === 'func' || symbol.type === 'ifunc') found.add(symbol.name, 'function');
      else if (symbol.type === 'object') found.add(symbol.name, 'variable');
    }
  }
}

function searchModules(frame: FrameState, modules: ModuleMap): LoadedModule[] {
  const list: LoadedModule[] = [];
  if (frame.module !== undefined) list.push(frame.module);
  const main = modules.mainExecutable;
  if (main !== undefined && main !== frame.module) list.push(main);
  return list;
}

/** The C++ name index of the frame's module (built once per file, from its C++ units), in C++ code only. */
function* nameIndexes(frame: FrameState): Generator<CplusplusNames> {
  const module = frame.module;
  if (module === undefined || !isCplusplusFrame(frame)) return;
  const names = safely(() => module.symbols.dwarf?.cplusplus);
  if (names !== undefined) yield names;
}

function isCplusplusFrame(frame: FrameState): boolean {
  const filePc = frame.filePc;
  const unit = filePc === undefined ? undefined : safely(() => frame.module?.symbols.dwarf?.unitFor(filePc));
  return unit !== undefined && isCplusplusLanguage(unit.unitDie.number(DW_AT.language));
}

function lastComponent(name: string): string {
  return name.slice(name.lastIndexOf('::') + 2);
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
