// AsyncTracer: a Tracer for event-loop programs (a DAP server, a GUI).
//
// The Tracer runs in a worker thread (ptrace is per thread, and a blocking waitpid must not
// block the event loop). This side is a thin proxy: stops arrive as messages, requests are
// promises. The per-stop hot path of a tracer that must be fast stays on one thread: use
// Tracer directly for that.
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Registers } from '../registers.js';
import type { SigInfo } from '../siginfo.js';
import type { SyscallInfo, SyscallInfoChange } from '../syscall-info.js';
import type { AttachOptions, SpawnOptions } from '../tracer.js';
import type { SignalArg } from '../tracee.js';
import type { Address } from '../memory.js';
import { WORKER_STATE } from './worker-host.js';
import { fromWireError, type Reply, type Request, type TraceeInfo, type TraceeMethod, type WireStop } from './protocol.js';
import { assertSupportedPlatform } from '../arch/index.js';
import { moduleLocation } from '../native/module-location.js';
import { resolveStdio } from '../spawn/launch.js';
import type { Stop } from '../stops.js';
import { PipeStreams } from '../spawn/pipe-stream.js';
import type { Readable, Writable } from 'node:stream';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A stop as seen by the main thread: like Stop, with AsyncTracee handles (and the pid the
 * worker reports). Written from Stop, not from the worker's wire type, which is not public. */
export type AsyncStop = DistributiveOmit<Stop, 'tracee' | 'child'> & { pid: number; tracee: AsyncTracee; child?: AsyncTracee };

export interface AsyncTracerOptions {
  /** Path of the worker script (default: ptrace-core's own, next to this module). A script of
   * your own calls `hostTracer(workerData, extension)` to run code on the tracer thread. */
  workerPath?: string | URL;
  /** Passed to the worker's extension as `context.data`. */
  workerData?: unknown;
}

export class AsyncTracer {
  private readonly tracees = new Map<number, AsyncTracee>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly queue: AsyncStop[] = [];
  private readonly waiters: ((stop: AsyncStop | undefined) => void)[] = [];
  private readonly eventListeners: ((event: unknown) => void)[] = [];
  private readonly earlyEvents: unknown[] = [];
  private nextId = 1;
  private closed = false;
  private closing = false;
  private workerExited = false;
  private readonly wakeFlag: Int32Array;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    wake: SharedArrayBuffer,
    private readonly sentinelPid: number,
  ) {
    this.wakeFlag = new Int32Array(wake);
    port.on('message', (reply: Reply) => this.onReply(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      this.workerExited = true;
      this.fail(new Error(`the tracer worker exited (code ${code})`));
    });
  }

  /** Starts the tracer worker. */
  static async start(options: AsyncTracerOptions = {}): Promise<AsyncTracer> {
    assertSupportedPlatform();
    const { port1, port2 } = new MessageChannel();
    const wake = new SharedArrayBuffer(8);
    const worker = new Worker(options.workerPath ?? defaultWorkerUrl(), {
      workerData: { port: port2, wake, user: options.workerData },
      transferList: [port2],
    });
    const ready = await new Promise<Reply>((resolve, reject) => {
      port1.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the tracer worker exited with code ${code}`)));
    });
    if (ready.type === 'fatal') {
      await worker.terminate();
      throw fromWireError(ready.error);
    }
    if (ready.type !== 'ready') throw new Error('unexpected first message from the tracer worker');
    return new AsyncTracer(worker, port1, wake, ready.sentinelPid);
  }

  /** Starts a program traced, stopped at its exec event (see Tracer.spawn). */
  async spawn(program: string, args: readonly string[] = [], options: SpawnOptions = {}): Promise<AsyncTracee> {
    // Streams do not cross to the worker: their fds do (fds are the process's, not a thread's).
    const cloneable = { ...options, stdio: resolveStdio(options), stdin: undefined, stdout: undefined, stderr: undefined };
    const info = (await this.request({ op: 'spawn', program, args: [...args], options: cloneable })) as TraceeInfo;
    return this.handle(info);
  }

  /** Attaches to a running process (every thread by default), stopped. */
  async attach(pid: number, options: AttachOptions = {}): Promise<AsyncTracee> {
    const r = (await this.request({ op: 'attach', pid, options })) as { leader: TraceeInfo; threads: TraceeInfo[] };
    for (const t of r.threads) this.handle(t);
    return this.handle(r.leader);
  }

  /** Runs a command of the worker's extension (see TracerExtension). */
  command(name: string, ...args: unknown[]): Promise<unknown> {
    return this.request({ op: 'command', name, args });
  }

  /** Listens to events the worker's extension emits. */
  onEvent(listener: (event: unknown) => void): void {
    this.eventListeners.push(listener);
    // Events emitted before anyone listened (from the extension's init) are kept until now.
    for (const event of this.earlyEvents.splice(0)) listener(event);
  }

  /** The next stop; undefined once the tracer is closed. */
  nextStop(): Promise<AsyncStop | undefined> {
    const stop = this.queue.shift();
    if (stop) return Promise.resolve(stop);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops as they come, until the tracer is closed. */
  async *stops(): AsyncGenerator<AsyncStop, void, undefined> {
    for (let stop = await this.nextStop(); stop; stop = await this.nextStop()) yield stop;
  }

  /** Handles of the live tracees. */
  get(tid: number): AsyncTracee | undefined {
    return this.tracees.get(tid);
  }

  /** Kills spawned tracees, detaches attached ones, and ends the worker. */
  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    try {
      await this.request({ op: 'close' });
    } catch (error) {
      // The worker ends right after it answers: its exit may be seen before its answer.
      if (!this.workerExited) throw error;
    } finally {
      this.closed = true;
      this.port.close();
      await this.worker.terminate();
      for (const resolve of this.waiters.splice(0)) resolve(undefined);
    }
  }

  /** @internal */
  request(body: DistributiveOmit<Request, 'id'>): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('this AsyncTracer is closed'));
    const id = this.nextId++;
    const promise = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.port.postMessage({ ...body, id });
    // Wake the worker: a notify if it waits idle, a signal to its sentinel if it is in waitpid
    // (unless a wake-up is already on its way).
    const state = Atomics.exchange(this.wakeFlag, 1, WORKER_STATE.WAKE);
    if (state === WORKER_STATE.IDLE) Atomics.notify(this.wakeFlag, 1);
    else if (state === WORKER_STATE.WAITPID && Atomics.compareExchange(this.wakeFlag, 0, 0, 1) === 0) {
      try {
        process.kill(this.sentinelPid, 'SIGUSR1');
      } catch {
        /* the worker is gone; fail() rejects the request */
      }
    }
    return promise;
  }

  private onReply(reply: Reply): void {
    if (reply.type === 'reply') {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiter) return;
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(fromWireError(reply.error));
    } else if (reply.type === 'stop') {
      this.deliver(this.toAsyncStop(reply.stop));
    } else if (reply.type === 'event') {
      if (this.eventListeners.length === 0) this.earlyEvents.push(reply.event);
      for (const listener of this.eventListeners) listener(reply.event);
    } else if (reply.type === 'fatal') {
      this.fail(fromWireError(reply.error));
    }
  }

  private toAsyncStop(wire: WireStop): AsyncStop {
    const tracee = this.handle({ tid: wire.tid, pid: wire.pid, stdio: {} });
    const stop = { ...wire, tracee } as AsyncStop;
    if (wire.child) stop.child = this.handle(wire.child);
    if (wire.kind === 'exited' || wire.kind === 'killed') {
      tracee.state = 'exited';
      this.tracees.delete(wire.tid);
    } else {
      tracee.state = 'stopped';
    }
    return stop;
  }

  private deliver(stop: AsyncStop): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(stop);
    else this.queue.push(stop);
  }

  private handle(info: TraceeInfo): AsyncTracee {
    let tracee = this.tracees.get(info.tid);
    if (!tracee) {
      tracee = new AsyncTracee(this, info.tid, info.pid, info.stdio);
      this.tracees.set(info.tid, tracee);
    }
    return tracee;
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    for (const resolve of this.waiters.splice(0)) resolve(undefined);
  }
}

/** A traced thread, seen from the main thread: every request is a promise. */
export class AsyncTracee {
  state: 'running' | 'stopped' | 'exited' = 'stopped';

  constructor(
    private readonly tracer: AsyncTracer,
    readonly tid: number,
    readonly pid: number,
    /** The tracer's ends of 'pipe' stdio (fds of this process). */
    readonly stdio: TraceeInfo['stdio'],
  ) {}

  private pipes: PipeStreams | undefined;

  /** Its stdin when spawned with stdin 'pipe', as a Writable (see Tracee.stdin); else null. */
  get stdin(): Writable | null { return (this.pipes ??= new PipeStreams(this.stdio)).stdin; }
  /** Its stdout when spawned with stdout 'pipe', as a Readable (see Tracee.stdout); else null. */
  get stdout(): Readable | null { return (this.pipes ??= new PipeStreams(this.stdio)).stdout; }
  /** Its stderr when spawned with stderr 'pipe', as a Readable (see Tracee.stderr); else null. */
  get stderr(): Readable | null { return (this.pipes ??= new PipeStreams(this.stdio)).stderr; }

  private call(method: TraceeMethod, ...args: unknown[]): Promise<unknown> {
    return this.tracer.request({ op: 'tracee', tid: this.tid, method, args });
  }

  private resume(method: TraceeMethod, ...args: unknown[]): Promise<void> {
    this.state = 'running';
    return this.call(method, ...args) as Promise<void>;
  }

  async getRegisters(): Promise<Registers> {
    return new Registers((await this.call('getRegisters')) as Uint8Array);
  }
  async setRegisters(regs: Registers): Promise<void> {
    await this.call('setRegisters', new Uint8Array(regs.bytes));
  }
  async getFpRegisters(): Promise<Buffer> { return Buffer.from((await this.call('getFpRegisters')) as Uint8Array); }
  async setFpRegisters(bytes: Uint8Array): Promise<void> { await this.call('setFpRegisters', bytes); }
  async getXState(): Promise<Buffer> { return Buffer.from((await this.call('getXState')) as Uint8Array); }
  async peekUser(offset: number): Promise<bigint> { return (await this.call('peekUser', offset)) as bigint; }
  async pokeUser(offset: number, value: bigint): Promise<void> { await this.call('pokeUser', offset, value); }
  async peek(address: Address): Promise<bigint> { return (await this.call('peek', address)) as bigint; }
  async poke(address: Address, value: bigint): Promise<void> { await this.call('poke', address, value); }
  async read(address: Address, length: number): Promise<Buffer> {
    return Buffer.from((await this.call('read', address, length)) as Uint8Array);
  }
  async write(address: Address, data: Uint8Array): Promise<void> { await this.call('write', address, data); }
  async readCString(address: Address, maxLength?: number): Promise<string> {
    return (await this.call('readCString', address, maxLength)) as string;
  }
  async getSyscallInfo(): Promise<SyscallInfo> { return (await this.call('getSyscallInfo')) as SyscallInfo; }
  /** See Tracee.setSyscallInfo (PTRACE_SET_SYSCALL_INFO, Linux 6.16+). */
  async setSyscallInfo(change: SyscallInfoChange): Promise<void> { await this.call('setSyscallInfo', change); }
  async canSetSyscallInfo(): Promise<boolean> { return (await this.call('canSetSyscallInfo')) as boolean; }
  async getSigInfo(): Promise<SigInfo> {
    const info = (await this.call('getSigInfo')) as SigInfo;
    return { ...info, raw: Buffer.from(info.raw) };
  }
  async getEventMessage(): Promise<bigint> { return (await this.call('getEventMessage')) as bigint; }

  cont(signal: SignalArg = 0): Promise<void> { return this.resume('cont', signal); }
  syscall(signal: SignalArg = 0): Promise<void> { return this.resume('syscall', signal); }
  singleStep(signal: SignalArg = 0): Promise<void> { return this.resume('singleStep', signal); }
  listen(): Promise<void> { return this.resume('listen'); }
  async interrupt(): Promise<void> { await this.call('interrupt'); }
  async detach(signal: SignalArg = 0): Promise<void> {
    await this.call('detach', signal);
    this.state = 'exited';
  }
  async signal(signal: SignalArg): Promise<void> { await this.call('signal', signal); }
  async kill(): Promise<void> { await this.call('kill'); }
}

function defaultWorkerUrl(): URL {
  // Built as dist/index.{js,cjs} next to dist/async/tracer-worker.{js,cjs}.
  const location = moduleLocation();
  const here = location.startsWith('file:') ? location : pathToFileURL(location).href;
  return new URL(here.endsWith('.cjs') ? './async/tracer-worker.cjs' : './async/tracer-worker.js', here);
}
