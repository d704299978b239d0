// Hostile and clumsy clients: truncated headers, wrong Content-Length, invalid JSON, unknown
// commands, requests in the wrong state, huge messages, bursts. Each is answered with an error
// response or skipped with a log line (an output event), and the adapter keeps serving: a whole
// debug session works afterwards, and disconnect ends the adapter with status 0 (lldb-dap 19
// aborts on every shutdown and ends the session on a request it does not advertise).
import { afterEach, describe, expect, it } from 'vitest';
import { lineOf, program, source } from '../dap/helpers.js';
import { ask, request, startAdapter, type StdioAdapter } from './stdio-adapter.js';

let adapter: StdioAdapter | undefined;
afterEach(() => {
  adapter?.process.kill('SIGKILL');
  adapter = undefined;
});

/** A whole session on basics.c: breakpoint, stack, continue to its exit code 3. */
async function wholeSession(a: StdioAdapter): Promise<void> {
  const { client } = a;
  expect(await ask(client, 'launch', { program: program('basics') })).toMatchObject({ success: true });
  await client.event('initialized');
  const set = await ask(client, 'setBreakpoints', { source: { path: source('basics.c') }, breakpoints: [{ line: lineOf('basics.c', 'int sum') }] });
  expect(set).toMatchObject({ success: true, body: { breakpoints: [{ verified: true }] } });
  expect(await ask(client, 'configurationDone')).toMatchObject({ success: true });
  const stopped = await client.event('stopped');
  const threadId = (stopped.body as { threadId: number }).threadId;
  const stack = await ask(client, 'stackTrace', { threadId });
  expect((stack.body as { stackFrames: { name: string }[] }).stackFrames[0]!.name).toBe('add');
  await ask(client, 'setBreakpoints', { source: { path: source('basics.c') }, breakpoints: [] });
  await ask(client, 'continue', { threadId });
  expect(await client.event('exited')).toMatchObject({ body: { exitCode: 3 } });
  await client.event('terminated');
}

/** Disconnects and checks the adapter ends cleanly. */
async function clean(a: StdioAdapter): Promise<void> {
  expect(await ask(a.client, 'disconnect', {})).toMatchObject({ success: true });
  expect(await a.exited).toEqual({ code: 0, signal: null });
  expect(a.stderr()).not.toMatch(/Error:|at .*\.js:\d+|abort|core dumped/i);
}

describe('malformed traffic on stdio', () => {
  it('broken framing of every kind is skipped with a log line, and the adapter keeps serving', async () => {
    adapter = startAdapter();
    const { client } = adapter;
    expect(await ask(client, 'initialize', { adapterID: 'raw', linesStartAt1: true, columnsStartAt1: true })).toMatchObject({ success: true });
    const logs = () => client.received.filter((m) => m.type === 'event' && m.event === 'output').length;
    const cases = [
      'Content-Len', // a truncated header, completed by the next one
      'gth: 2\r\n\r\n{}',
      'Content-Length: -4\r\n\r\n',
      'Content-Length: 1e3\r\n\r\n',
      'Content-Length:\r\n\r\n',
      'Content-Length: 3\r\nContent-Length: 99999999999999999999\r\n\r\n',
      'X-No-Length: 1\r\n\r\n{"seq":1}',
      '\r\n\r\n\r\n\r\n',
      'Content-Length: 9\r\n\r\n{"seq":}}}',
      'Content-Length: 4\r\n\r\nnull',
      'Content-Length: 2\r\n\r\n[]',
      'Content-Length: 17\r\n\r\n{"type":"event"}\n',
      `Content-Length: 6\r\n\r\n${Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x7f]).toString('latin1')}`,
    ];
    for (const text of cases) client.raw(text);
    // Every case is behind us once a well-formed request is answered.
    expect(await ask(client, 'threads')).toMatchObject({ success: true, body: { threads: [] } });
    expect(logs()).toBeGreaterThanOrEqual(8);
    await wholeSession(adapter);
    await clean(adapter);
  });

  it('unknown commands, wrong arguments and requests in the wrong state get error responses', async () => {
    adapter = startAdapter();
    const { client } = adapter;
    // Before initialize: every request is refused, the session lives.
    for (const command of ['launch', 'threads', 'configurationDone', 'disconnect-not', 'evaluate']) {
      expect(await ask(client, command, {})).toMatchObject({ success: false, message: expect.stringContaining('initialize') });
    }
    expect(await ask(client, 'initialize', { adapterID: 'raw' })).toMatchObject({ success: true });
    expect(await ask(client, 'initialize', { adapterID: 'raw' })).toMatchObject({ success: false });
    // Commands nobody advertised: answered (the library's defaults answer a few of them), not
    // fatal (lldb-dap ends the session there).
    for (const command of ['runInTerminal', 'startDebugging', 'gotoTargets', 'modules', 'loadedSources', 'restartFrame', 'stepBack', 'reverseContinue', 'completions', 'dataBreakpointInfo']) {
      expect((await ask(client, command, {})).type, command).toBe('response');
    }
    for (const command of ['no-such-command', 'x'.repeat(10_000), '\u0000', 'constructor', '__proto__', 'toString']) {
      expect(await ask(client, command, {}), command.slice(0, 40)).toMatchObject({ success: false });
    }
    // The wrong state: no debuggee yet. configurationDone before a launch is refused (were it
    // remembered, the launch would run the program before the client set its breakpoints).
    expect(await ask(client, 'configurationDone', {})).toMatchObject({ success: false, message: expect.stringMatching(/before launch or attach/) });
    const noDebuggee: [string, unknown][] = [
      ['continue', { threadId: 1 }], ['next', { threadId: 1 }], ['stepIn', { threadId: 1 }],
      ['stepOut', { threadId: 1 }], ['pause', { threadId: 1 }], ['stackTrace', { threadId: 1 }], ['scopes', { frameId: 1 }],
      ['variables', { variablesReference: 1 }], ['evaluate', { expression: '1+1' }], ['setVariable', { variablesReference: 1, name: 'x', value: '1' }],
      ['readMemory', { memoryReference: '0x1000', count: 16 }], ['disassemble', { memoryReference: '0x1000', instructionCount: 4 }],
      ['exceptionInfo', { threadId: 1 }], ['terminate', {}],
    ];
    for (const [command, args] of noDebuggee) {
      const response = await ask(client, command, args);
      expect(response.type, command).toBe('response');
    }
    // Wrong argument types.
    const wrong: [string, unknown][] = [
      ['launch', { program: 42 }], ['launch', { program: '/no/such/program' }], ['launch', { program: '/etc/passwd' }],
      ['attach', { pid: -1 }], ['attach', { pid: 'me' }], ['setBreakpoints', { breakpoints: 'all' }],
      ['setBreakpoints', { source: { path: 42 }, breakpoints: [{ line: 'x' }] }], ['setFunctionBreakpoints', { breakpoints: [{}] }],
      ['stackTrace', { threadId: 'main' }], ['variables', { variablesReference: -1 }], ['evaluate', {}],
    ];
    for (const [command, args] of wrong) {
      const response = await ask(client, command, args);
      expect(response.success, `${command} ${JSON.stringify(args)}`).toBe(false);
    }
    // Still a working adapter.
    await wholeSession(adapter);
    // After the debuggee ended: the debuggee-less state again.
    for (const [command, args] of noDebuggee.slice(0, 7)) expect((await ask(client, command, args)).type).toBe('response');
    await clean(adapter);
  });

  it('huge messages: a 20 MB request is answered, a body over the 64 MiB limit is skipped', async () => {
    adapter = startAdapter();
    const { client } = adapter;
    expect(await ask(client, 'initialize', { adapterID: 'raw' })).toMatchObject({ success: true });
    const big = request('evaluate', { expression: 'x'.repeat(20 << 20) });
    client.send(big);
    expect(await client.response(big.seq)).toMatchObject({ success: false });
    // Announced larger than the limit: refused at the header, its bytes skipped.
    const huge = 70 << 20;
    client.raw(`Content-Length: ${huge}\r\n\r\n`);
    client.raw('y'.repeat(huge));
    expect(await ask(client, 'threads')).toMatchObject({ success: true });
    const logged = client.received.filter((m) => m.type === 'event' && m.event === 'output').map((m) => (m.body as { output: string }).output);
    expect(logged.some((line) => line.includes('larger than'))).toBe(true);
    // Reported once while its 70 MB are skipped, not once per chunk.
    expect(logged.filter((line) => /larger than|without an end/.test(line)).length).toBeLessThanOrEqual(2);
    await wholeSession(adapter);
    await clean(adapter);
  });

  it('a burst of 2000 pipelined requests gets 2000 responses, one each', async () => {
    adapter = startAdapter();
    const { client } = adapter;
    expect(await ask(client, 'initialize', { adapterID: 'raw' })).toMatchObject({ success: true });
    const burst = Array.from({ length: 2000 }, (_, i) => request(i % 3 === 0 ? 'no-such-command' : 'threads'));
    client.raw(burst.map((m) => {
      const body = JSON.stringify(m);
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    }).join(''));
    // Responses carry request_seq: those that wait for the engine come after the immediate ones.
    const seqs = await Promise.all(burst.map(async (m) => (await client.response(m.seq)).request_seq));
    expect(seqs).toEqual(burst.map((m) => m.seq));
    expect(client.received.filter((m) => m.type === 'response')).toEqual([]);
    await clean(adapter);
  });
});
