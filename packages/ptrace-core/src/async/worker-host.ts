// The tracer worker's loop: a Tracer on this thread, blocked in waitpid, posting stops to the
// main thread and running its requests.
//
// A worker blocked in waitpid cannot receive messages, so it traces one extra process of its
// own, the sentinel (`sleep infinity`): to wake the worker, the main thread sends the sentinel
// a signal, whose signal-delivery-stop makes waitpid return. The worker suppresses the signal
// and reads its messages with receiveMessageOnPort. The sentinel dies with the worker thread
// (PTRACE_O_EXITKILL), so nothing is left behind however the worker ends.
//
// When no tracee is running, no stop can come (but an exit, polled for): the worker then waits
// on a shared word with Atomics.wait instead, and the main thread wakes it with Atomics.notify,
// ten times cheaper than a signal through the sentinel. The word says where the worker waits.
import { writeSync } from 'node:fs';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { TraceeGoneError } from '../errors.js';
import { ERRNO } from '../native/errno.js';
import { Registers } from '../registers.js';
import { Tracer } from '../tracer.js';
import type { Tracee } from '../tracee.js';
import type { Stop } from '../stops.js';
import { TRACEE_METHODS, toWireError, type Reply, type Request, type TraceeInfo, type WireStop } from './protocol.js';

/** Where the worker waits (word 1 of the shared buffer). */
export const WORKER_STATE = { BUSY: 0, IDLE: 1, WAITPID: 2, WAKE: 3 } as const;

export interface WorkerData {
  port: MessagePort;
  /** Int32 words: [0] is 1 while a wake-up signal is on its way (saves redundant signals);
   * [1] is the worker's WORKER_STATE. */
  wake: SharedArrayBuffer;
  /** Whatever AsyncTracer.start({ workerData }) passed, for an extension's own use. */
  user?: unknown;
}

/** What an extension sees of the worker. */
export interface WorkerContext {
  readonly tracer: Tracer;
  /** Sends an event to the main thread (AsyncTracer.onEvent); structured-cloneable data. */
  emit(event: unknown): void;
  /** Writes a line to stderr at once (console output of a worker blocked in waitpid would wait
   * for its event loop, which does not run). */
  log(message: string): void;
  /** Whatever AsyncTracer.start({ workerData }) passed. */
  readonly data: unknown;
}

/** Code that runs on the tracer thread, next to the Tracer: the per-stop hot path of a
 * debugger or monitor belongs here, not behind a message round trip per stop. */
export interface TracerExtension {
  init?(context: WorkerContext): void;
  /** Called by AsyncTracer.command(name, ...args); the result must be structured-cloneable. */
  commands?: Record<string, (context: WorkerContext, ...args: never[]) => unknown>;
  /** Sees every stop first. Return true when the extension dealt with it (resumed the tracee,
   * or keeps it stopped on purpose); false to deliver it to the main thread. */
  onStop?(stop: Stop, context: WorkerContext): boolean;
}

const ALLOWED = new Set<string>(TRACEE_METHODS);
/** How often an idle worker looks for exits of stopped tracees killed from outside. */
const IDLE_POLL_MS = 20;

export function hostTracer({ port, wake, user }: WorkerData, extension: TracerExtension = {}): void {
  const flag = new Int32Array(wake);
  const tracer = new Tracer();
  const post = (reply: Reply) => port.postMessage(reply);
  const context: WorkerContext = {
    tracer,
    data: user,
    emit: (event) => post({ type: 'event', event }),
    log: (message) => writeSync(2, `${message}\n`),
  };
  let sentinel: Tracee;
  const startSentinel = () => {
    sentinel = tracer.spawn('sleep', ['infinity'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore', followChildren: false });
    sentinel.cont();
    post({ type: 'ready', sentinelPid: sentinel.pid });
  };

  try {
    startSentinel();
    extension.init?.(context);
  } catch (error) {
    post({ type: 'fatal', error: toWireError(error) });
    return;
  }

  const run = (request: Request): boolean => {
    try {
      switch (request.op) {
        case 'close':
          tracer.close();
          post({ type: 'reply', id: request.id, ok: true, value: undefined });
          return false;
        case 'command': {
          const command = extension.commands?.[request.name];
          if (!command) throw new TypeError(`unknown command ${request.name}`);
          const value = (command as (c: WorkerContext, ...a: unknown[]) => unknown)(context, ...request.args);
          post({ type: 'reply', id: request.id, ok: true, value });
          break;
        }
        case 'spawn': {
          const tracee = tracer.spawn(request.program, request.args, request.options as never);
          post({ type: 'reply', id: request.id, ok: true, value: info(tracee) });
          break;
        }
        case 'attach': {
          const tracee = tracer.attach(request.pid, request.options as never);
          const threads = [...tracer.tracees.values()].filter((t) => t.pidIfKnown === tracee.pid).map(info);
          post({ type: 'reply', id: request.id, ok: true, value: { leader: info(tracee), threads } });
          break;
        }
        case 'tracee': {
          const tracee = tracer.get(request.tid);
          if (!ALLOWED.has(request.method)) throw new TypeError(`unknown tracee method ${request.method}`);
          if (!tracee) throw goneError(request.tid);
          const args = request.method === 'setRegisters' ? [new Registers(request.args[0] as Uint8Array)] : request.args;
          const result = (tracee[request.method] as (...a: unknown[]) => unknown)(...args);
          post({ type: 'reply', id: request.id, ok: true, value: result instanceof Registers ? new Uint8Array(result.bytes) : result });
          break;
        }
      }
    } catch (error) {
      post({ type: 'reply', id: request.id, ok: false, error: toWireError(error) });
    }
    return true;
  };

  /** Runs every queued request; false once asked to close. */
  const drain = (): boolean => {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      if (!run(m.message as Request)) return false;
    }
    return true;
  };

  const anyRunning = (): boolean => {
    for (const tracee of tracer.tracees.values()) if (tracee !== sentinel && tracee.state === 'running') return true;
    return false;
  };

  for (;;) {
    if (!drain()) return;
    let stop;
    if (anyRunning()) {
      Atomics.store(flag, 1, WORKER_STATE.WAITPID);
      // A request posted after the drain above but before the store would not signal the
      // sentinel: look once more.
      if (!drain()) return;
      stop = tracer.wait();
      Atomics.store(flag, 1, WORKER_STATE.BUSY);
    } else {
      Atomics.store(flag, 1, WORKER_STATE.IDLE);
      if (!drain()) return;
      Atomics.wait(flag, 1, WORKER_STATE.IDLE, IDLE_POLL_MS);
      Atomics.store(flag, 1, WORKER_STATE.BUSY);
      // Stopped tracees can still die (SIGKILL from outside): poll for their exits.
      stop = tracer.wait({ nonBlocking: true });
      if (!stop) continue;
    }
    if (!stop) {
      startSentinel(); // cannot happen while the sentinel lives; keep the loop well-defined
      continue;
    }
    if (stop.tid === sentinel!.tid) {
      Atomics.store(flag, 0, 0);
      if (stop.kind === 'exited' || stop.kind === 'killed') startSentinel();
      else sentinel!.cont(0);
      continue;
    }
    let consumed = false;
    try {
      consumed = extension.onStop?.(stop, context) ?? false;
    } catch (error) {
      // A bug in an extension must not end the tracer: report it and deliver the stop.
      context.log(`tracer extension failed on a ${stop.kind} stop: ${(error as Error).stack ?? String(error)}`);
    }
    if (consumed) continue;
    post({ type: 'stop', stop: toWire(stop) });
  }
}

function info(tracee: Tracee): TraceeInfo {
  return { tid: tracee.tid, pid: tracee.pid, stdio: tracee.stdio };
}

function toWire(stop: Stop): WireStop {
  const { tracee, ...rest } = stop as Stop & { child?: Tracee };
  const wire = { ...rest, pid: safePid(tracee) } as WireStop & { child?: unknown };
  if ('child' in stop) wire.child = { tid: stop.child.tid, pid: safePid(stop.child), stdio: {} };
  return wire as WireStop;
}

function safePid(tracee: Tracee): number {
  try {
    return tracee.pid;
  } catch {
    return tracee.pidIfKnown ?? tracee.tid;
  }
}

function goneError(tid: number): Error {
  return new TraceeGoneError(`tid ${tid} is not traced (it exited or was detached)`, {
    errno: ERRNO.ESRCH, operation: 'lookup', tid,
  });
}
