// libstdc++'s associative containers, smart pointers and utility types as the Variables view and
// the evaluator show them, checked against gdb with the libstdc++ pretty printers on the same
// program at the same stop, at -O0 and -O2 (one adapter session and one gdb run per level): each
// value, its children, values nested in containers (a map of polymorphic pointers, a vector of
// unique_ptr, seen as their dynamic class as gdb's `print object on` shows them), `*p`, `p->x`.
// Bad input: a map whose constructor has not run (garbage) and one corrupted into a cycle give an
// error (or a bounded prefix) and the session goes on; a 1,000-element map is paged.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import {
  byName, children, cxxProgram, frames, gdbValues, launch, lineOf, scopeVariables, source, startClient, stopClient, stoppedAfter,
} from './helpers.js';

const FIXTURE = 'cxx-associative';
const STOP = 'std::puts("stop here");';
const PRINTERS = '/usr/share/gcc/python/libstdcxx/v6/printers.py';

/** Locals compared with gdb's print, with how gdb writes their children: values only ('array') or `name = value`. */
const VISUALIZED: Record<string, 'array' | 'entries'> = {
  names: 'entries', empty_map: 'entries', numbers: 'entries', multi: 'entries', repeated: 'entries', nested: 'entries',
  hashed: 'entries', hashed_set: 'entries', hashed_multi: 'entries', hashed_multiset: 'entries', wide_hashed: 'entries',
  owned_int: 'entries', point: 'entries', no_int: 'entries', shared: 'entries', shared_copy: 'entries', weak: 'entries',
  no_shared: 'entries', expired: 'entries', maybe: 'entries', nothing: 'entries', maybe_text: 'entries', maybe_vector: 'array',
  alternative: 'array', alternative_text: 'array', valueless: 'array', pairish: 'entries', nothing_at_all: 'entries', couple: 'entries',
  named_couple: 'entries', shapes: 'entries', owned_shapes: 'array',
};

/** Our expression and gdb's for the same value (gdb has no xmethod for optional's `*`). */
const EVALUATED: readonly [string, string][] = [
  ['*owned_int', '*owned_int'], ['point->x', 'point->x'], ['*point', '*point'], ['*shared', '*shared'],
  ['owned_shapes[0]', 'owned_shapes[0]'], ['*owned_shapes[0]', '*owned_shapes[0]'], ['owned_shapes[1]->id', 'owned_shapes[1]->id'],
  ['*maybe', 'maybe._M_payload._M_payload._M_value'],
];

/** gdb runs the program without address randomization, the adapter with it: addresses are compared as `0x…`. */
function withoutAddresses(text: string): string {
  return text.replace(/0x(?!0\b)[0-9a-f]+/g, '0x…');
}

/** gdb's `print object on` names the dynamic class of a printed object, `(geo::Rect) {...}`; the adapter says it in the type. */
function withoutDynamicClass(text: string): string {
  return text.replace(/^\([\w:]+\) /, '');
}

/** The `{...}` part of a one-line print, `{["a"] = 1}` of `std::map with 1 element = {["a"] = 1}`. */
function braces(text: string): string {
  return text.startsWith('{') ? text : text.slice(text.indexOf(' = {') + 3);
}

/** Children as gdb writes them inside braces; base classes as `<geo::Shape>`, the implementation's `[raw]` left out. */
function childrenText(list: readonly DebugProtocol.Variable[], hint: 'array' | 'entries'): string {
  const shown = list.filter((child) => child.name !== '[raw]');
  return `{${shown.map((child) => {
    if (hint === 'array') return child.value;
    const name = child.presentationHint?.kind === 'baseClass' ? `<${child.name}>` : child.name;
    return `${name} = ${child.value}`;
  }).join(', ')}}`;
}

function missingPrinters(): string | undefined {
  return existsSync(PRINTERS) ? undefined : `gdb's libstdc++ pretty printers (${PRINTERS}, Debian's libstdc++6) are not installed`;
}

describe.each([['-O0'], ['-O2']])('libstdc++ associative containers and smart pointers at %s', (level) => {
  skipEachWhen(missing.tool('gdb') ?? missing.tool('c++', 'g++') ?? missingPrinters());

  let client: DebugClient;
  let frameId: number;
  let locals: DebugProtocol.Variable[];
  let gdb: Map<string, string>;
  const flags = ['-g', level];

  beforeAll(async () => {
    if (missing.tool('gdb') ?? missing.tool('c++', 'g++') ?? missingPrinters()) return;
    const program = cxxProgram(FIXTURE, flags);
    const line = lineOf(`${FIXTURE}.cpp`, STOP);
    gdb = gdbValues(program, `${FIXTURE}.cpp:${line}`, [...Object.keys(VISUALIZED), ...EVALUATED.map(([, theirs]) => theirs), 'rect', 'circle', 'big'], 0, ['set print object on']);
    client = await startClient();
    await launch(client, { program });
    await client.setBreakpointsRequest({ source: { path: source(`${FIXTURE}.cpp`) }, breakpoints: [{ line }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    frameId = (await frames(client, stopped.body.threadId!))[0]!.id;
    locals = await scopeVariables(client, frameId, 'Locals');
  });

  afterAll(async () => {
    if (client !== undefined) await stopClient(client);
  });

  it('shows each container, smart pointer, optional, variant, tuple and pair as gdb prints it', () => {
    for (const name of Object.keys(VISUALIZED)) {
      expect(`${name} = ${withoutAddresses(byName(locals, name).value)}`).toBe(`${name} = ${withoutAddresses(gdb.get(name)!)}`);
    }
  });

  it('gives each one the children gdb prints, the raw members beside them', async () => {
    for (const [name, hint] of Object.entries(VISUALIZED)) {
      const variable = byName(locals, name);
      const list = await children(client, variable);
      expect(list.map((child) => child.name)).toContain('[raw]');
      const expected = gdb.get(name)!;
      // A container with nothing to show prints its header alone.
      if (!expected.includes('{')) expect(list.filter((child) => child.name !== '[raw]'), name).toEqual([]);
      else expect(`${name}: ${withoutAddresses(childrenText(list, hint))}`).toBe(`${name}: ${withoutAddresses(braces(expected))}`);
    }
  });

  it('pages map elements by index: a late page of a 1,000-element map without reading the rest in full', async () => {
    const big = byName(locals, 'big');
    expect(big.indexedVariables).toBe(1000);
    // gdb prints 200 elements, the adapter's summary fewer: the same header and the same first elements.
    const summary = big.value.replace(/, \.\.\.}$/, '');
    expect(gdb.get('big')!.startsWith(summary)).toBe(true);
    expect(summary).toMatch(/^std::map with 1000 elements = \{\["k0000"\] = 0, \["k0001"\] = 1, /);
    for (const start of [900, 400, 0]) {
      const page = await children(client, big, { filter: 'indexed', start, count: 100 });
      expect(page.map((child) => `${child.name} = ${child.value}`)).toEqual(
        Array.from({ length: 100 }, (_, index) => `["k${String(start + index).padStart(4, '0')}"] = ${start + index}`),
      );
    }
    const all = await children(client, big);
    expect(all.filter((child) => child.name !== '[raw]')).toHaveLength(1000);
  });

  it('shows the polymorphic objects in a map and in unique_ptrs as their dynamic class, as gdb does', async () => {
    const shapes = await children(client, byName(locals, 'shapes'));
    for (const [key, object] of [['"rect"', 'rect'], ['"circle"', 'circle']] as const) {
      const entry = byName(shapes, `[${key}]`);
      expect(entry.type).toBe(object === 'rect' ? 'geo::Rect *' : 'geo::Circle *');
      const members = await children(client, entry);
      expect(withoutAddresses(childrenText(members, 'entries'))).toBe(withoutAddresses(withoutDynamicClass(gdb.get(object)!)));
    }
    const owned = await children(client, byName(locals, 'owned_shapes'), { filter: 'indexed', start: 0, count: 1 });
    const pointer = byName(await children(client, owned[0]!), 'get()');
    expect(pointer.type).toBe('geo::Rect *');
    const members = await children(client, pointer);
    expect(withoutAddresses(childrenText(members, 'entries'))).toBe(withoutAddresses(withoutDynamicClass(gdb.get('*owned_shapes[0]')!)));
  });

  it('evaluates *p and p->x on smart pointers and optionals as gdb does', async () => {
    for (const [ours, theirs] of EVALUATED) {
      const result = (await client.evaluateRequest({ expression: ours, frameId, context: 'watch' })).body.result;
      expect(`${ours} = ${withoutAddresses(result)}`).toBe(`${ours} = ${withoutAddresses(withoutDynamicClass(gdb.get(theirs)!))}`);
    }
  });

  it('gives an error, not a hang, for a map whose constructor has not run, its raw members still reachable', async () => {
    const garbage = byName(locals, 'garbage');
    expect(garbage.value).toMatch(/^<invalid tree size: \d+>$/);
    expect(garbage.indexedVariables ?? 0).toBe(0);
    const result = (await client.evaluateRequest({ expression: 'garbage', frameId, context: 'watch' })).body.result;
    expect(result).toBe(garbage.value);
    // Its implementation's members stay reachable, under [raw].
    const expanded = await children(client, garbage);
    expect(expanded.map((child) => child.name)).toEqual(['[raw]']);
    expect((await children(client, expanded[0]!)).map((child) => child.name)).toEqual(['_M_t']);
  });

  it('stops at a bound in a map whose tree was corrupted into a cycle, showing the elements before it', async () => {
    const cyclic = byName(locals, 'cyclic');
    expect(cyclic.value).toBe('std::map with 3 elements = {[1] = 1, [2] = 2, [2] = <corrupted tree: its links lead in a cycle>}');
    const all = await children(client, cyclic, { filter: 'indexed', start: 0, count: 3 });
    expect(all.map((child) => `${child.name} = ${child.value}`)).toEqual(['[1] = 1', '[2] = 2', '[2] = <corrupted tree: its links lead in a cycle>']);
    // Walked from the end (the nearer one for this page): the node that is its own child is met twice.
    const late = await children(client, cyclic, { filter: 'indexed', start: 1, count: 2 });
    expect(late.map((child) => `${child.name} = ${child.value}`)).toEqual(['[1] = <corrupted tree: its links lead in a cycle>']);
    // The session goes on.
    expect((await client.evaluateRequest({ expression: 'names', frameId, context: 'watch' })).body.result).toBe(gdb.get('names'));
  });
});
