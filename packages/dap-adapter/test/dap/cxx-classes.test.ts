// C++ classes as a user sees them in VS Code, checked against gdb (`set print object on`) on the
// same binary: qualified names, base classes (multiple, virtual), static members, references,
// enum class, the dynamic type behind a base pointer or reference, methods and templates in the
// stack, function breakpoints by qualified name (every overload), demangled disassembly.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { missing } from '@umview/test-fixtures/machine';
import { SymbolFile, type InlinedCall } from '../../src/symbols/index.js';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import {
  byName, children, cxxProgram, frames, gdbValues, launch, launchCxxTo, lineOf, scopeVariables, source, startClient, stopClient, stoppedAfter,
} from './helpers.js';

const FIXTURE = 'cxx-classes';
const MAIN_STOP = '// stop: main';
const OBJECT_ON = ['set print object on'];

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});
/** Why these tests cannot run here, if they cannot. */
const cannot = (): string | undefined => missing.tool('gdb') ?? missing.tool('c++', 'g++');
beforeAll(() => {
  if (cannot() !== undefined) return;
  // Compiled once for the file (cached across runs): both optimization levels.
  cxxProgram(FIXTURE);
  cxxProgram(FIXTURE, ['-g', '-O2']);
});

/**
 * gdb's print as the Variables view shows it: without the `(geo::Rect) ` or `(geo::Rect &) @0x...: `
 * that gdb puts before an object (the view has a type column), and with addresses masked (gdb
 * runs the program without address randomization, the adapter with it).
 */
function shown(gdbText: string): string {
  return masked(gdbText.replace(/^\([^()]*\) (?:@0x[0-9a-f]+: )?(?=[{])/, ''));
}

function masked(text: string): string {
  return text.replace(/0x[0-9a-f]+/g, '0x…');
}

const at = (line: string): string => `${FIXTURE}.cpp:${lineOf(`${FIXTURE}.cpp`, line)}`;

describe('C++ values against gdb', () => {
  skipEachWhen(cannot());

  it('shows classes with their bases and static members, references as what they refer to, enums qualified', async () => {
    const { frameId } = await launchCxxTo(client, FIXTURE, MAIN_STOP);
    const locals = await scopeVariables(client, frameId, 'Locals');
    // (`mu` and `dia` print longer than a summary's bound: their children are checked below.)
    const names = ['r', 'ref', 'rref', 'c', 'pl', 't'];
    const expected = gdbValues(cxxProgram(FIXTURE), at(MAIN_STOP), names, 0, OBJECT_ON);
    for (const name of names) expect(`${name} = ${masked(byName(locals, name).value)}`).toBe(`${name} = ${shown(expected.get(name)!)}`);
    // Types as C++ spells them; a reference to a polymorphic base shows the object's dynamic class.
    expect(Object.fromEntries(['r', 'ref', 'rref', 'sp', 'b2', 'c', 'pl', 'dia'].map((name) => [name, byName(locals, name).type]))).toEqual({
      r: 'geo::Rect', ref: 'geo::Rect &', rref: 'geo::Rect &&', sp: 'geo::Rect *', b2: 'geo::Multi *', c: 'geo::Color', pl: 'geo::Plain', dia: 'geo::Diamond',
    });
  });

  it('expands a derived object into its bases (base class hint) and members, static members included', async () => {
    const { frameId } = await launchCxxTo(client, FIXTURE, MAIN_STOP);
    const locals = await scopeVariables(client, frameId, 'Locals');
    const rect = await children(client, byName(locals, 'r'));
    expect(rect.map((child) => child.name)).toEqual(['geo::Shape', 'w', 'h']);
    expect(byName(rect, 'geo::Shape').presentationHint).toEqual({ kind: 'baseClass' });
    const shape = await children(client, byName(rect, 'geo::Shape'));
    expect(shape.map((child) => [child.name, child.value])).toEqual([
      ['_vptr.Shape', expect.stringMatching(/^0x[0-9a-f]+ <vtable for geo::Rect\+16>$/)], ['id', '7'], ['count', '2'], ['sides_max', '12'],
    ]);
    expect(byName(shape, 'count')).toMatchObject({ presentationHint: { attributes: ['static'] }, evaluateName: 'r.count' });
    // A member of a base is reached from the derived object's name.
    expect(byName(shape, 'id').evaluateName).toBe('r.id');
    // A pointer to a base expands to the whole (dynamic) object; its members' names go through ->.
    const pointee = await children(client, byName(locals, 'sp'));
    expect(pointee.map((child) => [child.name, child.evaluateName])).toEqual([['geo::Shape', undefined], ['w', 'sp->w'], ['h', 'sp->h']]);
    // Multiple inheritance: the Base2 pointer into a Multi shows the whole Multi.
    const multi = await children(client, byName(locals, 'b2'));
    expect(multi.map((child) => [child.name, child.value])).toEqual([
      ['geo::Base1', expect.stringContaining('b1 = 11')], ['geo::Base2', expect.stringContaining('b2 = 22')], ['m', '33'],
    ]);
    // Virtual inheritance: the virtual base is found through the vtable, in each path.
    const diamond = await children(client, byName(locals, 'dia'));
    expect(diamond.map((child) => child.name)).toEqual(['geo::Left', 'geo::Right', 'd']);
    const left = await children(client, byName(diamond, 'geo::Left'));
    expect(left.map((child) => [child.name, child.value])).toEqual([
      ['geo::VBase', '{v = 44}'], ['_vptr.Left', expect.stringMatching(/^0x[0-9a-f]+ <vtable for geo::Diamond\+24>$/)], ['l', '55'],
    ]);
    const right = await children(client, byName(diamond, 'geo::Right'));
    expect(byName(right, 'geo::VBase').value).toBe('{v = 44}');
  });

  it('evaluates members through references and bases, qualified names, static members, enumerators and casts as gdb does', async () => {
    const { frameId } = await launchCxxTo(client, FIXTURE, MAIN_STOP);
    const expressions = [
      'ref.id', 'sp->w', 'sp->id', 'rref.h', 'r.count', 'geo::Shape::count', 'geo::Shape::sides_max', 'b2->m', 'b2->b1', 'mu.b2',
      'dia.v', 'dia.l', 'dia.r', 'c', 'geo::Color::Red', 'geo::Second', 'c == geo::Color::Green', '((geo::Rect &)ref).h', '((geo::Rect *)sp)->w', 't',
    ];
    const expected = gdbValues(cxxProgram(FIXTURE), at(MAIN_STOP), expressions, 0, OBJECT_ON);
    for (const expression of expressions) {
      const result = (await client.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
      expect(`${expression} = ${result}`).toBe(`${expression} = ${expected.get(expression)}`);
    }
    // Through a reference, gdb looks members up in its static type (`->` on a pointer uses the dynamic one).
    await expect(client.evaluateRequest({ expression: 'ref.w', frameId, context: 'watch' })).rejects.toThrow('There is no member named w.');
    // A reference evaluates to the object it refers to, shown as its dynamic class.
    const reference = (await client.evaluateRequest({ expression: 'ref', frameId, context: 'watch' })).body;
    expect([reference.type, masked(reference.result)]).toEqual(['geo::Rect &', shown(gdbValues(cxxProgram(FIXTURE), at(MAIN_STOP), ['ref'], 0, OBJECT_ON).get('ref')!)]);
  });
});

describe('C++ code in the stack, breakpoints and disassembly', () => {
  skipEachWhen(cannot());

  for (const level of ['-O0', '-O2']) {
    it(`names methods and template instances as gdb does, and evaluates this and its members in a method (${level})`, async () => {
      const flags = ['-g', level];
      const { threadId, frameId } = await launchCxxTo(client, FIXTURE, '// stop: method', flags);
      const stack = await frames(client, threadId);
      expect(stack[0]!.name).toBe('geo::Rect::area');
      expect(stack.map((frame) => frame.name)).toContain('main');
      const args = await scopeVariables(client, frameId, 'Arguments');
      expect(args.map((variable) => [variable.name, variable.type])).toEqual([['this', 'const geo::Rect * const']]);
      const expressions = ['w', 'this->h', '*this', 'id', 'count'];
      const expected = gdbValues(cxxProgram(FIXTURE, flags), at('// stop: method'), expressions, 0, OBJECT_ON);
      for (const expression of expressions) {
        const result = (await client.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
        expect(`${expression} = ${masked(result)}`).toBe(`${expression} = ${shown(expected.get(expression)!)}`);
      }
    });
  }

  it('stops in each instance of a function template, named with its template arguments', async () => {
    await launch(client, { program: cxxProgram(FIXTURE) });
    await client.setBreakpointsRequest({ source: { path: source(`${FIXTURE}.cpp`) }, breakpoints: [{ line: lineOf(`${FIXTURE}.cpp`, '// stop: template') }] });
    const first = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect((await frames(client, first.body.threadId!, 1))[0]!.name).toBe('twice<int>');
    const second = await stoppedAfter(client, () => client.continueRequest({ threadId: first.body.threadId! }));
    const top = (await frames(client, second.body.threadId!, 1))[0]!;
    expect(top.name).toBe('twice<double>');
    expect((await scopeVariables(client, top.id, 'Arguments')).map((variable) => [variable.name, variable.value, variable.type])).toEqual([['x', '1.5', 'double']]);
  });

  it('puts a function breakpoint on every overload of a qualified name, and on a name without its scope, as gdb does', async () => {
    await launch(client, { program: cxxProgram(FIXTURE) });
    const set = await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'geo::Rect::area' }, { name: 'twice' }] });
    expect(set.body.breakpoints.map((breakpoint) => breakpoint.verified)).toEqual([true, true]);
    const hits: string[] = [];
    let stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    for (;;) {
      hits.push((await frames(client, stopped.body.threadId!, 1))[0]!.name);
      if (hits.length === 5) break;
      stopped = await stoppedAfter(client, () => client.continueRequest({ threadId: stopped.body.threadId! }));
    }
    // main calls twice<int>, twice<double>, then ref.area() (virtual), then r.area(2.0), which calls area().
    expect(hits).toEqual(['twice<int>', 'twice<double>', 'geo::Rect::area', 'geo::Rect::area', 'geo::Rect::area']);
    const frame = (await frames(client, stopped.body.threadId!, 2))[1]!;
    expect(frame.name).toBe('geo::Rect::area');
  });

  it('shows demangled names in the disassembly', async () => {
    const { frames: stack } = await launchCxxTo(client, FIXTURE, '// stop: method');
    const pc = stack[0]!.instructionPointerReference!;
    const listing = (await client.customRequest('disassemble', { memoryReference: pc, instructionOffset: -4, instructionCount: 8, resolveSymbols: true }) as DebugProtocol.DisassembleResponse).body!.instructions;
    expect(listing.map((instruction) => instruction.symbol).filter((symbol) => symbol !== undefined)).toContainEqual(expect.stringMatching(/^geo::Rect::area\(\) const/));
  });
});

describe('C++ names in the symbol layer', () => {
  skipEachWhen(missing.tool('c++', 'g++'));

  it('qualifies inlined methods and constructors through their abstract origin (-O2), as gdb names inlined frames', () => {
    const file = SymbolFile.open(cxxProgram(FIXTURE, ['-g', '-O2']));
    try {
      const names = new Set<string>();
      const walk = (calls: readonly InlinedCall[]): void => {
        for (const call of calls) {
          names.add(call.qualifiedName ?? '?');
          walk(call.inlined);
        }
      };
      walk(file.functionByName('main')!.inlined);
      // r.area(2.0), defined in the class, inlined into main; the constructors of Rect and of its base.
      expect([...names]).toEqual(expect.arrayContaining(['geo::Rect::area', 'geo::Rect::Rect', 'geo::Shape::Shape', 'keep<geo::Rect>']));
    } finally {
      file.close();
    }
  });
});
