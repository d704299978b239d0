// The libstdc++ sequence containers (vector<bool>, array, deque, list, forward_list) and strings in the
// Variables view and in expressions, compared with gdb and the printers Debian installs beside
// libstdc++, at -O0 and -O2; and bad input: containers read before their constructors ran, a
// 10-million-element vector of which only the first page is mapped (a page reads only itself),
// linked lists with a cycle.
import { existsSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import {
  byName, children, cxxProgram, frames, gdbValues, launch, lineOf, scopeVariables, source, startClient, stopClient, stoppedAfter,
} from './helpers.js';

const NAME = 'cxx-sequences';
const FILE = `${NAME}.cpp`;
const PRINTERS = '/usr/share/gcc/python/libstdcxx/v6/printers.py';

/** Shown as gdb prints them, header and elements. */
const PRINTED = ['bits', 'many_bits', 'no_bits', 'd', 'spread', 'words', 'no_deque', 'l', 's', 'wide', 'no_list', 'f', 'fp', 'no_forward', 'nested'];
/** Strings (std::string, wide ones, a std::string_view, a C char array) and containers inside a struct, compared by their value. */
const STRINGS = ['run', 'runs', 'long_run', 'wtext', 'text16', 'text32', 'texts', 'view', 'chars'];
const RECORDS = ['holder'];
/** std::array, which gdb prints as the struct: compared with its `_M_elems`. */
const ARRAYS = ['a', 'points', 'names'];
/** Expressions gdb evaluates too (libstdc++'s xmethods give it operator[]). */
const EXPRESSIONS = ['d[2]', 'a[0]', 'a[2]', 'bits[2]', 'many_bits[3]', 'names[1]', 'points[1]', 'points[1].y', 'nested[1]', 'words[1]'];

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

/** Launches the fixture with breakpoints on the lines holding `stops`, to the first of them. */
async function launchToStops(flags: string[], stops: string[]): Promise<{ threadId: number; frameId: number }> {
  await launch(client, { program: cxxProgram(NAME, flags) });
  await client.setBreakpointsRequest({ source: { path: source(FILE) }, breakpoints: stops.map((stop) => ({ line: lineOf(FILE, stop) })) });
  const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
  const threadId = stopped.body.threadId!;
  return { threadId, frameId: (await frames(client, threadId))[0]!.id };
}

async function continueToNext(threadId: number): Promise<number> {
  await stoppedAfter(client, () => client.continueRequest({ threadId }));
  return (await frames(client, threadId))[0]!.id;
}

/** The elements as the Variables view gets them (as VS Code asks: all at once up to 100, else by pages of 100). */
async function elements(variable: DebugProtocol.Variable, limit = Infinity): Promise<DebugProtocol.Variable[]> {
  const length = Math.min(variable.indexedVariables ?? 0, limit);
  const out: DebugProtocol.Variable[] = [];
  for (let start = 0; start < length; start += 100) {
    out.push(...await children(client, variable, { filter: 'indexed', start, count: Math.min(100, length - start) }));
  }
  return out;
}

/**
 * gdb's one-line print rebuilt from the Variables view: the header our value starts with, then
 * every element child, as gdb writes them for the printer's display hint (`{1, 2}` for an array,
 * `{[0] = 1}` for a list), up to gdb's 200 elements.
 */
async function printedFromChildren(variable: DebugProtocol.Variable): Promise<string> {
  const header = variable.value.startsWith('{') ? '' : variable.value.replace(/ = \{.*$/, '');
  if (!variable.indexedVariables) return header;
  const shown = await elements(variable, 200);
  const entries = /^std::(?:__cxx11::)?(?:forward_)?list</.test(variable.type ?? '');
  const parts = shown.map((child) => (entries ? `${child.name} = ${child.value}` : child.value));
  const more = variable.indexedVariables > 200 ? '...' : '';
  return `${header === '' ? '' : `${header} = `}{${parts.join(', ')}${more}}`;
}

// -O0, -O2, and the old string and list ABI (no _M_string_length, no node count) that some distributions still build with.
describe.each([[['-O0']], [['-O2']], [['-O0', '-D_GLIBCXX_USE_CXX11_ABI=0']]])('sequence containers against gdb at %s', (options) => {
  const reason = missing.tool('c++', 'g++') ?? missing.tool('gdb') ?? (existsSync(PRINTERS) ? undefined : `the libstdc++ pretty printers (${PRINTERS}) are not installed`);
  skipEachWhen(reason);
  const flags = ['-g', ...options];
  let gdb: Map<string, string>;
  beforeAll(() => {
    if (reason !== undefined) return;
    const all = [...PRINTED, ...STRINGS, ...RECORDS, ...ARRAYS.map((name) => `${name}._M_elems`), ...EXPRESSIONS];
    gdb = gdbValues(cxxProgram(NAME, flags), `${FILE}:${lineOf(FILE, 'sequences stop')}`, all);
  });

  it('shows each container, its elements and v[i] as gdb prints them', async () => {
    const { frameId } = await launchToStops(flags, ['sequences stop']);
    const locals = await scopeVariables(client, frameId, 'Locals');
    for (const name of PRINTED) {
      const local = byName(locals, name);
      const expected = gdb.get(name)!;
      // Our one-line value stops after 10 elements, gdb's after 200.
      if (!/\.\.\.\}$/.test(local.value)) expect(`${name} = ${local.value}`).toBe(`${name} = ${expected}`);
      else expect(expected.startsWith(local.value.slice(0, -4))).toBe(true);
      expect(`${name} = ${await printedFromChildren(local)}`).toBe(`${name} = ${expected}`);
    }
    for (const name of RECORDS) {
      // gdb prints std::array members as the struct they are: ours shows the elements alone.
      expect(`${name} = ${byName(locals, name).value}`).toBe(`${name} = ${gdb.get(name)!.replace(/\{_M_elems = (\{[^}]*\})\}/g, '$1')}`);
    }
    for (const name of STRINGS) expect(`${name} = ${byName(locals, name).value}`).toBe(`${name} = ${gdb.get(name)}`);
    for (const name of ARRAYS) {
      const local = byName(locals, name);
      expect(`${name} = ${local.value}`).toBe(`${name} = ${gdb.get(`${name}._M_elems`)}`);
      expect(`${name} = ${await printedFromChildren(local)}`).toBe(`${name} = ${gdb.get(`${name}._M_elems`)}`);
    }
    const none = byName(locals, 'none');
    expect(none.value).toBe('{}');
    expect((await children(client, none)).map((child) => child.name)).toEqual(['[raw]']);
    for (const expression of EXPRESSIONS) {
      const result = (await client.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
      expect(`${expression} = ${result}`).toBe(`${expression} = ${gdb.get(expression)}`);
    }
    // gdb 13's deque xmethod ignores where the first buffer starts (spread[150] is 150 there): its printer is right.
    const spread = (await client.evaluateRequest({ expression: 'spread[150]', frameId, context: 'watch' })).body.result;
    expect(spread).toBe(/\{(?:\d+, ){150}(\d+)/.exec(gdb.get('spread')!)![1]);
    // The elements are reached by the names the children give (a list's are not: it has no operator[]).
    const d = await elements(byName(locals, 'd'));
    expect(d.map((child) => child.evaluateName)).toEqual(['d[0]', 'd[1]', 'd[2]', 'd[3]']);
    expect((await elements(byName(locals, 'l'))).map((child) => child.evaluateName)).toEqual([undefined, undefined, undefined]);
    const bits = await elements(byName(locals, 'many_bits'));
    expect(bits[3]).toMatchObject({ name: '[3]', value: 'false', type: 'bool', evaluateName: 'many_bits[3]' });
    // The implementation stays reachable.
    const raw = byName(await children(client, byName(locals, 'd'), { filter: 'named' }), '[raw]');
    expect((await children(client, raw)).map((child) => child.name)).toEqual(['std::_Deque_base<int, std::allocator<int> >']);
  });
});

describe('sequence containers given bad input', () => {
  skipEachWhen(missing.tool('c++', 'g++'));
  it('shows garbage as an error or a bounded prefix, pages a 10-million-element vector one page at a time, stops at a cycle', async () => {
    const { threadId, frameId } = await launchToStops(['-g', '-O0'], ['garbage stop', 'huge stop', 'cycles stop']);

    // Before the constructors: every view of the garbage answers, each page within its count.
    for (const name of ['ones', 'mixed']) {
      const parts = await children(client, byName(await scopeVariables(client, frameId, 'Locals'), name));
      const seen: Record<string, string> = {};
      for (const part of parts.filter((candidate) => candidate.name !== 'junk')) {
        seen[part.name] = part.value;
        if (part.indexedVariables) {
          const page = await children(client, part, { filter: 'indexed', start: 0, count: 100 });
          expect(page.length).toBeLessThanOrEqual(100);
        }
      }
      expect(Object.keys(seen)).toEqual(['v', 'b', 'd', 'l', 'f', 'a']);
      // A deque's iterators cannot be garbage and agree; a list's size of 0xff... is refused.
      expect(seen['d']).toMatch(/^<invalid deque: /);
      if (name === 'ones') {
        expect(seen['l']).toBe('<invalid list size: 18446744073709551615>');
        expect(seen['f']).toBe('std::forward_list = {[0] = <corrupted list: Cannot access memory at address 0xffffffffffffffff>}');
      }
    }

    // 10 million ints of which only the first 4 KiB are mapped: the first page reads only itself.
    let frame = await continueToNext(threadId);
    const big = byName(await scopeVariables(client, frame, 'Locals'), 'big');
    expect(big.value).toBe('std::vector of length 10000000, capacity 10000000 = {0, 3, 6, 9, 12, 15, 18, 21, 24, 27, ...}');
    expect(big.indexedVariables).toBe(10_000_000);
    expect((await children(client, big, { filter: 'named' })).map((child) => child.name)).toEqual(['[raw]']);
    const first = await children(client, big, { filter: 'indexed', start: 0, count: 100 });
    expect(first.map((child) => child.value)).toEqual(Array.from({ length: 100 }, (_, index) => String(index * 3)));
    const unmapped = await children(client, big, { filter: 'indexed', start: 1000, count: 100 });
    expect(unmapped.slice(0, 24).map((child) => child.value)).toEqual(Array.from({ length: 24 }, (_, index) => String((1000 + index) * 3)));
    expect(unmapped.slice(24).every((child) => /^<error: Cannot access memory at address 0x[0-9a-f]+>$/.test(child.value))).toBe(true);
    expect(unmapped).toHaveLength(100);
    expect((await client.evaluateRequest({ expression: 'big[1023]', frameId: frame, context: 'watch' })).body.result).toBe('3069');
    const last = await children(client, big, { filter: 'indexed', start: 9_999_900, count: 100 });
    expect(last.map((child) => child.name).slice(-1)).toEqual(['[9999999]']);

    // A list whose fourth node leads back to its second, a forward_list whose last leads to its first.
    frame = await continueToNext(threadId);
    const locals = await scopeVariables(client, frame, 'Locals');
    const ring = byName(locals, 'ring');
    expect(ring.value).toMatch(/^std::__cxx11::list = \{\[0\] = 1, \[1\] = 2, \[2\] = 3, \[3\] = 4, \[4\] = <corrupted list: node 0x[0-9a-f]+ is reached twice>\}$/);
    expect((await children(client, ring)).map((child) => child.name)).toEqual(['[raw]', '[0]', '[1]', '[2]', '[3]', '[4]']);
    const loop = byName(locals, 'loop');
    expect(loop.value).toMatch(/^std::forward_list = \{\[0\] = 1, \[1\] = 2, \[2\] = 3, \[3\] = <corrupted list: node 0x[0-9a-f]+ is reached twice>\}$/);
    expect(loop.indexedVariables).toBe(4);
  });
});
