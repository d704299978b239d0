// One DAP session over a pair of streams (stdio, or a socket): our framing feeds the session
// (the library's own would end the process on a malformed message), and its replies go out
// through the library's writer.
import { Readable, type Writable } from 'node:stream';
import { UmviewDebugSession, type SessionOptions } from '../session/debug-session.js';
import { MessageReader } from './message-reader.js';
import { checkMessage, salvageRequest } from './request-validation.js';

export function serveConnection(input: Readable, output: Writable, options: SessionOptions = {}): UmviewDebugSession {
  const session = new UmviewDebugSession(options);
  // The session writes to `output`; it reads nothing from this stream: the reader feeds it.
  session.start(new Readable({ read() {} }), output);
  const reader = new MessageReader((item) => {
    if (item.kind === 'malformed') {
      const salvaged = salvageRequest(item.text);
      if (salvaged !== undefined) session.rejectRequest(salvaged.seq, salvaged.command, `malformed request: ${item.reason}`);
      else session.reportMalformed(item.reason);
      return;
    }
    const checked = checkMessage(item.value);
    switch (checked.kind) {
      case 'request':
      case 'response':
        try {
          session.handleMessage(checked.kind === 'request' ? checked.request : checked.response);
        } catch (error) {
          session.reportMalformed(`could not handle it: ${(error as Error).message}`);
        }
        return;
      case 'bad-request':
        session.rejectRequest(checked.seq, checked.command, checked.problem);
        return;
      case 'unusable':
        session.reportMalformed(checked.problem);
    }
  });
  input.on('data', (chunk: Buffer) => reader.push(chunk));
  const ended = (): void => {
    reader.end();
    session.shutdown();
  };
  input.once('end', ended);
  input.once('close', ended);
  input.once('error', ended);
  output.on('error', () => session.shutdown()); // the client is gone
  return session;
}
