// readMemory and writeMemory (the program sees what was written), disassembly around the pc
// (instruction boundaries checked against objdump, backwards included), instruction
// breakpoints and stepping by instruction.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { byName, launchTo, lineOf, program, scopeVariables, source, startClient, stdoutUntil, stopClient, stoppedAfter } from './helpers.js';

let client: DebugClient;
beforeEach(async () => {
  client = await startClient();
});
afterEach(async () => {
  await stopClient(client);
});

const BREAK = 'break here';

async function readMemory(memoryReference: string, count: number, offset = 0): Promise<{ address: string; bytes: Buffer; unreadable: number }> {
  const body = (await client.customRequest('readMemory', { memoryReference, offset, count }) as DebugProtocol.ReadMemoryResponse).body!;
  return { address: body.address, bytes: Buffer.from(body.data ?? '', 'base64'), unreadable: body.unreadableBytes ?? 0 };
}

async function disassemble(memoryReference: string, instructionOffset: number, instructionCount: number): Promise<DebugProtocol.DisassembledInstruction[]> {
  return (await client.customRequest('disassemble', { memoryReference, instructionOffset, instructionCount, resolveSymbols: true }) as DebugProtocol.DisassembleResponse).body!.instructions;
}

/** Instruction start addresses (file addresses) of the program, from objdump. */
function objdumpStarts(path: string): Set<bigint> {
  const starts = new Set<bigint>();
  for (const match of execFileSync('objdump', ['-d', '--no-show-raw-insn', path], { encoding: 'utf8' }).matchAll(/^\s+([0-9a-f]+):\t/gm)) starts.add(BigInt(`0x${match[1]}`));
  return starts;
}

function symbolAddress(path: string, name: string): bigint {
  const line = execFileSync('nm', [path], { encoding: 'utf8' }).split('\n').find((entry) => entry.endsWith(` ${name}`));
  return BigInt(`0x${line!.split(' ')[0]}`);
}

describe('memory', () => {
  it('reads and writes memory through variables\' memory references; the program sees the change', async () => {
    const { frameId, threadId } = await launchTo(client, 'values', BREAK);
    const locals = await scopeVariables(client, frameId, 'Locals');
    const name = byName(locals, 'name').memoryReference!;
    const read = await readMemory(name, 16);
    expect(read.address).toBe(name);
    expect(read.bytes.subarray(0, 6).toString('latin1')).toBe('alice\0');
    expect(read.unreadable).toBe(0);
    // An offset from the reference.
    expect((await readMemory(name, 3, 2)).bytes.toString('latin1')).toBe('ice');
    const written = await client.customRequest('writeMemory', { memoryReference: name, offset: 1, data: Buffer.from('LIC').toString('base64') }) as DebugProtocol.WriteMemoryResponse;
    expect(written.body?.bytesWritten).toBe(3);
    expect((await client.evaluateRequest({ expression: 'name', frameId, context: 'watch' })).body.result).toBe('"aLICe"');
    const counter = (await client.evaluateRequest({ expression: '&counter', frameId, context: 'watch' })).body.memoryReference!;
    const bytes = Buffer.alloc(4);
    bytes.writeInt32LE(-1234);
    await client.customRequest('writeMemory', { memoryReference: counter, data: bytes.toString('base64') });
    // Its last line printed, the program has printed what it saw.
    const output = stdoutUntil(client, /^total=.*\n/m);
    const exited = client.waitForEvent('exited');
    await client.continueRequest({ threadId });
    expect(await output).toContain('i=-42 counter=-1234 name=aLICe');
    await exited;
  });

  it('reports unreadable memory as unreadableBytes, and shows the original bytes under breakpoints', async () => {
    const processEvent = client.waitForEvent('process') as Promise<DebugProtocol.ProcessEvent>;
    const { frameId, frames } = await launchTo(client, 'values', BREAK);
    const pid = (await processEvent).body.systemProcessId!;
    const unmapped = await readMemory('0x0', 64);
    expect(unmapped).toMatchObject({ address: '0x0', unreadable: 64 });
    expect(unmapped.bytes.length).toBe(0);
    // The last bytes of the stack mapping, and beyond its end.
    const rsp = BigInt((await client.evaluateRequest({ expression: '$rsp', frameId, context: 'watch' })).body.memoryReference!);
    const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').map((line) => line.split(' ')[0]!.split('-').map((part) => BigInt(`0x${part || '0'}`)));
    const stack = maps.find(([start, end]) => rsp >= start! && rsp < end!)!;
    const edge = await readMemory(`0x${(stack[1]! - 8n).toString(16)}`, 24);
    expect(edge.bytes.length).toBe(8);
    expect(edge.unreadable).toBe(16);
    // Our int3 is not shown: the bytes are those of the program.
    const pc = frames[0]!.instructionPointerReference!;
    const before = await readMemory(pc, 8);
    expect(before.bytes[0]).not.toBe(0xcc);
    await client.setBreakpointsRequest({ source: { path: source('values.c') }, breakpoints: [{ line: lineOf('values.c', BREAK) }, { line: lineOf('values.c', 'bits=%u') }] });
    expect((await readMemory(pc, 8)).bytes).toEqual(before.bytes);
  });
});

describe('disassembly', () => {
  it('disassembles around the pc, backwards too, on instruction boundaries, with symbols and lines', async () => {
    const path = program('values');
    const { frameId, frames } = await launchTo(client, 'values', BREAK);
    const pc = frames[0]!.instructionPointerReference!;
    const instructions = await disassemble(pc, -6, 12);
    expect(instructions).toHaveLength(12);
    expect(instructions[6]!.address).toBe(pc);
    for (let index = 0; index + 1 < instructions.length; index++) {
      const current = instructions[index]!;
      expect(BigInt(current.address) + BigInt(current.instructionBytes!.split(' ').length)).toBe(BigInt(instructions[index + 1]!.address));
    }
    expect(instructions[6]).toMatchObject({ symbol: 'main', line: lineOf('values.c', BREAK), location: { path: source('values.c') } });
    expect(instructions.some((instruction) => /^call 0x[0-9a-f]+/.test(instruction.instruction))).toBe(true);
    // Every address is an instruction start in objdump's listing, however far back we go
    // (across the start of main into the functions before it).
    const main = BigInt((await client.evaluateRequest({ expression: 'main', frameId, context: 'watch' })).body.memoryReference!);
    const bias = main - symbolAddress(path, 'main');
    const starts = objdumpStarts(path);
    const around = await disassemble(`0x${main.toString(16)}`, -40, 60);
    expect(around[40]!.address).toBe(`0x${main.toString(16)}`);
    for (const instruction of around) expect(starts.has(BigInt(instruction.address) - bias), instruction.address).toBe(true);
    expect(around.map((instruction) => instruction.symbol)).toContain('area');
    // Branch targets are named (main calls area, and printf through the PLT).
    expect(around.some((instruction) => /^call 0x[0-9a-f]+ <\w+/.test(instruction.instruction))).toBe(true);
    // Unreadable memory: placeholders, the count is kept.
    const nowhere = await disassemble('0x10', 0, 4);
    expect(nowhere.map((instruction) => [instruction.instruction, instruction.presentationHint])).toEqual(Array(4).fill(['??', 'invalid']));
  });

  it('stops at an instruction breakpoint, steps one instruction, and steps over a call by instruction', async () => {
    const { threadId, frames } = await launchTo(client, 'values', BREAK);
    const pc = frames[0]!.instructionPointerReference!;
    const ahead = await disassemble(pc, 0, 12);
    const call = ahead.findIndex((instruction) => instruction.instruction.startsWith('call'));
    expect(call).toBeGreaterThan(0);
    const target = ahead[call - 1]!.address;
    const states = (await client.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: target }] }) as DebugProtocol.SetInstructionBreakpointsResponse).body.breakpoints;
    expect(states[0]).toMatchObject({ verified: true, instructionReference: target });
    const stopped = await stoppedAfter(client, () => client.continueRequest({ threadId }));
    expect(stopped.body.reason).toBe('instruction breakpoint');
    const top = async (): Promise<string> => (await client.stackTraceRequest({ threadId, levels: 1 })).body.stackFrames[0]!.instructionPointerReference!;
    expect(await top()).toBe(target);
    // One instruction: onto the call.
    const stepped = await stoppedAfter(client, () => client.stepInRequest({ threadId, granularity: 'instruction' }));
    expect(stepped.body.reason).toBe('step');
    expect(await top()).toBe(ahead[call]!.address);
    // Over the call (printf runs: it returns the 6 characters of "ready\n"), onto the next instruction.
    await stoppedAfter(client, () => client.nextRequest({ threadId, granularity: 'instruction' }));
    expect(await top()).toBe(ahead[call + 1]!.address);
    const frameId = (await client.stackTraceRequest({ threadId, levels: 1 })).body.stackFrames[0]!.id;
    expect((await client.evaluateRequest({ expression: '$eax', frameId, context: 'watch' })).body.result).toBe('6');
  });
});
