// Scopes and variables as a user sees them in VS Code, checked against gdb on the same binary:
// every type family at -O0, locations from location lists at -O2, lazy expansion of structs,
// pointers and arrays (paged), registers, and setVariable seen in the program's own output.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  byName, children, gdbValues, launchTo, lineOf, program, scopeVariables, startClient, stdoutUntil, stopClient,
} from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

const BREAK = 'break here';
const values = (): string => program('values');

/** Values that are the same in every run (no addresses: gdb runs without ASLR, we with it). */
const ORACLE_LOCALS = [
  'c', 'uc', 'sc', 's', 'us', 'i', 'u', 'l', 'ul', 'll', 'f', 'd', 'ld', 'b', 'shade', 'mode', 'size', 'ci', 'vi', 'matrix', 'origin', 'bits',
];

describe('variables against gdb', () => {
  skipEachWhen(missing.tool('gdb'));

  it('shows every base, enum, typedef, qualified, array, struct and bitfield local as gdb prints it', async () => {
    const { frameId } = await launchTo(client, 'values', BREAK);
    const locals = await scopeVariables(client, frameId, 'Locals');
    const expected = gdbValues(values(), `values.c:${lineOf('values.c', BREAK)}`, ORACLE_LOCALS);
    for (const name of ORACLE_LOCALS) expect(`${name} = ${byName(locals, name).value}`).toBe(`${name} = ${expected.get(name)}`);
    // Types as C spells them.
    expect(Object.fromEntries(['c', 'ul', 'ld', 'shade', 'size', 'ci', 'vi', 'matrix', 'name', 'who', 'op', 'row', 'opaque'].map((name) => [name, byName(locals, name).type]))).toEqual({
      c: 'char', ul: 'unsigned long', ld: 'long double', shade: 'enum color', size: 'size_type', ci: 'const int', vi: 'volatile int',
      matrix: 'int [3][4]', name: 'char [16]', who: 'struct person *', op: 'binary_op', row: 'int (*)[4]', opaque: 'void *',
    });
  });

  it('gives members, elements and pointees the values gdb gives them', async () => {
    const { frameId } = await launchTo(client, 'values', BREAK);
    const expressions = [
      'alice.age', 'alice.home', 'alice.number', 'alice.size', 'alice.favourite', 'bob.real', 'who->friend->age', '*ip', '**ipp', 'row[1]',
      'row[2][3]', 'big[299]', 'v.as_float', 'v.as_int', 'bits.wide', 'bits.level', 'corners', 'counter', 'ratio', '*who->motto', 'name[4]',
    ];
    const expected = gdbValues(values(), `values.c:${lineOf('values.c', BREAK)}`, expressions);
    for (const expression of expressions) {
      const result = (await client.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
      expect(`${expression} = ${result}`).toBe(`${expression} = ${expected.get(expression)}`);
    }
  });

  it('reads -O2 locals and parameters through location lists, optimized out where gdb says so', async () => {
    const flags = ['-g', '-O2'];
    const { frameId, threadId } = await launchTo(client, 'optimized', '/* loop */', flags);
    const line = lineOf('optimized.c', '/* loop */');
    for (let iteration = 0; iteration < 2; iteration++) {
      const current = iteration === 0 ? frameId : (await client.stackTraceRequest({ threadId, levels: 1 })).body.stackFrames[0]!.id;
      const locals = await scopeVariables(client, current, 'Locals');
      const args = await scopeVariables(client, current, 'Arguments');
      expect(locals.map((variable) => variable.name)).toEqual(['round', 'acc', 'weight', 'mean']);
      expect(args.map((variable) => variable.name)).toEqual(['seed', 'rounds', 'weights']);
      const names = ['round', 'acc', 'weight', 'mean', 'seed', 'rounds'];
      // The same hit of the same breakpoint in gdb (the second time round the loop, the second hit).
      const gdb = gdbValues(program('optimized', flags), `optimized.c:${line}`, names, iteration);
      for (const name of names) expect(`${name} = ${byName([...locals, ...args], name).value}`).toBe(`${name} = ${gdb.get(name)}`);
      expect(byName(locals, 'mean').value).toBe('<optimized out>');
      expect(byName(locals, 'acc').memoryReference).toBeUndefined(); // in a register: no address
      if (iteration === 0) {
        const stopped = client.waitForEvent('stopped');
        await client.continueRequest({ threadId });
        await stopped;
      }
    }
  });
});

describe('scopes and lazy expansion', () => {
  it('has Locals, Arguments, Globals of the unit and Registers, for each frame', async () => {
    const { threadId } = await launchTo(client, 'values', 'return width * height');
    const stack = (await client.stackTraceRequest({ threadId })).body.stackFrames;
    const scopes = (await client.scopesRequest({ frameId: stack[0]!.id })).body.scopes;
    expect(scopes.map((scope) => [scope.name, scope.presentationHint])).toEqual([
      ['Locals', 'locals'], ['Arguments', 'arguments'], ['Globals', undefined], ['Registers', 'registers'],
    ]);
    expect((await scopeVariables(client, stack[0]!.id, 'Locals')).map((variable) => `${variable.name}=${variable.value}`)).toEqual(['width=6', 'height=-8']);
    const args = await scopeVariables(client, stack[0]!.id, 'Arguments');
    expect(args.map((variable) => variable.name)).toEqual(['corner', 'scale']);
    expect(byName(args, 'scale').value).toBe('2');
    // A struct pointer: its value is the address, its children the pointee's members.
    const corner = byName(args, 'corner');
    expect(corner.type).toBe('const struct point *');
    expect(corner.value).toMatch(/^0x[0-9a-f]+$/);
    expect(corner.memoryReference).toBe(corner.value);
    expect((await children(client, corner)).map((child) => `${child.evaluateName}=${child.value}`)).toEqual(['corner->x=3', 'corner->y=-4']);
    const globals = await scopeVariables(client, stack[0]!.id, 'Globals');
    expect(globals.map((variable) => variable.name)).toEqual(['counter', 'ratio', 'greeting', 'corners']);
    expect(byName(globals, 'greeting').value).toMatch(/^0x[0-9a-f]+ "hello"$/);
    // The caller's frame has main's locals.
    expect(stack[1]!.name).toBe('main');
    const mainLocals = await scopeVariables(client, stack[1]!.id, 'Locals');
    expect(byName(mainLocals, 'name').value).toBe('"alice"');
    expect(byName(mainLocals, 'i').value).toBe('-42');
  });

  it('expands structs (nested and anonymous members), pointers one level, arrays paged, multi-dimensional arrays by row', async () => {
    const { frameId } = await launchTo(client, 'values', BREAK);
    const locals = await scopeVariables(client, frameId, 'Locals');
    const alice = byName(locals, 'alice');
    expect(alice.value).toMatch(/^\{name = "alice", age = 30, home = \{x = 3, y = -4\}, number = 77, /);
    const members = await children(client, alice);
    // The anonymous union's members are members of the struct, as C lets you name them.
    expect(members.map((member) => member.name)).toEqual(['name', 'age', 'home', 'number', 'real', 'size', 'friend', 'favourite', 'motto']);
    expect(byName(members, 'size').type).toBe('struct {...}');
    expect((await children(client, byName(members, 'size'))).map((member) => `${member.evaluateName}=${member.value}`)).toEqual(['alice.size.width=5', 'alice.size.height=6']);
    expect(byName(members, 'favourite').value).toBe('GREEN');
    expect(byName(members, 'motto').value).toMatch(/"carpe diem"$/);
    // friend -> bob -> friend -> alice: one level per expansion.
    const bob = await children(client, byName(members, 'friend'));
    expect(byName(bob, 'name').value).toBe('"bob"');
    expect(byName(bob, 'name').evaluateName).toBe('alice.friend->name');
    expect(byName(await children(client, byName(bob, 'friend')), 'age').value).toBe('30');
    // Pointers to scalars and to pointers: one child, the pointee.
    expect((await children(client, byName(locals, 'ip'))).map((child) => `${child.name}=${child.value}`)).toEqual(['*ip=-42']);
    const ipp = await children(client, byName(locals, 'ipp'));
    expect(ipp[0]!.name).toBe('*ipp');
    expect((await children(client, ipp[0]!))[0]!.value).toBe('-42');
    expect(byName(locals, 'nowhere')).toMatchObject({ value: '0x0', variablesReference: 0 });
    expect(byName(locals, 'opaque').variablesReference).toBe(0);
    expect(byName(locals, 'op').value).toMatch(/^0x[0-9a-f]+ <add>$/);
    // Bitfields, exact.
    expect((await children(client, byName(locals, 'bits'))).map((child) => `${child.name}=${child.value}`)).toEqual([
      'ready=1', 'mode=5', 'level=-3', "tail=122 'z'", 'wide=78187493530',
    ]);
    // A big array: paged by start/count.
    const big = byName(locals, 'big');
    expect(big.indexedVariables).toBe(300);
    const page = await children(client, big, { filter: 'indexed', start: 250, count: 3 });
    expect(page.map((child) => `${child.name}=${child.value}`)).toEqual(['[250]=62500', '[251]=63001', '[252]=63504']);
    expect(page[0]!.evaluateName).toBe('big[250]');
    expect(await children(client, big, { filter: 'named' })).toEqual([]);
    // A two-dimensional array: rows, then elements.
    const rows = await children(client, byName(locals, 'matrix'));
    expect(rows.map((row) => `${row.name}: ${row.type} = ${row.value}`)).toEqual([
      '[0]: int [4] = {0, 1, 2, 3}', '[1]: int [4] = {10, 11, 12, 13}', '[2]: int [4] = {20, 21, 22, 23}',
    ]);
    expect((await children(client, rows[2]!)).map((element) => element.value)).toEqual(['20', '21', '22', '23']);
    // A char array is a string; its memory reference is its address.
    const name = byName(locals, 'name');
    expect(name.value).toBe('"alice"');
    expect(name.memoryReference).toMatch(/^0x[0-9a-f]+$/);
  });

  it('shows registers: general ones with eflags decoded, x87 and SSE ones, and only saved ones in callers', async () => {
    const { threadId } = await launchTo(client, 'values', 'return width * height');
    const stack = (await client.stackTraceRequest({ threadId })).body.stackFrames;
    const groups = await scopeVariables(client, stack[0]!.id, 'Registers');
    expect(groups.map((group) => group.name)).toEqual(['General Purpose Registers', 'Floating Point Registers', 'Vector Registers']);
    const general = await children(client, groups[0]!);
    expect(general.slice(0, 17).map((register) => register.name)).toEqual([
      'rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip',
    ]);
    expect(byName(general, 'rip').value).toMatch(new RegExp(`^${stack[0]!.instructionPointerReference} <area\\+\\d+>$`));
    const eflags = byName(general, 'eflags');
    expect(eflags.value).toMatch(/^0x[0-9a-f]+ \[ (\w+ )*\]$/);
    const bits = await children(client, eflags);
    const set = bits.filter((bit) => bit.value === '1').map((bit) => bit.name);
    expect(eflags.value).toBe(`0x${BigInt(eflags.value.split(' ')[0]!).toString(16)} [ ${set.join(' ')}${set.length > 0 ? ' ' : ''}]`);
    expect(set).toContain('IF');
    const sse = await children(client, groups[2]!);
    expect(sse.map((register) => register.name)).toEqual(Array.from({ length: 16 }, (_, index) => `xmm${index}`));
    expect((await children(client, sse[0]!)).map((view) => view.name)).toEqual(['v4_float', 'v2_double', 'v16_int8', 'v8_int16', 'v4_int32', 'v2_int64', 'uint128']);
    const fp = await children(client, groups[1]!);
    expect(byName(fp, 'mxcsr').value).toMatch(/^0x1f80 \[ IM DM ZM OM UM PM \]$/);
    expect(byName(fp, 'st0').type).toBe('long double');
    // A register of the innermost frame can be changed, by setVariable or by its evaluate name.
    expect((await client.setVariableRequest({ variablesReference: groups[0]!.variablesReference, name: 'r12', value: '0x1234' })).body.value).toBe('0x1234');
    expect((await client.evaluateRequest({ expression: '$r12', frameId: stack[0]!.id, context: 'watch' })).body.result).toBe('4660');
    // The caller: general registers only, those the unwinder recovered (rsp, rip, callee-saved).
    const callerGroups = await scopeVariables(client, stack[1]!.id, 'Registers');
    expect(callerGroups.map((group) => group.name)).toEqual(['General Purpose Registers']);
    const caller = await children(client, callerGroups[0]!);
    expect(byName(caller, 'rip').value).toMatch(new RegExp(`^${stack[1]!.instructionPointerReference} <main\\+\\d+>$`));
    expect(caller.map((register) => register.name)).not.toContain('rax');
  });
});

describe('setVariable', () => {
  it('changes scalars, enums, pointers, bitfields and array elements, and the program prints the new values', async () => {
    const { frameId, threadId } = await launchTo(client, 'values', BREAK);
    const locals = await scopeVariables(client, frameId, 'Locals');
    const scopes = (await client.scopesRequest({ frameId })).body.scopes;
    const set = async (reference: number, name: string, value: string): Promise<DebugProtocol.SetVariableResponse['body']> => (
      await client.setVariableRequest({ variablesReference: reference, name, value })).body;
    const localsReference = scopes[0]!.variablesReference;
    expect(await set(localsReference, 'i', '5 * 3')).toMatchObject({ value: '15', type: 'int' });
    expect((await set(localsReference, 'shade', 'GREEN')).value).toBe('GREEN');
    expect((await set(localsReference, 'who', '&bob')).value).toMatch(/^0x[0-9a-f]+$/);
    expect((await set(localsReference, 'd', '-0.25')).value).toBe('-0.25');
    expect((await set(scopes[2]!.variablesReference, 'counter', '100')).value).toBe('100');
    expect((await set(scopes[2]!.variablesReference, 'ratio', '0.125')).value).toBe('0.125');
    const name = await children(client, byName(locals, 'name'));
    expect((await set(byName(locals, 'name').variablesReference, name[0]!.name, "'A'")).value).toBe("65 'A'");
    const bits = byName(locals, 'bits');
    expect((await set(bits.variablesReference, 'mode', '3')).value).toBe('3');
    expect((await set(bits.variablesReference, 'level', '-16')).value).toBe('-16');
    expect((await set(bits.variablesReference, 'wide', '0xfedcba9876')).value).toBe(`${0xfedcba9876}`);
    // Errors a user can make: a message, nothing changed.
    await expect(set(localsReference, 'i', 'nosuch + 1')).rejects.toThrow(/No symbol "nosuch"/);
    await expect(set(localsReference, 'nothere', '1')).rejects.toThrow(/no variable named nothere/);
    // Its last line printed, the program has printed what it saw.
    const output = stdoutUntil(client, /^total=.*\n/m);
    const exited = client.waitForEvent('exited');
    await client.continueRequest({ threadId });
    const text = await output;
    expect(text).toContain('i=15 counter=100 name=Alice who=bob age=30 shade=5 ratio=0.125');
    expect(text).toContain('bits=1 3 -16 fedcba9876');
    await exited;
  });
});
