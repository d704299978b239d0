// The tracer's end of a 'pipe' stdio as a Node stream, as child_process gives it: a net.Socket
// on the fd (libuv drives it from the event loop). node:net is loaded on first use only, so
// that importing the package costs nothing more.
import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';
import type * as Net from 'node:net';
import { moduleLocation } from '../native/module-location.js';

let net: typeof Net | undefined;

/** A stream on the tracer's end of the tracee's pipe `fd` (0: writable, 1 and 2: readable). The
 * stream owns the fd from then on: it closes it when it ends or is destroyed. */
export function pipeStream(fd: number, target: 0): Writable;
export function pipeStream(fd: number, target: 1 | 2): Readable;
export function pipeStream(fd: number, target: 0 | 1 | 2): Readable | Writable {
  net ??= createRequire(moduleLocation())('node:net') as typeof Net;
  return new net.Socket({ fd, readable: target !== 0, writable: target === 0 });
}

/** The three streams of a tracee's 'pipe' stdio, made on first use from their fds. */
export class PipeStreams {
  private made: { stdin?: Writable | null; stdout?: Readable | null; stderr?: Readable | null } = {};

  constructor(private readonly fds: { readonly stdin?: number; readonly stdout?: number; readonly stderr?: number }) {}

  get stdin(): Writable | null {
    return (this.made.stdin ??= this.fds.stdin === undefined ? null : pipeStream(this.fds.stdin, 0));
  }

  get stdout(): Readable | null {
    return (this.made.stdout ??= this.fds.stdout === undefined ? null : pipeStream(this.fds.stdout, 1));
  }

  get stderr(): Readable | null {
    return (this.made.stderr ??= this.fds.stderr === undefined ? null : pipeStream(this.fds.stderr, 2));
  }
}
