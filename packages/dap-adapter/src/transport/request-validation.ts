// Checks that a decoded message is a DAP request the session can dispatch.
import type { DebugProtocol } from '@vscode/debugprotocol';

export type Checked =
  | { readonly kind: 'request'; readonly request: DebugProtocol.Request }
  | { readonly kind: 'response'; readonly response: DebugProtocol.Response }
  /** Answerable with an error response: the request's seq is known. */
  | { readonly kind: 'bad-request'; readonly seq: number; readonly command: string; readonly problem: string }
  /** Not answerable: logged. */
  | { readonly kind: 'unusable'; readonly problem: string };

export function checkMessage(value: unknown): Checked {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'unusable', problem: 'the message is not a JSON object' };
  const message = value as Record<string, unknown>;
  const seq = message.seq;
  const validSeq = typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0;
  const command = typeof message.command === 'string' ? message.command : '';
  if (message.type === 'response') {
    return validSeq && typeof message.request_seq === 'number'
      ? { kind: 'response', response: message as unknown as DebugProtocol.Response }
      : { kind: 'unusable', problem: 'a response without seq or request_seq' };
  }
  if (message.type !== 'request') {
    const problem = `unexpected message type ${JSON.stringify(message.type)} (a client sends requests)`;
    return validSeq ? { kind: 'bad-request', seq: seq as number, command, problem } : { kind: 'unusable', problem };
  }
  if (!validSeq) return { kind: 'unusable', problem: 'a request without a valid "seq"' };
  if (command === '') return { kind: 'bad-request', seq: seq as number, command, problem: 'a request without "command"' };
  const args = message.arguments;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    return { kind: 'bad-request', seq: seq as number, command, problem: `"arguments" of ${command} must be an object` };
  }
  return { kind: 'request', request: message as unknown as DebugProtocol.Request };
}

/** seq and command of a body that is not JSON, when they can be seen in it, to answer it anyway. */
export function salvageRequest(text: string | undefined): { seq: number; command: string } | undefined {
  if (text === undefined) return undefined;
  const seq = /"seq"\s*:\s*(\d+)/.exec(text);
  const command = /"command"\s*:\s*"([^"\\]*)"/.exec(text);
  return seq === null ? undefined : { seq: Number(seq[1]), command: command?.[1] ?? '' };
}
