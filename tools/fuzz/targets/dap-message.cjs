// Fuzz target: the DAP message layer of @umview/dap-adapter, the part that reads a client's
// bytes. Two stages per input:
//
// 1. MessageReader (the framing: Content-Length headers, bodies, resynchronization), as a pure
//    function. Properties: it never throws; it delivers only messages and malformed-items with a
//    reason; the input cut into chunks (at places the input chooses) gives the same messages as
//    the input at once; and a well-framed sentinel message sent after garbage that announces no
//    length of its own is always recovered (a client's mistake never ends the session).
// 2. A whole session (serveConnection: framing, request validation, salvaging seq from broken
//    JSON, dispatch, the session's state checks) on in-memory streams, with an engine worker
//    that fails to start, so that no tracer or debuggee exists. Properties: nothing throws or
//    rejects unhandled; the session ends when its input does; everything it writes is
//    well-framed JSON; every response answers a request seq that the input carried.
'use strict';

const { PassThrough } = require('node:stream');
const { join } = require('node:path');
const { MessageReader, serveConnection } = require('@umview/dap-adapter/internal'); // MessageReader is not public

const stubWorker = join(__dirname, '..', 'lib', 'no-tracer-worker.cjs');

let escaped;
process.on('unhandledRejection', (reason) => {
  escaped ??= reason instanceof Error ? reason : new Error(`unhandled rejection: ${String(reason)}`);
});
process.on('uncaughtException', (error) => {
  escaped ??= error;
});

function frame(message) {
  const body = Buffer.from(JSON.stringify(message));
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
}

function readAll(bytes, cuts) {
  const items = [];
  const reader = new MessageReader((item) => items.push(item), { stallMs: 60_000 });
  let at = 0;
  for (const cut of cuts) {
    if (cut <= at || cut >= bytes.length) continue;
    reader.push(bytes.subarray(at, cut));
    at = cut;
  }
  if (at < bytes.length) reader.push(bytes.subarray(at));
  reader.end();
  for (const item of items) {
    if (item.kind === 'message') continue;
    if (item.kind !== 'malformed' || typeof item.reason !== 'string' || item.reason === '') throw new Error(`bad item ${JSON.stringify(item)}`);
  }
  return items;
}

/** Cut points chosen by the input's own bytes. */
function cutsOf(bytes) {
  const cuts = [];
  for (let i = 0; i < bytes.length; i += 1 + (bytes[i] % 97)) cuts.push(i);
  return cuts;
}

const SENTINEL = { seq: 987654, type: 'request', command: 'threads', arguments: { sentinel: true } };


function framing(bytes) {
  const whole = readAll(bytes, []);
  const chunked = readAll(bytes, cutsOf(bytes));
  // The messages, that is: how many malformed items a stretch of garbage makes may depend on
  // where it is cut (the reader skips garbage differently when it has it all at once).
  const messages = (items) => JSON.stringify(items.filter((item) => item.kind === 'message'));
  if (bytes.length < 8192 && messages(whole) !== messages(chunked)) {
    throw new Error(`chunked input read differently:\nwhole   ${JSON.stringify(whole).slice(0, 2000)}\nchunked ${JSON.stringify(chunked).slice(0, 2000)}`);
  }
  // Garbage that announces no length of its own cannot swallow the next message.
  if (!bytes.toString('latin1').toLowerCase().includes('content-length')) {
    const items = readAll(Buffer.concat([bytes, frame(SENTINEL)]), []);
    const found = items.some((item) => item.kind === 'message' && JSON.stringify(item.value) === JSON.stringify(SENTINEL));
    if (!found) throw new Error(`the sentinel after ${bytes.length} bytes of garbage was lost: ${JSON.stringify(items).slice(0, 2000)}`);
  }
  return whole;
}

/** Parses what the session wrote: strict framing, JSON bodies. */
function outputMessages(bytes) {
  const messages = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) throw new Error(`the adapter wrote a header without an end: ${bytes.subarray(at, at + 200).toString('latin1')}`);
    const header = bytes.toString('latin1', at, end);
    const match = /^Content-Length: (\d+)$/.exec(header);
    if (!match) throw new Error(`the adapter wrote a bad header ${JSON.stringify(header)}`);
    const length = Number(match[1]);
    if (end + 4 + length > bytes.length) throw new Error('the adapter wrote a short body');
    messages.push(JSON.parse(bytes.toString('utf8', end + 4, end + 4 + length)));
    at = end + 4 + length;
  }
  return messages;
}

async function session(bytes, items) {
  const input = new PassThrough();
  const output = new PassThrough();
  const chunks = [];
  output.on('data', (chunk) => chunks.push(chunk));
  let ended;
  const done = new Promise((resolve) => {
    ended = resolve;
  });
  serveConnection(input, output, { workerPath: stubWorker, log: () => {}, onEnd: () => ended() });
  for (const cut of [...cutsOf(bytes), bytes.length].reduce((list, cut) => {
    if (cut > list.at) list.parts.push(bytes.subarray(list.at, cut));
    list.at = Math.max(list.at, cut);
    return list;
  }, { parts: [], at: 0 }).parts) input.write(cut);
  input.end();
  let timer;
  const hung = new Promise((resolve) => {
    timer = setTimeout(() => resolve('hung'), 5000);
  });
  const outcome = await Promise.race([done, hung]);
  clearTimeout(timer);
  if (outcome === 'hung') throw new Error('the session did not end within 5 s of its input');
  // Responses still in flight (they wait for the engine that failed) are let out.
  await new Promise((resolve) => setImmediate(resolve));
  const messages = outputMessages(Buffer.concat(chunks));
  const seqs = new Set();
  for (const item of items) if (item.kind === 'message' && item.value && typeof item.value === 'object') seqs.add(item.value.seq);
  for (const message of messages) {
    if (message.type !== 'response' && message.type !== 'event') throw new Error(`the adapter wrote a ${message.type}`);
    // A salvaged seq (from a body that is not JSON) is a number the input carried too.
    if (message.type === 'response' && !seqs.has(message.request_seq) && !bytes.includes(String(message.request_seq))) {
      throw new Error(`a response to request ${message.request_seq}, which the input never sent`);
    }
  }
}

const MAX_INPUT = 64 * 1024;

async function fuzz(input) {
  // jsfuzz's versifier may build inputs larger than the corpus limit.
  const bytes = input.length > MAX_INPUT ? input.subarray(0, MAX_INPUT) : input;
  escaped = undefined;
  const items = framing(bytes);
  await session(bytes, items);
  if (escaped) throw escaped;
}

module.exports = { fuzz };
