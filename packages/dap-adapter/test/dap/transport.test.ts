// The transport: stdio and --port on 127.0.0.1, one session per connection, and malformed input
// answered with errors (or skipped with a log line) while the adapter keeps serving.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adapterCli, processAlive, processGone, program, source, lineOf } from './helpers.js';
import { RawClient, type DapMessage } from './raw-client.js';
import { tcpAdapter } from './tcp-adapter.js';

const tcp = tcpAdapter();

async function connect(): Promise<RawClient> {
  return (await tcp.connect()).client;
}

const request = (seq: number, command: string, args?: unknown): DapMessage => ({ seq, type: 'request', command, ...(args === undefined ? {} : { arguments: args }) }) as DapMessage;

describe('transport', () => {
  it('listens on 127.0.0.1 only', () => {
    const hexPort = tcp.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = readFileSync('/proc/net/tcp', 'latin1').split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A'); // 0A: LISTEN
    expect(listening.map((fields) => fields[1])).toEqual([`0100007F:${hexPort}`]);
  });

  it('answers malformed and out-of-order requests with errors, skips unreadable messages, and keeps serving', async () => {
    const client = await connect();
    // Before initialize.
    client.send(request(1, 'threads'));
    expect(await client.response(1)).toMatchObject({ success: false, message: expect.stringContaining('initialize') });
    // Broken JSON whose seq can still be read: answered.
    const truncated = '{"seq":2,"type":"request","command":"threads","argum';
    client.raw(`Content-Length: ${truncated.length}\r\n\r\n${truncated}`);
    expect(await client.response(2)).toMatchObject({ success: false, command: 'threads', message: expect.stringContaining('malformed') });
    // Not JSON at all: a log line (an output event), nothing to answer.
    client.raw('Content-Length: 5\r\n\r\nhello');
    expect(await client.event('output')).toMatchObject({ body: { category: 'console', output: expect.stringContaining('not valid JSON') } });
    // A header without Content-Length, then a broken one.
    client.raw('Content-Lenght: 2\r\n\r\n');
    expect(await client.event('output')).toMatchObject({ body: { output: expect.stringContaining('Content-Length') } });
    client.raw('Content-Length: twelve\r\n\r\n');
    expect(await client.event('output')).toMatchObject({ body: { output: expect.stringContaining('invalid Content-Length') } });
    // JSON that is not a request.
    client.send([1, 2, 3]);
    expect(await client.event('output')).toMatchObject({ body: { output: expect.stringContaining('not a JSON object') } });
    client.send({ seq: 3, type: 'request' });
    expect(await client.response(3)).toMatchObject({ success: false, message: expect.stringContaining('command') });
    client.send({ seq: 4, type: 'request', command: 'initialize', arguments: 'yes' });
    expect(await client.response(4)).toMatchObject({ success: false, message: expect.stringContaining('arguments') });
    // A Content-Length too short: the rest of the body is garbage before the next message.
    const body = JSON.stringify(request(5, 'initialize', { adapterID: 'raw' }));
    client.raw(`Content-Length: ${body.length - 10}\r\n\r\n${body}`);
    client.send(request(6, 'initialize', { adapterID: 'raw', linesStartAt1: true, columnsStartAt1: true }));
    expect(await client.response(5)).toMatchObject({ success: false });
    expect(await client.response(6)).toMatchObject({ success: true, body: { supportsConfigurationDoneRequest: true } });
    // A Content-Length too long swallows the next message's header: both still get answers.
    const first = JSON.stringify(request(7, 'threads'));
    const second = JSON.stringify(request(8, 'no-such-command'));
    client.raw(`Content-Length: ${first.length + 30}\r\n\r\n${first}Content-Length: ${second.length}\r\n\r\n${second}`);
    expect(await client.response(7)).toMatchObject({ success: true, body: { threads: [] } });
    expect(await client.response(8)).toMatchObject({ success: false, message: expect.stringContaining('unrecognized') });
    // Wrong argument types.
    client.send(request(9, 'initialize', {}));
    expect(await client.response(9)).toMatchObject({ success: false, message: expect.stringContaining('already initialized') });
    client.send(request(10, 'launch', { program: 42 }));
    expect(await client.response(10)).toMatchObject({ success: false, message: expect.stringContaining('"program"') });
    client.send(request(11, 'stackTrace', { threadId: 'main' }));
    expect(await client.response(11)).toMatchObject({ success: false, message: expect.stringContaining('threadId') });
    client.send(request(12, 'next', { threadId: 1 }));
    expect(await client.response(12)).toMatchObject({ success: false, message: expect.stringContaining('no debuggee') });

    // After all that, a whole session on the same connection works.
    client.send(request(20, 'launch', { program: program('basics') }));
    expect(await client.response(20)).toMatchObject({ success: true });
    await client.event('initialized');
    client.send(request(21, 'setBreakpoints', { source: { path: source('basics.c') }, breakpoints: [{ line: lineOf('basics.c', 'int sum') }] }));
    expect(await client.response(21)).toMatchObject({ success: true, body: { breakpoints: [{ verified: true }] } });
    client.send(request(22, 'configurationDone'));
    const stopped = await client.event('stopped');
    expect(stopped).toMatchObject({ body: { reason: 'breakpoint' } });
    client.send(request(23, 'setBreakpoints', { source: { path: source('basics.c') }, breakpoints: [] }));
    await client.response(23);
    client.send(request(24, 'continue', { threadId: (stopped.body as { threadId: number }).threadId }));
    expect(await client.event('exited')).toMatchObject({ body: { exitCode: 3 } });
    await client.event('terminated');
    // The adapter survives its debuggee: it still answers.
    client.send(request(25, 'threads'));
    expect(await client.response(25)).toMatchObject({ success: true, body: { threads: [] } });
  });

  it('serves one session per connection, independently', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    for (const client of [a, b]) client.send(request(1, 'initialize', { adapterID: 'raw' }));
    expect(await a.response(1)).toMatchObject({ success: true });
    expect(await b.response(1)).toMatchObject({ success: true });
    a.send(request(2, 'launch', { program: program('spin') }));
    b.send(request(2, 'launch', { program: program('basics') }));
    await Promise.all([a.response(2), b.response(2)]);
    a.send(request(3, 'configurationDone'));
    b.send(request(3, 'configurationDone'));
    expect(await b.event('exited')).toMatchObject({ body: { exitCode: 3 } });
    a.send(request(4, 'threads'));
    const threads = (await a.response(4)).body as { threads: { id: number }[] };
    expect(threads.threads).toHaveLength(1);
    expect(processAlive(threads.threads[0]!.id)).toBe(true);
    a.send(request(5, 'disconnect', {}));
    await a.response(5);
    await processGone(threads.threads[0]!.id);
  });

  it('over stdio, skips garbage and then answers; when the adapter dies, the launched debuggee dies too', async () => {
    const adapter = spawn(process.execPath, [adapterCli], { stdio: ['pipe', 'pipe', 'ignore'] });
    try {
      const client = new RawClient(adapter.stdin!);
      adapter.stdout!.on('data', (chunk: Buffer) => client.feed(chunk));
      client.raw('garbage\r\n\r\n');
      client.send(request(1, 'initialize', { adapterID: 'raw' }));
      expect(await client.response(1)).toMatchObject({ success: true });
      client.send(request(2, 'launch', { program: program('basics') }));
      await client.response(2);
      client.send(request(3, 'setFunctionBreakpoints', { breakpoints: [{ name: 'add' }] }));
      await client.response(3);
      client.send(request(4, 'configurationDone'));
      await client.event('stopped');
      client.send(request(5, 'threads'));
      const pid = ((await client.response(5)).body as { threads: { id: number }[] }).threads[0]!.id;
      expect(processAlive(pid)).toBe(true);
      adapter.kill('SIGKILL');
      // PTRACE_O_EXITKILL: no stopped orphan is left behind.
      await processGone(pid);
    } finally {
      adapter.kill('SIGKILL');
    }
  });
});
