// The user's breakpoints (source lines and function names, with hit conditions) and their
// locations in the loaded modules. A breakpoint that matches no loaded code is pending
// (verified: false); it is resolved when a module that has it is loaded, and the session is
// told with a `breakpoint` event.
import { basename } from 'node:path';
import type { BreakpointOptions, BreakpointState, FunctionBreakpointSpec, InstructionBreakpointSpec, SourceBreakpointSpec } from '../engine/protocol.js';
import type { LoadedModule } from '../modules/module-map.js';
import { hex } from '../util/hex.js';
import { parseHitCondition, type HitCondition } from './hit-condition.js';
import { functionAddresses, sourceLineAddresses } from './locations.js';
import type { SoftwareBreakpoints } from './software-breakpoints.js';

const OWNER_PREFIX = 'user:';

interface Location {
  /** Run-time address. */
  readonly address: bigint;
  readonly module: LoadedModule;
}

type Target =
  | { readonly kind: 'source'; readonly path: string; readonly line: number }
  | { readonly kind: 'function'; readonly name: string }
  /** A run-time address (an instruction breakpoint). */
  | { readonly kind: 'instruction'; readonly address: bigint };

interface UserBreakpoint {
  readonly id: number;
  readonly target: Target;
  readonly hitConditionText: string | undefined;
  readonly condition: string | undefined;
  readonly logMessage: string | undefined;
  readonly hitCondition: HitCondition | undefined;
  /** Why it cannot be used (a malformed hit condition). */
  readonly error: string | undefined;
  hits: number;
  locations: Location[];
  /** Where a source breakpoint landed: the next line that has code. */
  resolvedLine: number | undefined;
}

/** The breakpoints that want a stop at an address that was hit. */
export interface BreakpointHit {
  readonly ids: number[];
  readonly reason: 'breakpoint' | 'function breakpoint' | 'instruction breakpoint';
  /** Why the stop is shown (a condition that could not be evaluated). */
  readonly description?: string;
}

/** How a hit is judged in the thread that made it: conditions and logpoint messages are evaluated there. */
export interface HitJudge {
  /** true or false, or the message of an evaluation error (the breakpoint then stops). */
  condition(expression: string): boolean | string;
  /** Logs a logpoint's message. */
  log(message: string, breakpoint: { readonly path?: string; readonly line?: number }): void;
}

export class UserBreakpoints {
  private readonly bySource = new Map<string, UserBreakpoint[]>();
  private functions: UserBreakpoint[] = [];
  private instructions: UserBreakpoint[] = [];
  private readonly byId = new Map<number, UserBreakpoint>();
  private nextId = 1;
  /** The modules of the debuggee, once there is one: without it, breakpoints wait. */
  private modules: readonly LoadedModule[] = [];

  constructor(private readonly breakpoints: SoftwareBreakpoints) {}

  /** An id from the same sequence, for another kind of breakpoint (data breakpoints): DAP ids are unique in a session. */
  allocateId(): number {
    return this.nextId++;
  }

  /** Replaces the breakpoints of one source file. */
  setSourceBreakpoints(path: string, specs: readonly SourceBreakpointSpec[]): BreakpointState[] {
    const previous = this.bySource.get(path) ?? [];
    const next = specs.map((spec) => this.reuseOrCreate(previous, { kind: 'source', path, line: spec.line }, spec));
    this.retire(previous.filter((breakpoint) => !next.includes(breakpoint)));
    this.bySource.set(path, next);
    return next.map((breakpoint) => this.state(breakpoint));
  }

  /** Replaces every function breakpoint. */
  setFunctionBreakpoints(specs: readonly FunctionBreakpointSpec[]): BreakpointState[] {
    const previous = this.functions;
    const next = specs.map((spec) => this.reuseOrCreate(previous, { kind: 'function', name: spec.name }, spec));
    this.retire(previous.filter((breakpoint) => !next.includes(breakpoint)));
    this.functions = next;
    return next.map((breakpoint) => this.state(breakpoint));
  }

  /** Replaces every instruction breakpoint. */
  setInstructionBreakpoints(specs: readonly InstructionBreakpointSpec[]): BreakpointState[] {
    const previous = this.instructions;
    const next = specs.map((spec) => {
      let address: bigint;
      try {
        address = BigInt(spec.address);
      } catch {
        address = -1n;
      }
      return this.reuseOrCreate(previous, { kind: 'instruction', address }, spec);
    });
    this.retire(previous.filter((breakpoint) => !next.includes(breakpoint)));
    this.instructions = next;
    return next.map((breakpoint) => this.state(breakpoint));
  }

  /** A new debuggee (launch, attach, exec): every breakpoint is resolved in its modules.
   * Returns those that were set before and are now verified. */
  attachTo(modules: readonly LoadedModule[]): BreakpointState[] {
    this.modules = modules;
    const verified: BreakpointState[] = [];
    for (const breakpoint of this.byId.values()) {
      breakpoint.locations = [];
      breakpoint.resolvedLine = undefined;
      if (breakpoint.error === undefined && this.resolve(breakpoint, modules)) verified.push(this.state(breakpoint));
    }
    return verified;
  }

  /** The debuggee is gone or let go: locations are forgotten (its memory is not touched). */
  detach(): void {
    this.modules = [];
    for (const breakpoint of this.byId.values()) {
      breakpoint.locations = [];
      breakpoint.resolvedLine = undefined;
    }
  }

  /** Modules appeared (the dynamic loader ran): pending breakpoints are looked for in them.
   * Returns the breakpoints that changed. */
  modulesLoaded(all: readonly LoadedModule[], added: readonly LoadedModule[], removed: readonly LoadedModule[]): BreakpointState[] {
    this.modules = all;
    const changed = new Set<UserBreakpoint>();
    if (removed.length > 0) {
      // Unmapped code took its int3s with it.
      const gone = new Set(removed);
      for (const breakpoint of this.byId.values()) {
        const kept = breakpoint.locations.filter((location) => !gone.has(location.module));
        if (kept.length === breakpoint.locations.length) continue;
        for (const location of breakpoint.locations) if (gone.has(location.module)) this.breakpoints.forget(location.address, ownerOf(breakpoint));
        breakpoint.locations = kept;
        if (kept.length === 0) breakpoint.resolvedLine = undefined;
        changed.add(breakpoint);
      }
    }
    if (added.length > 0) {
      for (const breakpoint of this.byId.values()) {
        if (breakpoint.locations.length > 0 || breakpoint.error !== undefined) continue;
        if (this.resolve(breakpoint, added)) changed.add(breakpoint);
      }
    }
    return [...changed].map((breakpoint) => this.state(breakpoint));
  }

  /** Counts a hit of every breakpoint that owns the address; those whose hit condition holds
   * want a stop. */
  hit(owners: ReadonlySet<string>, judge?: HitJudge): BreakpointHit | undefined {
    const ids: number[] = [];
    const kinds = new Set<Target['kind']>();
    let description: string | undefined;
    for (const owner of owners) {
      if (!owner.startsWith(OWNER_PREFIX)) continue;
      const breakpoint = this.byId.get(Number(owner.slice(OWNER_PREFIX.length)));
      if (breakpoint === undefined) continue;
      // A condition is tested first: a hit whose condition is false is not counted (as in VS Code's own debuggers).
      if (breakpoint.condition !== undefined && judge !== undefined) {
        const verdict = judge.condition(breakpoint.condition);
        if (verdict === false) continue;
        if (typeof verdict === 'string') description = `Breakpoint condition "${breakpoint.condition}" could not be evaluated: ${verdict}`;
      }
      breakpoint.hits++;
      if (description === undefined && breakpoint.hitCondition !== undefined && !breakpoint.hitCondition(breakpoint.hits)) continue;
      if (description === undefined && breakpoint.logMessage !== undefined && judge !== undefined) {
        const where = breakpoint.target.kind === 'source' ? { path: breakpoint.target.path, line: breakpoint.resolvedLine ?? breakpoint.target.line } : {};
        judge.log(breakpoint.logMessage, where);
        continue;
      }
      ids.push(breakpoint.id);
      kinds.add(breakpoint.target.kind);
    }
    if (ids.length === 0) return undefined;
    const reason = kinds.size === 1 && kinds.has('function') ? 'function breakpoint' : kinds.size === 1 && kinds.has('instruction') ? 'instruction breakpoint' : 'breakpoint';
    return { ids, reason, ...(description === undefined ? {} : { description }) };
  }

  private reuseOrCreate(previous: readonly UserBreakpoint[], target: Target, options: BreakpointOptions): UserBreakpoint {
    const text = blankToUndefined(options.hitCondition);
    const condition = blankToUndefined(options.condition);
    const logMessage = blankToUndefined(options.logMessage);
    // Kept across requests when unchanged: same id for the client, same hit count.
    const same = previous.find((candidate) => sameTarget(candidate.target, target) && candidate.hitConditionText === text
      && candidate.condition === condition && candidate.logMessage === logMessage);
    if (same !== undefined) return same;
    let hitCondition: HitCondition | undefined;
    let error: string | undefined;
    if (text !== undefined) {
      try {
        hitCondition = parseHitCondition(text);
      } catch (problem) {
        error = (problem as Error).message;
      }
    }
    if (target.kind === 'instruction' && target.address < 0n) error = 'the instruction reference is not an address';
    const breakpoint: UserBreakpoint = {
      id: this.nextId++, target, hitConditionText: text, condition, logMessage, hitCondition, error, hits: 0, locations: [], resolvedLine: undefined,
    };
    this.byId.set(breakpoint.id, breakpoint);
    if (error === undefined) this.resolve(breakpoint, this.modules);
    return breakpoint;
  }

  private retire(breakpoints: readonly UserBreakpoint[]): void {
    for (const breakpoint of breakpoints) {
      for (const location of breakpoint.locations) this.breakpoints.delete(location.address, ownerOf(breakpoint));
      this.byId.delete(breakpoint.id);
    }
  }

  /** Looks for the breakpoint in `modules` and writes its int3s; true if it found any. */
  private resolve(breakpoint: UserBreakpoint, modules: readonly LoadedModule[]): boolean {
    let found = false;
    for (const module of modules) {
      let addresses: readonly bigint[] = [];
      try {
        if (breakpoint.target.kind === 'source') {
          const lines = sourceLineAddresses(module, breakpoint.target.path, breakpoint.target.line);
          if (lines === undefined) continue;
          if (breakpoint.resolvedLine === undefined || lines.line < breakpoint.resolvedLine) breakpoint.resolvedLine = lines.line;
          addresses = lines.addresses;
        } else if (breakpoint.target.kind === 'function') {
          addresses = functionAddresses(module, breakpoint.target.name);
        } else {
          const address = breakpoint.target.address;
          if (address < module.start || address >= module.end) continue;
          addresses = [address - module.bias];
        }
      } catch {
        continue; // corrupt debug information in this module: the others may still have it
      }
      for (const fileAddress of addresses) {
        const address = fileAddress + module.bias;
        try {
          this.breakpoints.add(address, ownerOf(breakpoint));
        } catch {
          continue; // not mapped (yet): the location is useless
        }
        breakpoint.locations.push({ address, module });
        found = true;
      }
    }
    return found;
  }

  private state(breakpoint: UserBreakpoint): BreakpointState {
    const first = breakpoint.locations[0];
    if (first === undefined) {
      const message = breakpoint.error ?? (breakpoint.target.kind === 'source'
        ? `no code for ${basename(breakpoint.target.path)}:${breakpoint.target.line} in the loaded modules (pending)`
        : breakpoint.target.kind === 'function' ? `no function named ${breakpoint.target.name} in the loaded modules (pending)`
        : `no loaded code at 0x${breakpoint.target.address.toString(16)} (pending)`);
      return { id: breakpoint.id, verified: false, message };
    }
    if (breakpoint.target.kind === 'source') {
      return {
        id: breakpoint.id, verified: true, line: breakpoint.resolvedLine ?? breakpoint.target.line, path: breakpoint.target.path,
        instructionReference: hex(first.address),
      };
    }
    // A function or instruction breakpoint shows the source line of its address.
    const position = first.module.symbols.lineForAddress(first.address - first.module.bias);
    return {
      id: breakpoint.id, verified: true, instructionReference: hex(first.address),
      ...(position === undefined ? {} : { line: position.line, path: position.file }),
    };
  }
}

function ownerOf(breakpoint: UserBreakpoint): string {
  return `${OWNER_PREFIX}${breakpoint.id}`;
}

function sameTarget(a: Target, b: Target): boolean {
  if (a.kind === 'source' && b.kind === 'source') return a.path === b.path && a.line === b.line;
  if (a.kind === 'function' && b.kind === 'function') return a.name === b.name;
  if (a.kind === 'instruction' && b.kind === 'instruction') return a.address === b.address;
  return false;
}

function blankToUndefined(text: string | undefined): string | undefined {
  return text === undefined || text === null || text.trim() === '' ? undefined : text;
}
