// Data breakpoints (watchpoints) in the x86-64 debug registers, as gdb's hardware watchpoints
// behave:
// - the set is the same in every thread: written into each thread that exists when it changes,
//   and into each new thread at its first stop (the kernel gives a new thread empty debug
//   registers: they are not inherited);
// - the CPU traps after the accessing instruction; DR6 says which slot fired and is cleared by
//   us after each trap (the kernel keeps its bits until then);
// - `write` stops when the value changed (gdb's `watch`: a store of the same value is no stop),
//   `read` stops when it did not (x86 has no read-only watch: a read-or-write slot fires and a
//   changed value means it was a write, gdb's `rwatch`), `readWrite` stops on every access
//   (`awatch`);
// - a watchpoint on a variable of a frame (an address in that thread's stack, under the frame's
//   CFA) is deleted when that frame returns, with gdb's message: a breakpoint at the return
//   address where the stack pointer is back above the CFA;
// - writes by the kernel (read(2) into a watched buffer) do not trigger: the debug registers
//   only see the program's own instructions (gdb documents the same).
import { isTraceeGone, type Tracee } from '@umview/ptrace-core';
import type { BreakpointState, DataBreakpointInfoResult, DataBreakpointSpec } from '../engine/protocol.js';
import type { ThreadState } from '../engine/thread-state.js';
import { hex } from '../util/hex.js';
import {
  DEBUG_SLOTS, debugRegisterOffset, encodeDr7, slotsHit, splitRange, type AccessType, type SlotSetting, type WatchPiece,
} from './debug-registers.js';
import { parseHitCondition, type HitCondition } from './hit-condition.js';
import type { SoftwareBreakpoints } from './software-breakpoints.js';
import type { HitJudge } from './user-breakpoints.js';

const SCOPE_OWNER_PREFIX = 'watch-scope:';
const ACCESS_TYPES: readonly AccessType[] = ['write', 'read', 'readWrite'];

/** Where a watched variable of a frame stops being valid: that frame's return. */
export interface WatchScope {
  readonly threadId: number;
  /** The frame's CFA: the stack pointer once it has returned. */
  readonly cfa: bigint;
  readonly returnAddress: bigint;
}

/** What can be watched, as dataBreakpointInfo found it. */
export interface DataTarget {
  readonly address: bigint;
  readonly size: number;
  /** The expression as the user named it (shown in the stop: "Hardware watchpoint 2: counter"). */
  readonly name: string;
  readonly scope?: WatchScope;
  /** Formats the watched bytes as a value of their type (in the thread that stopped). */
  readonly format?: (bytes: Buffer, thread: ThreadState) => string;
}

export interface DataHit {
  readonly ids: number[];
  readonly description: string;
}

interface Watchpoint {
  readonly id: number;
  readonly dataId: string;
  readonly target: DataTarget;
  readonly access: AccessType;
  readonly condition: string | undefined;
  readonly hitConditionText: string | undefined;
  readonly hitCondition: HitCondition | undefined;
  /** The slots it has, or why it has none. */
  slots: number[];
  error: string | undefined;
  /** The value when last looked at (armed, or the last hit). */
  old: Buffer | undefined;
  /** Its registers are written in the threads (its `old` is the value from then on). */
  armed: boolean;
  hits: number;
}

/** What the watchpoints need of the engine. */
export interface DataBreakpointHost {
  /** Every thread of the debuggee (all stopped when the set changes). */
  threads(): Iterable<ThreadState>;
  hasProcess(): boolean;
  readonly breakpoints: SoftwareBreakpoints;
  nextId(): number;
  /** Runs `change` once every thread is stopped (stopping a running debuggee for it); false when it cannot now. */
  withAllStopped(change: () => void): boolean;
}

export class DataBreakpoints {
  private watchpoints: Watchpoint[] = [];
  /** Targets described by dataBreakpointInfo, by dataId (how a later setDataBreakpoints finds their names and types). */
  private readonly targets = new Map<string, DataTarget>();
  private slots: SlotSetting[] = new Array<SlotSetting>(DEBUG_SLOTS).fill(undefined);
  private slotOwners: (Watchpoint | undefined)[] = new Array<Watchpoint | undefined>(DEBUG_SLOTS).fill(undefined);
  /** The registers of the threads are behind the set (changed while threads ran, or a scope ended). */
  private dirty = false;
  /** Why the machine cannot watch (its debug registers refused a write), once seen. */
  private unavailable: string | undefined;
  /** The machine was seen to take a debug register (probe). */
  private probed = false;
  /** The slots DR6 named at each thread's last trap, until `hit` judges them. */
  private readonly lastHit = new Map<number, number[]>();

  constructor(private readonly host: DataBreakpointHost) {
    if (process.arch !== 'x64') this.unavailable = `data breakpoints are not available here: they use the x86-64 debug registers; this is ${process.arch}`;
  }

  /** Why data breakpoints cannot be set here, or undefined when they can. */
  get unavailableReason(): string | undefined {
    return this.unavailable;
  }

  /**
   * Whether this machine lets a tracer arm a debug register (some hypervisors give the guest
   * none): tried once, on a stopped thread, with an unused slot armed on its pc (a user address
   * the kernel accepts whatever the user asked for) and put back. Returns the reason when it cannot.
   */
  private probe(thread: ThreadState): string | undefined {
    if (this.unavailable !== undefined || this.probed) return this.unavailable;
    const free = this.slots.findIndex((slot) => slot === undefined);
    if (free < 0) return undefined; // a slot is armed: the registers work
    const tracee = thread.tracee;
    try {
      const pc = thread.pc;
      const aligned = pc - (pc % 8n);
      const savedAddress = tracee.peekUser(debugRegisterOffset(free));
      const savedDr7 = tracee.peekUser(debugRegisterOffset(7));
      const slots = [...this.slots];
      slots[free] = { piece: { address: aligned, length: 1 }, access: 'write' };
      tracee.pokeUser(debugRegisterOffset(free), aligned);
      try {
        tracee.pokeUser(debugRegisterOffset(7), encodeDr7(slots));
      } finally {
        tracee.pokeUser(debugRegisterOffset(7), savedDr7);
        tracee.pokeUser(debugRegisterOffset(free), savedAddress);
      }
      this.probed = true;
    } catch (error) {
      if (isTraceeGone(error)) return undefined;
      this.unavailable = `data breakpoints are not available here: this machine gives the program no hardware debug registers (${(error as Error).message})`;
    }
    return this.unavailable;
  }

  /** Whether any slot is armed (a SIGTRAP then needs a look at DR6). */
  get armed(): boolean {
    return this.slots.some((slot) => slot !== undefined);
  }

  /** dataBreakpointInfo's answer for a target: its dataId, or null and why (no debug registers here, too long a range). */
  info(target: DataTarget, stopped: ThreadState | undefined): DataBreakpointInfoResult {
    const missing = stopped === undefined ? this.unavailable : this.probe(stopped);
    if (missing !== undefined) return { dataId: null, description: missing };
    const problem = this.rangeProblem(target.address, target.size);
    if (problem !== undefined) return { dataId: null, description: problem };
    const size = `${target.size} byte${target.size === 1 ? '' : 's'}`;
    return { dataId: this.describe(target), description: `${target.name} (${size} at ${hex(target.address)})`, accessTypes: [...ACCESS_TYPES], canPersist: false };
  }

  /** Remembers a target and gives its dataId: the address, size and scope, as text. */
  private describe(target: DataTarget): string {
    const scope = target.scope === undefined ? '' : `@${target.scope.threadId}/${hex(target.scope.cfa)}/${hex(target.scope.returnAddress)}`;
    const dataId = `${hex(target.address)}/${target.size}${scope}`;
    this.targets.set(dataId, target);
    return dataId;
  }

  /** Why a range cannot be watched at all (too many slots for it alone), or undefined. */
  private rangeProblem(address: bigint, size: number): string | undefined {
    if (size <= 0) return 'it has no size';
    const pieces = splitRange(address, size);
    if (pieces.length > DEBUG_SLOTS) {
      return `${size} bytes at ${hex(address)} need ${pieces.length} debug registers; x86-64 has ${DEBUG_SLOTS} (watch up to 8 aligned bytes per register, 32 in all)`;
    }
    return undefined;
  }

  /** Replaces the whole set; one state per spec, in order. */
  set(specs: readonly DataBreakpointSpec[]): BreakpointState[] {
    const previous = this.watchpoints;
    const next = specs.map((spec) => this.reuseOrCreate(previous, spec));
    for (const gone of previous.filter((watchpoint) => !next.includes(watchpoint))) this.dropScope(gone);
    this.watchpoints = next;
    if (!this.host.hasProcess()) {
      for (const watchpoint of next) if (watchpoint.error === undefined) watchpoint.error = 'there is no debuggee: a data breakpoint watches the memory of a running program';
      this.watchpoints = [];
      return next.map((watchpoint) => this.state(watchpoint));
    }
    this.allocate();
    // Written in every thread, which must be stopped for it: a running debuggee is stopped for
    // the moment it takes (until then, or until the next stop, a trap of the old set is still ours).
    this.dirty = true;
    this.host.withAllStopped(() => this.sync());
    return next.map((watchpoint) => this.state(watchpoint));
  }

  /** A new thread's first stop: it gets the slots (its debug registers start empty). */
  threadReady(thread: ThreadState): void {
    if (!this.armed) return;
    try {
      this.write(thread.tracee);
    } catch {
      // gone already
    }
  }

  /** Every thread is stopped: registers behind the set (a scope ended meanwhile) are written. */
  sync(): void {
    if (!this.dirty) return;
    this.allocate();
    this.writeAll();
  }

  /**
   * A SIGTRAP that is not one of our int3s: whether a slot of ours fired (DR6), which is then
   * remembered for `hit` and DR6 cleared, so that the next trap reads only its own bits.
   */
  trapped(thread: ThreadState): boolean {
    if (!this.armed && !this.dirty) return false;
    let dr6: bigint;
    try {
      dr6 = thread.tracee.peekUser(debugRegisterOffset(6));
    } catch {
      return false;
    }
    const slots = slotsHit(dr6);
    if (slots.length === 0) return false;
    try {
      thread.tracee.pokeUser(debugRegisterOffset(6), 0n);
    } catch {
      // gone: its exit comes next
    }
    this.lastHit.set(thread.tid, slots);
    return true;
  }

  /** The stop a trapped thread makes, or undefined when gdb would go on (the value did not change for a write watch...). */
  hit(thread: ThreadState, judge: HitJudge): DataHit | undefined {
    const slots = this.lastHit.get(thread.tid) ?? [];
    this.lastHit.delete(thread.tid);
    const watched = new Set<Watchpoint>();
    for (const slot of slots) {
      const owner = this.slotOwners[slot];
      if (owner !== undefined && this.watchpoints.includes(owner)) watched.add(owner);
    }
    const ids: number[] = [];
    const texts: string[] = [];
    let conditionError: string | undefined;
    for (const watchpoint of watched) {
      const now = readBytes(thread.tracee, watchpoint.target.address, watchpoint.target.size);
      const old = watchpoint.old;
      const changed = now !== undefined && old !== undefined && !now.equals(old);
      watchpoint.old = now;
      if (watchpoint.access === 'write' && !changed) continue;
      if (watchpoint.access === 'read' && changed) continue; // a write, seen by a read-or-write slot
      if (watchpoint.condition !== undefined) {
        const verdict = judge.condition(watchpoint.condition);
        if (verdict === false) continue;
        if (typeof verdict === 'string') conditionError = `Breakpoint condition "${watchpoint.condition}" could not be evaluated: ${verdict}`;
      }
      watchpoint.hits++;
      if (conditionError === undefined && watchpoint.hitCondition !== undefined && !watchpoint.hitCondition(watchpoint.hits)) continue;
      ids.push(watchpoint.id);
      const format = (bytes: Buffer | undefined): string => (bytes === undefined ? '<unreadable>' : (watchpoint.target.format?.(bytes, thread) ?? rawValue(bytes)));
      const values = changed ? `Old value = ${format(old)}\nNew value = ${format(now)}` : `Value = ${format(now)}`;
      texts.push(`${kindName(watchpoint.access)} ${watchpoint.id}: ${watchpoint.target.name}\n\n${values}`);
    }
    if (ids.length === 0) return undefined;
    return { ids, description: [...texts, ...(conditionError === undefined ? [] : [conditionError])].join('\n\n') };
  }

  /**
   * Our breakpoint at a watched frame's return address was hit: the watchpoints whose frame
   * has returned (the stack pointer is back at its CFA; a deeper recursive call returning to
   * the same address is not it) are deleted, and the stop says so as gdb does.
   */
  scopeExit(owners: ReadonlySet<string>, thread: ThreadState): { ids: number[]; description: string; removed: BreakpointState[] } | undefined {
    const ended: Watchpoint[] = [];
    for (const owner of owners) {
      if (!owner.startsWith(SCOPE_OWNER_PREFIX)) continue;
      const watchpoint = this.watchpoints.find((candidate) => candidate.id === Number(owner.slice(SCOPE_OWNER_PREFIX.length)));
      const scope = watchpoint?.target.scope;
      if (watchpoint === undefined || scope === undefined || scope.threadId !== thread.tid) continue;
      if (thread.registers().rsp < scope.cfa) continue;
      ended.push(watchpoint);
    }
    if (ended.length === 0) return undefined;
    for (const watchpoint of ended) this.dropScope(watchpoint);
    this.watchpoints = this.watchpoints.filter((watchpoint) => !ended.includes(watchpoint));
    this.dirty = true; // written when every thread is stopped (sync)
    const removed = ended.map((watchpoint) => ({
      id: watchpoint.id, verified: false, message: `deleted: the program has left the block in which ${watchpoint.target.name} is valid`,
    }));
    const description = ended.map((watchpoint) => `Watchpoint ${watchpoint.id} deleted because the program has left the block in which its expression is valid.`).join('\n');
    return { ids: ended.map((watchpoint) => watchpoint.id), description, removed };
  }

  /** Every thread stopped, to be let go: DR7 off in each (an armed one would kill it with SIGTRAP untraced). */
  disarm(): void {
    for (const thread of this.host.threads()) {
      try {
        thread.tracee.pokeUser(debugRegisterOffset(7), 0n);
      } catch {
        // gone
      }
    }
    this.clear();
  }

  /** The address space is gone (exit, exec): nothing is watched any more. Returns the states of
   * the watchpoints that were set, now unverified with `why`. */
  clear(why = 'the program ended'): BreakpointState[] {
    const dropped = this.watchpoints.map((watchpoint) => ({ id: watchpoint.id, verified: false, message: `deleted: ${why}` }));
    for (const watchpoint of this.watchpoints) this.dropScope(watchpoint);
    this.watchpoints = [];
    this.targets.clear();
    this.lastHit.clear();
    this.slots = new Array<SlotSetting>(DEBUG_SLOTS).fill(undefined);
    this.slotOwners = new Array<Watchpoint | undefined>(DEBUG_SLOTS).fill(undefined);
    this.dirty = false;
    this.probed = false;
    return dropped;
  }

  // ---- internals ----

  private reuseOrCreate(previous: readonly Watchpoint[], spec: DataBreakpointSpec): Watchpoint {
    const access = spec.accessType ?? 'write';
    const condition = blankToUndefined(spec.condition);
    const hitConditionText = blankToUndefined(spec.hitCondition);
    // Kept when unchanged: same id for the client, same hit count.
    const same = previous.find((candidate) => candidate.dataId === spec.dataId && candidate.access === access
      && candidate.condition === condition && candidate.hitConditionText === hitConditionText);
    if (same !== undefined) {
      same.error = undefined;
      return same;
    }
    let error: string | undefined;
    let hitCondition: HitCondition | undefined;
    if (!ACCESS_TYPES.includes(access)) error = `unknown access type "${String(access)}": expected write, read or readWrite`;
    if (hitConditionText !== undefined) {
      try {
        hitCondition = parseHitCondition(hitConditionText);
      } catch (problem) {
        error ??= (problem as Error).message;
      }
    }
    const target = this.targets.get(spec.dataId) ?? parseDataId(spec.dataId);
    if (target === undefined) error ??= `"${spec.dataId}" is not a data breakpoint id of this session (ask dataBreakpointInfo for one)`;
    const watchpoint: Watchpoint = {
      id: this.host.nextId(), dataId: spec.dataId, target: target ?? { address: 0n, size: 0, name: spec.dataId }, access, condition,
      hitConditionText, hitCondition, slots: [], error, old: undefined, armed: false, hits: 0,
    };
    if (error === undefined && this.unavailable !== undefined) watchpoint.error = this.unavailable;
    if (watchpoint.error === undefined) watchpoint.error = this.rangeProblem(watchpoint.target.address, watchpoint.target.size);
    if (watchpoint.error === undefined && this.host.hasProcess()) {
      watchpoint.old = readBytes(this.anyTracee(), watchpoint.target.address, watchpoint.target.size);
      if (watchpoint.old === undefined) watchpoint.error = `cannot access memory at address ${hex(watchpoint.target.address)}`;
    }
    if (watchpoint.error === undefined && watchpoint.target.scope !== undefined) {
      try {
        this.host.breakpoints.add(watchpoint.target.scope.returnAddress, `${SCOPE_OWNER_PREFIX}${watchpoint.id}`);
      } catch {
        // The frame's return address is not code we can patch: the watchpoint outlives it.
      }
    }
    return watchpoint;
  }

  /** Gives the slots to the watchpoints in order; those that do not fit get a message. */
  private allocate(): void {
    const slots: SlotSetting[] = new Array<SlotSetting>(DEBUG_SLOTS).fill(undefined);
    const owners: (Watchpoint | undefined)[] = new Array<Watchpoint | undefined>(DEBUG_SLOTS).fill(undefined);
    let free = 0;
    for (const watchpoint of this.watchpoints) {
      watchpoint.slots = [];
      if (watchpoint.error !== undefined) continue;
      const pieces: WatchPiece[] = splitRange(watchpoint.target.address, watchpoint.target.size);
      if (free + pieces.length > DEBUG_SLOTS) {
        const users = this.watchpoints.filter((other) => other.slots.length > 0).map((other) => other.id);
        watchpoint.error = `all ${DEBUG_SLOTS} hardware debug registers are in use (by data breakpoint${users.length > 1 ? 's' : ''} ${users.join(', ')}); `
          + `this one needs ${pieces.length}`;
        continue;
      }
      for (const piece of pieces) {
        slots[free] = { piece, access: watchpoint.access };
        owners[free] = watchpoint;
        watchpoint.slots.push(free);
        free++;
      }
    }
    this.slots = slots;
    this.slotOwners = owners;
  }

  /** Writes the slots into every thread; a machine that refuses them makes every watchpoint fail. */
  private writeAll(): void {
    this.dirty = false;
    // A watchpoint set while the program ran is armed now: what it compares with is the value now.
    const tracee = this.host.hasProcess() ? this.anyTracee() : undefined;
    for (const watchpoint of this.watchpoints) {
      if (watchpoint.armed || watchpoint.slots.length === 0 || tracee === undefined) continue;
      watchpoint.old = readBytes(tracee, watchpoint.target.address, watchpoint.target.size) ?? watchpoint.old;
      watchpoint.armed = true;
    }
    for (const thread of this.host.threads()) {
      try {
        this.write(thread.tracee);
      } catch (error) {
        if (isTraceeGone(error)) continue;
        this.unavailable = `data breakpoints are not available here: this machine gives the program no hardware debug registers (${(error as Error).message})`;
        for (const watchpoint of this.watchpoints) {
          watchpoint.error ??= this.unavailable;
          watchpoint.slots = [];
        }
        this.slots = new Array<SlotSetting>(DEBUG_SLOTS).fill(undefined);
        this.slotOwners = new Array<Watchpoint | undefined>(DEBUG_SLOTS).fill(undefined);
        for (const other of this.host.threads()) {
          try {
            other.tracee.pokeUser(debugRegisterOffset(7), 0n);
          } catch {
            // nothing armed there
          }
        }
        return;
      }
    }
  }

  /** DR7 off first (the kernel checks each address against the enabled lengths), then the addresses, then DR7. */
  private write(tracee: Tracee): void {
    tracee.pokeUser(debugRegisterOffset(7), 0n);
    this.slots.forEach((slot, index) => {
      if (slot !== undefined) tracee.pokeUser(debugRegisterOffset(index), slot.piece.address);
    });
    const dr7 = encodeDr7(this.slots);
    if (dr7 !== 0n) tracee.pokeUser(debugRegisterOffset(7), dr7);
  }

  private dropScope(watchpoint: Watchpoint): void {
    const scope = watchpoint.target.scope;
    if (scope === undefined) return;
    try {
      this.host.breakpoints.delete(scope.returnAddress, `${SCOPE_OWNER_PREFIX}${watchpoint.id}`);
    } catch {
      // the process is gone
    }
  }

  private anyTracee(): Tracee {
    const first = this.host.threads()[Symbol.iterator]().next();
    if (first.done === true) throw new Error('the debuggee has no live thread');
    return first.value.tracee;
  }

  private state(watchpoint: Watchpoint): BreakpointState {
    if (watchpoint.error !== undefined) return { id: watchpoint.id, verified: false, message: watchpoint.error };
    return { id: watchpoint.id, verified: true };
  }
}

/** The name gdb gives each kind in its stop message. */
function kindName(access: AccessType): string {
  switch (access) {
    case 'write': return 'Hardware watchpoint';
    case 'read': return 'Hardware read watchpoint';
    case 'readWrite': return 'Hardware access (read/write) watchpoint';
  }
}

/** A dataId this session did not describe (the client kept it): address and size only. */
function parseDataId(dataId: string): DataTarget | undefined {
  const match = /^(0x[0-9a-f]+)\/(\d+)$/i.exec(typeof dataId === 'string' ? dataId : '');
  if (match === null) return undefined;
  return { address: BigInt(match[1]!), size: Number(match[2]), name: `*(char (*)[${match[2]}]) ${match[1]}` };
}

function readBytes(tracee: Tracee, address: bigint, size: number): Buffer | undefined {
  try {
    const bytes = tracee.read(address, size);
    return bytes.length === size ? Buffer.from(bytes) : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes without a type: an integer of their size, or hex bytes. */
function rawValue(bytes: Buffer): string {
  if (bytes.length === 1 || bytes.length === 2 || bytes.length === 4 || bytes.length === 8) {
    let value = 0n;
    for (let index = bytes.length - 1; index >= 0; index--) value = (value << 8n) | BigInt(bytes[index]!);
    return value.toString();
  }
  return `{${[...bytes].map((byte) => `0x${byte.toString(16).padStart(2, '0')}`).join(', ')}}`;
}

function blankToUndefined(text: string | undefined): string | undefined {
  return text === undefined || text === null || text.trim() === '' ? undefined : text;
}
