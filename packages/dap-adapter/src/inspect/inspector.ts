// What the user sees of a stopped program: scopes, variables (expanded lazily), registers,
// evaluation and assignment. Everything here lives until the debuggee runs again: variable
// references name containers of this stop only (DAP says they are void after a resume).
import { ExpressionSyntaxError, parseExpression, type Expression } from '../expressions/parser.js';
import { convertValue, evaluateExpression, EvaluationError } from '../expressions/evaluate.js';
import { FrameScope } from '../expressions/scope.js';
import type { ModuleMap } from '../modules/module-map.js';
import { DwarfExpressionError, stripTypedefs, typeName, type DwarfType, type UnwindResult, type VariableInfo } from '../symbols/index.js';
import type { EvaluateDescription, PrefetchResult, ScopeDescription, VariableDescription } from '../engine/protocol.js';
import { formatValue, type ValueFormat } from '../values/format-value.js';
import { withDynamicType } from '../values/dynamic-type.js';
import { visualizerFor } from '../visualizers/registry.js';
import { assign, errorText, integerOf, valueBytes, ValueError, type Value } from '../values/value.js';
import { valueChildren, valueShape, type ChildFilter, type ChildHint, type ValueShape } from './value-children.js';
import { FrameState, type FrameEnvironment } from './frame-state.js';
import type { ThreadAccess } from './thread-access.js';
import { registerEntries, REGISTER_GROUPS, vectorViews, type RegisterEntry, type RegisterGroup } from './registers.js';

/** Parsed expressions kept (watch expressions are evaluated again at every stop). */
const PARSE_CACHE_SIZE = 512;

type Container =
  | { readonly kind: 'scope'; readonly which: 'locals' | 'arguments' | 'globals'; readonly frame: FrameState }
  | { readonly kind: 'registers'; readonly frame: FrameState }
  | { readonly kind: 'register-group'; readonly group: RegisterGroup; readonly frame: FrameState }
  | { readonly kind: 'flags'; readonly value: bigint; readonly bits: readonly (readonly [number, string])[] }
  | { readonly kind: 'vector'; readonly register: number; readonly frame: FrameState }
  | { readonly kind: 'value'; readonly value: Value; readonly frame: FrameState; readonly evaluateName: string | undefined; readonly raw: boolean };

/** One child of a container, before it is described. */
interface Child {
  readonly name: string;
  readonly value?: Value;
  readonly evaluateName?: string;
  /** Ready-made text (registers, flags). */
  readonly text?: string;
  readonly type?: string;
  readonly expand?: Container;
  readonly memoryReference?: string;
  readonly containerName?: string;
  readonly raw?: boolean;
  readonly hint?: ChildHint;
}

export interface InspectorHost extends FrameEnvironment {
  /** The unwound stack of a stopped thread (cached by the engine for this stop). */
  stack(threadId: number): UnwindResult;
  tracee(threadId: number): ThreadAccess;
}

export class Inspector {
  private readonly containers = new Map<number, Container>();
  private nextReference = 1;
  private readonly frames = new Map<string, FrameState>();
  private readonly parsed = new Map<string, Expression>();

  constructor(private readonly host: InspectorHost, private readonly modules: ModuleMap) {}

  /** The debuggee runs again (or changed under us): every reference and frame is void. */
  reset(): void {
    this.containers.clear();
    this.frames.clear();
    this.nextReference = 1;
  }

  frame(threadId: number, index: number): FrameState {
    const key = `${threadId}:${index}`;
    let frame = this.frames.get(key);
    if (frame === undefined) {
      const stack = this.host.stack(threadId);
      const unwound = stack.frames[index];
      if (unwound === undefined) throw new Error(`thread ${threadId} has no frame ${index}`);
      frame = new FrameState(this.host.tracee(threadId), index, unwound, this.host, () => (index + 1 < stack.frames.length ? this.frame(threadId, index + 1) : undefined));
      this.frames.set(key, frame);
    }
    return frame;
  }

  scopes(threadId: number, index: number): ScopeDescription[] {
    const frame = this.frame(threadId, index);
    const scopes = frame.scopes;
    const out: ScopeDescription[] = [];
    if (scopes !== undefined) {
      out.push({ name: 'Locals', presentationHint: 'locals', variablesReference: this.reference({ kind: 'scope', which: 'locals', frame }), namedVariables: scopes.locals.length, expensive: false });
      out.push({ name: 'Arguments', presentationHint: 'arguments', variablesReference: this.reference({ kind: 'scope', which: 'arguments', frame }), namedVariables: scopes.parameters.length, expensive: false });
      out.push({ name: 'Globals', variablesReference: this.reference({ kind: 'scope', which: 'globals', frame }), namedVariables: scopes.globals.length, expensive: false });
    }
    out.push({ name: 'Registers', presentationHint: 'registers', variablesReference: this.reference({ kind: 'registers', frame }), expensive: false });
    return out;
  }

  /**
   * What a client asks for after a stop, in one go: the innermost frame's scopes, its Locals and
   * the watch expressions' values (an expression that fails gives its message instead).
   */
  prefetch(threadId: number, watches: readonly string[]): PrefetchResult {
    const scopes = this.scopes(threadId, 0);
    const first = scopes[0];
    const locals = first?.presentationHint === 'locals'
      ? { reference: first.variablesReference, variables: this.variables(first.variablesReference, undefined, 0, 0, {}) }
      : undefined;
    const results = watches.map((expression) => {
      try {
        return { expression, result: this.evaluate(threadId, 0, expression, 'watch', {}) };
      } catch (error) {
        return { expression, error: (error as Error).message };
      }
    });
    return { scopes, locals, watches: results };
  }

  variables(reference: number, filter: ChildFilter, start: number, count: number, format: ValueFormat): VariableDescription[] {
    const container = this.container(reference);
    const children = this.children(container, filter, start, count);
    return children.map((child) => this.describe(child, container, format));
  }

  setVariable(reference: number, name: string, text: string, format: ValueFormat): VariableDescription {
    const container = this.container(reference);
    const frame = 'frame' in container ? container.frame : undefined;
    if (frame === undefined) throw new Error(`${name} cannot be changed`);
    const child = this.children(container, undefined, 0, 0).find((candidate) => candidate.name === name);
    if (child === undefined) throw new Error(`no variable named ${name} here`);
    const target = child.value;
    if (target === undefined) throw new Error(`${name} cannot be changed`);
    this.store(target, text, frame);
    const updated = this.children(container, undefined, 0, 0).find((candidate) => candidate.name === name) ?? child;
    return this.describe(updated, container, format);
  }

  /** `target = text`, the text evaluated in `frame` and converted as C converts an assignment. */
  private store(target: Value, text: string, frame: FrameState): void {
    const value = this.evaluateIn(frame, text, false);
    const converted = convertValue(value, target.type, frame);
    assign(target, valueBytes(converted, frame), frame);
  }

  /** setExpression: `expression = value`. */
  setExpression(threadId: number, index: number, expression: string, text: string, format: ValueFormat): EvaluateDescription {
    const frame = this.frame(threadId, index);
    const target = this.evaluateIn(frame, expression, false);
    this.store(target, text, frame);
    return this.describeResult(this.evaluateIn(frame, expression, false), frame, expression, format);
  }

  evaluate(threadId: number, index: number, expression: string, context: string | undefined, format: ValueFormat): EvaluateDescription {
    const frame = this.frame(threadId, index);
    const value = this.evaluateIn(frame, expression, context === 'repl');
    return this.describeResult(value, frame, expression, format);
  }

  /** A child of a container (a variable, a member, an element) as a value, with the frame it belongs to: what a data breakpoint watches. */
  childValue(reference: number, name: string): { readonly value: Value; readonly frame: FrameState | undefined } {
    const container = this.container(reference);
    const child = this.children(container, undefined, 0, 0).find((candidate) => candidate.name === name);
    if (child === undefined) throw new Error(`no variable named ${name} here`);
    if (child.value === undefined) throw new Error(`${name} is not a value in memory`);
    return { value: child.value, frame: 'frame' in container ? container.frame : undefined };
  }

  /** An expression's value in a frame of a thread (a data breakpoint's target). */
  valueIn(threadId: number, index: number, expression: string): { readonly value: Value; readonly frame: FrameState } {
    const frame = this.frame(threadId, index);
    return { value: this.evaluateIn(frame, expression, false), frame };
  }

  /** Evaluates in a frame built by the caller (a breakpoint condition, a logpoint). */
  evaluateInFrame(frame: FrameState, expression: string): Value {
    return this.evaluateIn(frame, expression, false);
  }

  parse(text: string, scope: FrameScope | undefined): Expression {
    const key = `${scope?.frame.module?.path ?? ''}\0${text}`;
    let parsed = this.parsed.get(key);
    if (parsed === undefined) {
      parsed = parseExpression(text, scope === undefined ? undefined : (name) => scope.isTypeName(name));
      if (this.parsed.size >= PARSE_CACHE_SIZE) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(key, parsed);
    }
    return parsed;
  }

  private evaluateIn(frame: FrameState, text: string, allowAssignment: boolean): Value {
    const scope = new FrameScope(frame, this.modules);
    try {
      return evaluateExpression(this.parse(text, scope), { scope, host: frame, allowAssignment });
    } catch (error) {
      throw userError(error);
    }
  }

  private describeResult(value: Value, frame: FrameState, expression: string, format: ValueFormat): EvaluateDescription {
    const child = this.describe({ name: expression, value, evaluateName: expression }, { kind: 'value', value, frame, evaluateName: expression, raw: false }, format);
    if (child.value.startsWith('<error: ')) throw new Error(child.value.slice(8, -1));
    return {
      result: child.value, type: child.type, variablesReference: child.variablesReference, namedVariables: child.namedVariables,
      indexedVariables: child.indexedVariables, memoryReference: child.memoryReference,
    };
  }

  // ---- containers and children ----

  private reference(container: Container): number {
    const reference = this.nextReference++;
    this.containers.set(reference, container);
    return reference;
  }

  private container(reference: number): Container {
    const container = this.containers.get(reference);
    if (container === undefined) throw new Error(`no variables with reference ${reference} (the program ran since they were shown)`);
    return container;
  }

  private children(container: Container, filter: ChildFilter, start: number, count: number): Child[] {
    switch (container.kind) {
      case 'scope': {
        const scopes = container.frame.scopes;
        const variables = scopes === undefined ? [] : container.which === 'locals' ? scopes.locals : container.which === 'arguments' ? scopes.parameters : scopes.globals;
        return uniqueNames(variables).map((variable) => ({ name: variable.name!, value: container.frame.variableValue(variable), evaluateName: variable.name! }));
      }
      case 'registers':
        return REGISTER_GROUPS
          .filter(({ group }) => container.frame.index === 0 || group === 'general')
          .map(({ group, name }) => ({ name, text: '', expand: { kind: 'register-group', group, frame: container.frame } }));
      case 'register-group':
        return registerEntries(container.frame, container.group).map((entry) => this.registerChild(entry, container.frame));
      case 'flags':
        return container.bits.map(([bit, name]) => ({ name, text: ((container.value >> BigInt(bit)) & 1n).toString(), type: 'bool' }));
      case 'vector':
        return vectorViews(container.register).map(({ name, value }) => ({ name, value }));
      case 'value':
        return this.valueChildren(container, filter, start, count);
    }
  }

  private registerChild(entry: RegisterEntry, frame: FrameState): Child {
    const expand: Container | undefined = entry.expand === undefined ? undefined
      : entry.expand.kind === 'flags' ? { kind: 'flags', value: entry.expand.value, bits: entry.expand.bits }
      : { kind: 'vector', register: entry.expand.register, frame };
    if (entry.value === '' && entry.lvalue !== undefined) return { name: entry.name, value: entry.lvalue, evaluateName: `$${entry.name}` };
    return { name: entry.name, text: entry.value, type: entry.type, value: entry.lvalue, evaluateName: `$${entry.name}`, expand, memoryReference: entry.memoryReference };
  }

  private valueChildren(container: Extract<Container, { kind: 'value' }>, filter: ChildFilter, start: number, count: number): Child[] {
    try {
      return valueChildren(container.value, container.frame, container.evaluateName, container.raw, filter, start, count);
    } catch (error) {
      return filter === 'indexed' ? [] : [{ name: '<error>', text: errorText(error) }];
    }
  }

  private describe(child: Child, parent: Container, format: ValueFormat): VariableDescription {
    if (child.text !== undefined) {
      return {
        name: child.name, value: child.text, ...(child.type === undefined ? {} : { type: child.type }), ...presentationOf(child.hint),
        variablesReference: child.expand === undefined ? 0 : this.reference(child.expand),
        ...(child.evaluateName === undefined ? {} : { evaluateName: child.evaluateName }),
        ...(child.memoryReference === undefined ? {} : { memoryReference: child.memoryReference }),
      };
    }
    const frame = 'frame' in parent ? parent.frame : undefined;
    // A pointer or reference to a polymorphic class shows the object's dynamic type (gdb's `print object on`).
    const value = frame === undefined ? child.value! : withDynamicType(child.value!, frame);
    const raw = child.raw === true;
    const text = frame === undefined ? '' : formatValue(value, frame, raw ? { ...format, raw } : format);
    const description: VariableDescription = {
      name: child.name, value: text, type: typeName(value.type), variablesReference: 0,
      ...(child.evaluateName === undefined ? {} : { evaluateName: child.evaluateName }),
      ...presentationOf(child.hint),
    };
    // An unreadable value has nothing to expand; a library type its visualizer could not read keeps its raw members.
    if (frame === undefined || (text.startsWith('<') && visualizerFor(referredType(value.type)) === undefined)) return description;
    const type = stripTypedefs(value.type);
    let memoryReference: bigint | undefined = value.place.kind === 'memory' && value.bits === undefined ? value.place.address : undefined;
    if (type.kind === 'pointer' || type.kind === 'reference') {
      try {
        memoryReference = integerOf(value, frame);
      } catch {
        memoryReference = undefined;
      }
    }
    let shape: ValueShape;
    try {
      shape = valueShape(value, frame, raw);
    } catch {
      shape = { expandable: false };
    }
    if (shape.expandable) {
      description.variablesReference = this.reference({ kind: 'value', value, frame, evaluateName: child.containerName ?? child.evaluateName, raw });
      if (shape.indexed !== undefined) description.indexedVariables = shape.indexed;
      if (shape.named !== undefined) description.namedVariables = shape.named;
    }
    if (memoryReference !== undefined) description.memoryReference = `0x${memoryReference.toString(16)}`;
    return description;
  }
}

/** What a reference refers to; any other type itself. */
function referredType(type: DwarfType): DwarfType {
  const resolved = stripTypedefs(type);
  return resolved.kind === 'reference' ? resolved.target : type;
}

/** DAP's presentation hint of a base class, a static member, the raw view. */
function presentationOf(hint: ChildHint | undefined): Pick<VariableDescription, 'presentationHint'> {
  switch (hint) {
    case 'baseClass': return { presentationHint: { kind: 'baseClass' } };
    case 'static': return { presentationHint: { attributes: ['static'] } };
    case 'raw': return { presentationHint: { kind: 'data', attributes: ['rawString'] } };
    default: return {};
  }
}

/** Variables with a name; of several with one name (shadowing), the innermost, listed once. */
function uniqueNames(variables: readonly VariableInfo[]): VariableInfo[] {
  const seen = new Set<string>();
  const out: VariableInfo[] = [];
  for (const variable of variables) {
    if (variable.name === undefined || seen.has(variable.name)) continue;
    seen.add(variable.name);
    out.push(variable);
  }
  return out;
}

/** Errors a user caused, with the message only. */
function userError(error: unknown): Error {
  if (error instanceof ExpressionSyntaxError || error instanceof EvaluationError || error instanceof ValueError || error instanceof DwarfExpressionError) {
    return new Error((error as Error).message);
  }
  return error as Error;
}
