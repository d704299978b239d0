// evaluate in the watch, hover and debug console (repl) contexts: every operator of the C
// subset, checked against gdb on the same binary; results that can be expanded or viewed as
// memory carry variablesReference and memoryReference; conditional breakpoints and logpoints
// use the same evaluator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { missing } from '@umview/test-fixtures/machine';
import { skipEachWhen } from '@umview/test-fixtures/skip';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  byName, children, collect, gdbValues, launch, launchTo, lineOf, program, scopeVariables, source, startClient, stopClient, stoppedAfter,
} from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

const BREAK = 'break here';

/** Every operator: identifiers, . -> [] unary * & casts, arithmetic, shifts, comparisons, bitwise and logical operators, sizeof, ?:, registers, enumerators, literals. */
const EXPRESSIONS = [
  "origin.x",
  "who->age",
  "big[3]",
  "matrix[2][1]",
  "name[1]",
  "*ip",
  "**ipp",
  "*&origin",
  "(char)66",
  "(unsigned char)-1",
  "(long)d",
  "((struct point *)opaque)->y",
  "(enum color)5",
  "(double)1/3",
  "(size_type)-1",
  "i + 50",
  "i - 8",
  "i * -2",
  "i / 5",
  "i % 5",
  "u + u",
  "1L << 40",
  "-16 >> 2",
  "d * 2",
  "f + 1",
  "i < 0",
  "i > 0",
  "i <= -42",
  "i >= -41",
  "i == -42",
  "i != -42",
  "ip == &i",
  "who == &alice",
  "mode & EXEC",
  "mode | WRITE",
  "mode ^ 1",
  "~0",
  "i < 0 && counter == 7",
  "i > 0 || ratio > 2",
  "!nowhere",
  "nowhere && *nowhere",
  "sizeof(struct person)",
  "sizeof big",
  "sizeof alice.name",
  "i < 0 ? 1 : 2",
  "BLUE",
  "BLUE + 0",
  "'a' + 1",
  "\"hi\"",
  "$pc == $rip",
  "ul + 1",
  "sc * 2",
  "uc + 1",
  "-f",
  "ld * 2",
  "c == 65",
  "sizeof(long double)",
  "(short)70000",
  "bits.mode * 2",
  "row[1][3]",
  "&big[1] - &big[0]",
  "origin.x - origin.y * 2",
  "10 / 4.0",
  "(float)1/3",
  "0x10 + 010 + 0b11",
  "5u - 6",
  "-5 / 2",
  "-5 % 3",
  "+i",
  "-shade",
  "who->home.x + who->friend->home.y",
  "big[big[2]]",
  "(int)'z'",
  "alice.size.width * alice.size.height",
  "*text",
  "text[4]",
  "*(int *)ip",
  "(unsigned)-1 > 0",
];

async function evaluate(frameId: number, expression: string, context: string): Promise<DebugProtocol.EvaluateResponse['body']> {
  return (await client.evaluateRequest({ expression, frameId, context })).body;
}

describe('evaluate', () => {
  skipEachWhen(missing.tool('gdb'));

  it.each(['watch', 'hover', 'repl'])('computes every operator as gdb does (%s)', async (context) => {
    const { frameId } = await launchTo(client, 'values', BREAK);
    const expected = gdbValues(program('values'), `values.c:${lineOf('values.c', BREAK)}`, EXPRESSIONS);
    for (const expression of EXPRESSIONS) {
      const result = (await evaluate(frameId, expression, context)).result;
      expect(`${expression} = ${result}`).toBe(`${expression} = ${expected.get(expression)}`);
    }
  });
});

describe('evaluate results', () => {
  it('carry types, variablesReference and memoryReference; errors are messages', async () => {
    const { frameId, frames } = await launchTo(client, 'values', BREAK);
    const locals = await scopeVariables(client, frameId, 'Locals');
    const who = await evaluate(frameId, 'who', 'watch');
    expect(who).toMatchObject({ type: 'struct person *', result: byName(locals, 'who').value, memoryReference: byName(locals, 'who').value });
    expect((await children(client, who)).map((member) => member.evaluateName).slice(0, 2)).toEqual(['who->name', 'who->age']);
    const alice = await evaluate(frameId, '*who', 'hover');
    expect(alice.type).toBe('struct person');
    expect(alice.memoryReference).toBe(who.memoryReference);
    expect(alice.variablesReference).toBeGreaterThan(0);
    const name = await evaluate(frameId, 'who->name', 'watch');
    expect(name).toMatchObject({ result: '"alice"', type: 'char [16]', indexedVariables: 16, memoryReference: who.memoryReference });
    const sum = await evaluate(frameId, 'i + 1', 'watch');
    expect(sum).toMatchObject({ result: '-41', type: 'int', variablesReference: 0 });
    expect(sum.memoryReference).toBeUndefined();
    const address = await evaluate(frameId, '&big[2]', 'watch');
    expect(address.type).toBe('int *');
    expect(BigInt(address.memoryReference!)).toBe(BigInt(byName(locals, 'big').memoryReference!) + 8n);
    expect((await evaluate(frameId, '$rip', 'watch')).memoryReference).toBe(frames[0]!.instructionPointerReference);
    expect((await evaluate(frameId, 'main', 'watch')).result).toMatch(/^0x[0-9a-f]+ <main>$/);
    await expect(evaluate(frameId, 'nosuch + 1', 'watch')).rejects.toThrow('No symbol "nosuch" in current context.');
    await expect(evaluate(frameId, 'i / 0', 'watch')).rejects.toThrow('Division by zero');
    await expect(evaluate(frameId, '*nowhere', 'hover')).rejects.toThrow('Cannot access memory at address 0x0');
    await expect(evaluate(frameId, 'i +', 'repl')).rejects.toThrow(/ends too early/);
    await expect(evaluate(frameId, 'origin->x', 'watch')).rejects.toThrow(/needs a pointer/);
    await expect(evaluate(frameId, 'origin.z', 'watch')).rejects.toThrow('There is no member named z.');
    // Assignment: in the debug console only.
    await expect(evaluate(frameId, 'i = 7', 'watch')).rejects.toThrow(/debug console only/);
    expect((await evaluate(frameId, 'i = 7', 'repl')).result).toBe('7');
    expect((await evaluate(frameId, 'i', 'watch')).result).toBe('7');
    // Without a frame: the innermost frame of the stopped thread.
    expect((await client.evaluateRequest({ expression: 'counter * 2', context: 'repl' })).body.result).toBe('14');
  });

  it('evaluates in the frame asked for (a caller sees its own locals)', async () => {
    const { threadId } = await launchTo(client, 'values', 'return width * height');
    const stack = (await client.stackTraceRequest({ threadId })).body.stackFrames;
    expect((await evaluate(stack[0]!.id, 'width * height', 'watch')).result).toBe('-48');
    expect((await evaluate(stack[0]!.id, 'corner->x', 'hover')).result).toBe('3');
    expect((await evaluate(stack[1]!.id, 'name', 'watch')).result).toBe('"alice"');
    await expect(evaluate(stack[1]!.id, 'width', 'watch')).rejects.toThrow('No symbol "width" in current context.');
    // setExpression: a watch edited in place.
    const changed = (await client.customRequest('setExpression', { expression: 'origin.y', value: '-5', frameId: stack[1]!.id }) as DebugProtocol.SetExpressionResponse).body;
    expect(changed.value).toBe('-5');
    expect((await evaluate(stack[0]!.id, 'corner->y', 'watch')).result).toBe('-5');
  });
});

describe('conditional breakpoints and logpoints', () => {
  const loop = (): number => lineOf('values.c', '/* loop body */');

  it('stops only where the condition holds, counting hits of the condition', async () => {
    await launch(client, { program: program('values') });
    await client.setBreakpointsRequest({ source: { path: source('values.c') }, breakpoints: [{ line: loop(), condition: 'k == 123' }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(stopped.body.reason).toBe('breakpoint');
    const frame = (await client.stackTraceRequest({ threadId: stopped.body.threadId!, levels: 1 })).body.stackFrames[0]!;
    expect((await evaluate(frame.id, 'k', 'watch')).result).toBe('123');
    // Condition and hit count together: the 3rd hit whose condition holds.
    await client.setBreakpointsRequest({ source: { path: source('values.c') }, breakpoints: [{ line: loop(), condition: 'k % 50 == 0', hitCondition: '3' }] });
    const again = await stoppedAfter(client, () => client.continueRequest({ threadId: stopped.body.threadId! }));
    const next = (await client.stackTraceRequest({ threadId: again.body.threadId!, levels: 1 })).body.stackFrames[0]!;
    expect((await evaluate(next.id, 'k', 'watch')).result).toBe('250');
  });

  it('stops with the error when a condition cannot be evaluated', async () => {
    await launch(client, { program: program('values') });
    await client.setBreakpointsRequest({ source: { path: source('values.c') }, breakpoints: [{ line: loop(), condition: 'nosuch > 1' }] });
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(stopped.body).toMatchObject({ reason: 'breakpoint', description: expect.stringContaining('No symbol "nosuch" in current context.') });
  });

  it("logs a logpoint's message with its expressions evaluated, without stopping", async () => {
    await launch(client, { program: program('values') });
    const output = collect<DebugProtocol.OutputEvent>(client, 'output');
    const message = 'k={k} square={k * k} \\{literal\\} name={name} bad={nosuch}';
    const states = (await client.setBreakpointsRequest({
      source: { path: source('values.c') },
      breakpoints: [{ line: loop(), condition: 'k % 100 == 0', logMessage: message }, { line: lineOf('values.c', BREAK) }],
    })).body.breakpoints;
    expect(states.map((state) => state.verified)).toEqual([true, true]);
    const stopped = await stoppedAfter(client, () => client.configurationDoneRequest());
    expect(stopped.body.reason).toBe('breakpoint');
    const logged = output.filter((event) => event.body.category === 'console' && event.body.output.startsWith('k='));
    expect(logged.map((event) => event.body.output)).toEqual([0, 100, 200].map((k) => `k=${k} square=${k * k} {literal} name="alice" bad=<error: No symbol "nosuch" in current context.>\n`));
    expect(logged[0]!.body).toMatchObject({ line: loop(), source: { path: source('values.c') } });
  });
});
