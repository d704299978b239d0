// The planner's pure parts: interval sets, stream merging, group cuts, the one-by-one cost.
import { describe, expect, it } from 'vitest';
import { PTRACE } from '@umview/ptrace-core';
import { IntervalSet } from '../src/planner/interval-set.js';
import { MAX_GAP, SegmentList, StreamPlan, planReads, planWrites } from '../src/planner/stream-plan.js';
import { groupEnd, registerMask } from '../src/planner/groups.js';
import { oneByOneCost } from '../src/ops/cost.js';
import { readIntent, writeIntent, type Intent } from '../src/ops/intents.js';

const P = 4096;

describe('IntervalSet', () => {
  it('merges touching ranges and answers overlaps', () => {
    const set = new IntervalSet();
    set.add(10, 10);
    set.add(30, 5);
    set.add(20, 10); // joins the two
    expect(set.size).toBe(1);
    expect(set.overlaps(0, 10)).toBe(false);
    expect(set.overlaps(0, 11)).toBe(true);
    expect(set.overlaps(34, 1)).toBe(true);
    expect(set.overlaps(35, 100)).toBe(false);
    set.add(100, 0);
    expect(set.size).toBe(1);
  });
});

function segments(list: [remote: number, length: number][], local = (remote: number) => 0x1000_0000 + remote): SegmentList {
  const out = new SegmentList();
  for (const [remote, length] of list) out.push(remote, length, local(remote));
  return out;
}

/** A plan as plain arrays, for comparisons. */
function view(plan: StreamPlan) {
  const n = plan.count;
  return {
    remote: Array.from(plan.remote.subarray(0, n)),
    length: Array.from(plan.length.subarray(0, n)),
    local: Array.from(plan.local.subarray(0, n)),
    owner: Array.from(plan.owner.subarray(0, n)),
    joins: Array.from(plan.joins.subarray(0, n), Boolean),
  };
}

describe('planReads', () => {
  it('sorts by address and merges across gaps inside pages the pieces touch', () => {
    const plan = view(planReads(segments([[5 * P + 100, 8], [5 * P + 10, 8], [6 * P + 7, 8]]), 0xdead, new StreamPlan()));
    expect(plan.remote).toEqual([5 * P + 10, 5 * P + 18, 5 * P + 100, 5 * P + 108, 6 * P + 7]);
    expect(plan.owner).toEqual([1, -1, 0, -1, 2]);
    expect(plan.joins).toEqual([false, true, true, true, true]);
    expect(plan.local[1]).toBe(0xdead);
    expect(Math.max(...plan.length)).toBeLessThan(MAX_GAP);
  });

  it('never merges across a page no piece touches, nor overlapping pieces', () => {
    const plan = view(planReads(segments([[5 * P, 8], [7 * P, 8], [7 * P + 4, 8]]), 0, new StreamPlan()));
    expect(plan.joins).toEqual([false, false, false]);
    expect(plan.owner).toEqual([0, 1, 2]);
  });

  it('sorts many segments, and addresses too far apart for the fast sort, the same way', () => {
    const list: [number, number][] = Array.from({ length: 300 }, (_, i) => [((i * 7919) % 300) * 64 + (i % 2 ? 2 ** 46 : 0), 8]);
    const plan = view(planReads(segments(list), 0, new StreamPlan()));
    const owners = plan.owner.filter((o) => o >= 0);
    const expected = list.map((_, i) => i).sort((a, b) => list[a]![0] - list[b]![0] || a - b);
    expect(owners).toEqual(expected);
  });

  it('drops empty segments', () => {
    expect(planReads(segments([[P, 0]]), 0, new StreamPlan()).count).toBe(0);
  });
});

describe('planWrites', () => {
  it('keeps program order and merges only contiguous writes', () => {
    const plan = view(planWrites(segments([[200, 8], [208, 8], [100, 8], [104, 8]], (r) => r), new StreamPlan()));
    expect(plan.remote).toEqual([200, 208, 100, 104]);
    expect(plan.joins).toEqual([false, true, false, false]);
  });
});

const read = (addr: number, length: number, target?: Uint8Array): Intent => readIntent(addr, length, target, 1, false, PTRACE.PEEKDATA);
const write = (addr: number, data: Uint8Array): Intent => writeIntent(addr, data, 1, PTRACE.POKEDATA);
const regRead = (first: number, count: number): Intent => ({ kind: 'reg-read', first, count, target: new Uint8Array(count * 8), whole: false });
const regWrite = (first: number, count: number, source = new Uint8Array(count * 8)): Intent => ({ kind: 'reg-write', first, count, source, whole: false });

describe('groupEnd', () => {
  it('keeps independent reads, writes and register reads together', () => {
    const ops = [read(0, 8), write(100, new Uint8Array(8)), read(200, 8), regRead(0, 27), read(8, 8)];
    expect(groupEnd(ops, 0)).toBe(ops.length);
  });

  it('cuts at a read overlapping an earlier write, and at a register read of a written register', () => {
    expect(groupEnd([write(100, new Uint8Array(8)), read(104, 8)], 0)).toBe(1);
    expect(groupEnd([regWrite(3, 1), regRead(4, 1), regRead(3, 1)], 0)).toBe(2);
  });

  it('cuts at a read of fs_base or gs_base after a write of the fs or gs selector (no FSGSBASE: the base is read through the selector)', () => {
    const [fs, gs, fsBase, gsBase] = [25, 26, 21, 22];
    expect(groupEnd([regWrite(fs, 1), regRead(fsBase, 1)], 0)).toBe(1);
    expect(groupEnd([regWrite(gs, 1), regRead(20, 3)], 0)).toBe(1);
    expect(groupEnd([regWrite(24, 3), regRead(gsBase, 1)], 0)).toBe(1);
    // fs_base does not depend on gs, nor a selector on a base: these stay in one group.
    expect(groupEnd([regWrite(fs, 1), regRead(gsBase, 1), regWrite(fsBase, 1), regRead(24, 1)], 0)).toBe(4);
  });

  it('cuts at a second write of a register and between memory and register writes', () => {
    expect(groupEnd([regWrite(3, 2), regWrite(4, 1)], 0)).toBe(1);
    expect(groupEnd([write(0, new Uint8Array(1)), regWrite(4, 1)], 0)).toBe(1);
    expect(groupEnd([regWrite(4, 1), write(0, new Uint8Array(1))], 0)).toBe(1);
  });

  it('cuts where ops share a buffer of ours that one of them fills', () => {
    const shared = new Uint8Array(16);
    expect(groupEnd([write(0, shared.subarray(0, 8)), read(100, 8, shared.subarray(4, 12))], 0)).toBe(1);
    expect(groupEnd([read(100, 8, shared.subarray(0, 8)), read(200, 8, shared.subarray(8, 16))], 0)).toBe(2);
    expect(groupEnd([write(0, shared), write(50, shared)], 0)).toBe(2);
  });

  it('makes a group of each barrier', () => {
    const pass: Intent = { kind: 'passthrough', request: PTRACE.GETSIGINFO, addr: 0, data: null };
    expect(groupEnd([read(0, 8), pass, read(8, 8)], 0)).toBe(1);
    expect(groupEnd([read(0, 8), pass, read(8, 8)], 1)).toBe(2);
  });

  it('masks register words', () => {
    expect(registerMask(0, 27)).toBe(2 ** 27 - 1);
    expect(registerMask(3, 2)).toBe(0b11000);
  });
});

describe('oneByOneCost', () => {
  it('counts a PEEK per word, PEEK+POKE per partly written word, one call per request', () => {
    expect(oneByOneCost(read(3, 10), 10, undefined)).toBe(2);
    expect(oneByOneCost(read(0, 0), 0, undefined)).toBe(0);
    expect(oneByOneCost(write(3, new Uint8Array(10)), 10, undefined)).toBe(4);
    expect(oneByOneCost(write(8, new Uint8Array(16)), 16, undefined)).toBe(2);
    expect(oneByOneCost(write(9, new Uint8Array(1)), 1, undefined)).toBe(2);
    expect(oneByOneCost(regRead(0, 5), 40, undefined)).toBe(5);
    expect(oneByOneCost({ kind: 'reg-read', first: 0, count: 27, target: new Uint8Array(216), whole: true }, 216, undefined)).toBe(1);
  });

  it('counts up to the failing word', () => {
    expect(oneByOneCost(read(P - 20, 100), 20, new Error('fault'))).toBe(3 + 1);
    expect(oneByOneCost(write(P - 20, new Uint8Array(100)), 20, new Error('fault'))).toBe(3 + 1 + 1);
  });
});
