// The monitor: runs a process tree under a SyscallTracer and lets modules virtualize its
// syscalls. Each call is dispatched through the routing table (routing.ts: the module that
// claims it by number, the proxy, the longest path prefix); the monitor itself keeps the
// per-process state (guest cwd, directory fds) that path virtualization needs across fork,
// exec and exit.
import { existsSync } from 'node:fs';
import { ERRNO, SIGNALS, SI_CODE, SpawnError, isTraceeGone, type SpawnOptions, type Stop, type Tracee } from '@umview/ptrace-core';
import {
  SyscallFilter, SyscallTracer, type BackendName, type SyscallCall, type SyscallEvent, type SyscallReturn,
} from '@umview/sysvm';
import type { ModuleContext, UmviewModule } from '../modules/module.js';
import { resolveFrom } from '../paths/guest-path.js';
import { PathTranslator } from '../paths/translator.js';
import { answerGetcwd, settleCwd } from './cwd.js';
import { readShebang, rewriteScriptExec, scriptNeedsMonitor } from './exec.js';
import { PathRewriter } from './path-rewriter.js';
import { ProcessTable, type ProcessState } from './process-table.js';
import { emptyStats, mergeSysvm, type MonitorStats } from './stats.js';
import { MonitorMemory } from './data-io.js';
import { ProxyService } from '../proxy/proxy-service.js';
import { fdLayout } from '../proxy/fd-limits.js';
import { runsInKernel, type DataPath } from '../proxy/fast-path.js';
import { FastCallCount } from '../proxy/fast-call-count.js';
import type { TraceeIO } from '@umview/ptrace-multi';
import type { SyscallLogger } from './syscall-logger.js';
import { letThroughPredicate, type LetThrough } from './let-through.js';
import { RoutingTable, type CallRoute } from './routing.js';
import { O_DIRECTORY, O_PATH } from '../linux.js';
import { GuestRoot, type GuestRootOptions } from '../guest/guest-root.js';
import { guestAtStop } from '../guest/at-stop.js';
import { FakeRoot, type FileArg, type MonitorPath } from '../fake-root/fake-root.js';
import { MetadataStore } from '../fake-root/metadata-store.js';
import { defaultMetaFile } from '../fake-root/meta-location.js';
import { followsLast } from '../guest/final-component.js';
import { traceePath } from './tracee-paths.js';
import { VfsService } from '../vfs/vfs-service.js';
import { DEFAULT_HOLD_TIMEOUT_MS, HeldCalls } from './held-calls.js';

/** How syscalls stop: every one at entry and exit (2006, no SYSVM); every one once (SYSVM);
 * only those the modules may claim (SYSVM + filter, the default). */
export type TraceMode = 'syscall' | 'seccomp-all' | 'seccomp';

export interface MonitorOptions {
  modules: readonly UmviewModule[];
  trace?: TraceMode;
  /** PTRACE_MULTI batching for tracee memory (default true; false is the 2006 one PEEK/POKE
   * per word). */
  multi?: boolean;
  /** Where --strace lines go. */
  strace?: (line: string) => void;
  /** The --strace logger (made from `strace` by run(); the CLI loads it only when asked). */
  straceLogger?: SyscallLogger;
  /** Let path calls that no module can serve go on at their seccomp stop (sysvm's letThrough;
   * default true). Off (`--no-let-through`), every path call takes the full way: the results
   * must be the same, only slower. */
  letThrough?: boolean;
  /** Put a rewritten call's argument registers back after every call (`--exact-registers`),
   * not only after those a signal can restart (sysvm's `restoreArguments`; default false:
   * PRoot's trade, an exit stop saved on most path calls). */
  exactRegisters?: boolean;
  /** A guest root (`-r DIR`): DIR is the tree's '/', with binds, every path resolved in the
   * guest's view. Path modules cannot be loaded beside it. */
  guestRoot?: GuestRootOptions;
  /** Fake root (`-0`): the tree believes it runs as root (fake-root/fake-root.ts); what it
   * remembers (chown, device nodes) is kept in `meta` (default: beside the guest root, or in
   * the user's data directory: fake-root/meta-location.ts). */
  fakeRoot?: boolean | { meta?: string };
  /** When the first program exits, kill the processes it left (`--kill-on-exit`); by default
   * the monitor runs until the whole tree has exited. */
  killOnExit?: boolean;
  /** How served regular files move their data (`--data-path`): 'kernel' (default), the tracee
   * gets a real fd on the file's backing kernel file and reads and writes it without a stop
   * (proxy/fast-path.ts); 'stop', a placeholder fd and a stop per call, the monitor moving the
   * data (the 2006 design). */
  dataPath?: DataPath;
  /** Measure the calls that ran in the kernel on fast fds (--stats; proxy/fast-call-count.ts). */
  countFastCalls?: boolean;
  /** The command's first process stopped for job control, with `signal`, sent by a terminal
   * (Ctrl-Z's SIGTSTP, a background read's SIGTTIN): a process that stands for the command in
   * its shell's job stops too, so that the shell sees the job stopped when the command is. Not
   * for a stop sent by a process (kill -STOP PID, cpulimit): the SIGCONT that ends it may reach
   * the command alone, and a stopped monitor would then hold it at its next stop. */
  onStopped?: (signal: number) => void;
}

export interface MonitorResult {
  /** The first program's status as a shell reports it (128 + signal when killed). */
  exitStatus: number;
  /** The signal that killed the first program, if one did (exitStatus is then 128 + it; a
   * program that exited with that status was not killed). */
  killedBy?: number;
  stats: MonitorStats;
}

/** How often a busy monitor lets the event loop run (signal handlers), at most. */
const YIELD_EVERY_MS = 50;
/** The same while calls are held: their answers (file reads, timers) come from the event loop. */
const HELD_YIELD_EVERY_MS = 1;

export class Monitor {
  readonly stats = emptyStats();
  /** Who handles what: modules by path prefix and by syscall, the proxy, the let-through. */
  readonly routing: RoutingTable;
  private readonly vm: SyscallTracer;
  private readonly translator: PathTranslator;
  private readonly rewriter: PathRewriter;
  private readonly processes = new ProcessTable();
  /** Per thread: what to do at the return of its current call, and what to undo if the
   * thread dies before (a reference the hook would have dropped). */
  private readonly onReturn = new Map<number, { call: SyscallCall; hook: (ret: SyscallReturn) => void; abandon?: () => void }>();
  private readonly log: SyscallLogger | undefined;
  private readonly context: ModuleContext;
  private rootPid: number | undefined;
  /** Whether the stop signal the first process got last came from a terminal (to its whole
   * process group, which the shell continues as a whole): see MonitorOptions.onStopped. */
  private rootStoppedByTerminal = false;
  private readonly memory: MonitorMemory;
  private readonly proxy: ProxyService | undefined;
  /** With --stats: the calls that ran in the kernel on fast fds. */
  private readonly fastCalls: FastCallCount | undefined;
  private readonly guestRoot: GuestRoot | undefined;
  private readonly fakeRoot: FakeRoot | undefined;
  private readonly metadata: MetadataStore | undefined;
  /** File-system modules' mounts (vfs/), when one is loaded. */
  private readonly vfs: VfsService | undefined;
  /** Calls waiting for an answer, their threads stopped (held-calls.ts). */
  private readonly held = new HeldCalls((call) => this.log?.called(call));

  constructor(private readonly options: MonitorOptions) {
    this.routing = new RoutingTable(options.modules, { guestRoot: options.guestRoot !== undefined, fakeRoot: options.fakeRoot !== undefined && options.fakeRoot !== false });
    this.metadata = options.fakeRoot ? MetadataStore.open((typeof options.fakeRoot === 'object' ? options.fakeRoot.meta : undefined) ?? defaultMetaFile(options.guestRoot?.root)) : undefined;
    this.fakeRoot = this.metadata
      ? new FakeRoot({
        expectReturn: (call, hook) => this.expectReturn(call, hook),
        pathOf: (call, process, file) => this.monitorPathOf(call, process, file),
      }, this.metadata)
      : undefined;
    this.translator = new PathTranslator(this.routing.paths, this.routing.prefixHeads);
    this.rewriter = new PathRewriter(this.translator);
    this.memory = new MonitorMemory(options.multi ?? true);
    const layout = fdLayout();
    const hooks = {
      expectReturn: (call: SyscallCall, hook: (ret: SyscallReturn) => void, abandon?: () => void) => this.expectReturn(call, hook, abandon),
      traced: (pid: number) => this.processes.find(pid),
    };
    const dataPath = options.dataPath ?? 'kernel';
    this.fastCalls = options.countFastCalls && dataPath === 'kernel' && this.routing.proxy ? new FastCallCount() : undefined;
    this.proxy = this.routing.proxy ? new ProxyService(this.translator, this.rewriter, layout, (call) => call.io as TraceeIO, hooks, dataPath, this.fastCalls) : undefined;
    const trace = options.trace ?? 'seccomp';
    const backend: BackendName = trace === 'syscall' ? 'ptrace-syscall' : 'seccomp';
    const filtered = trace === 'seccomp' && !options.straceLogger;
    this.log = options.straceLogger;
    const log = (message: string): void => (options.strace ?? ((line: string) => process.stderr.write(`${line}\n`)))(message);
    this.guestRoot = options.guestRoot
      ? new GuestRoot(options.guestRoot, {
        expectReturn: (call, hook) => this.expectReturn(call, hook),
        traced: (pid) => this.processes.find(pid),
        log,
      })
      : undefined;
    this.vm = new SyscallTracer({
      backend,
      filter: filtered ? this.filter() : SyscallFilter.all(),
      io: this.memory.factory,
      restoreArguments: options.exactRegisters ? 'always' : 'when-restarted',
      // Not with --strace, which logs every call, nor when nothing serves paths.
      letThrough: filtered && this.routing.servesPaths && (options.letThrough ?? true) ? this.letThrough() : undefined,
    });
    this.vfs = this.routing.fs
      ? new VfsService({ routes: this.routing.paths, layout, hooks, holder: this.held, translator: this.translator, fakeRoot: this.fakeRoot !== undefined, dataPath, stats: this.proxy!.stats, fastCalls: this.fastCalls, log })
      : undefined;
    this.context = {
      guestCwd: (pid) => (this.guestRoot ? this.guestRoot.cwdOf(pid) : this.processes.get(pid).cwd()),
      log,
      hold: (call, work, finish, options) => this.held.hold(call, work, options?.timeoutMs ?? DEFAULT_HOLD_TIMEOUT_MS, finish, options?.abandon),
    };
  }

  /** sysvm's letThrough: the guest root's (its paths resolved at the stop), or the path
   * modules' (calls no module can serve, and in remap mode served paths rewritten there). */
  private letThrough(): LetThrough | undefined {
    const io = (tracee: Tracee) => this.vm.io(tracee) as TraceeIO;
    if (this.guestRoot) return guestAtStop({ routing: this.routing, guestRoot: this.guestRoot, fakeRoot: this.fakeRoot, io });
    return letThroughPredicate({
      routing: this.routing,
      cwdConcernsMonitor: (tracee) => {
        const process = this.processes.find(tracee.pid);
        return process === undefined ? undefined : process.guestCwd !== undefined;
      },
      fdConcernsMonitor: (tracee, fd) => {
        const process = this.processes.find(tracee.pid);
        return process === undefined ? undefined : process.dirFd(fd) !== undefined; // virtual ones included
      },
      io,
      execNeedsMonitor: (hostPath) => scriptNeedsMonitor(hostPath, this.translator),
      execRunsAsIs: (hostPath) => readShebang(hostPath) === undefined,
      resolve: this.proxy ? undefined : (guestPath, needGuest) => {
        const { guest, host, rewrite } = this.rewriter.resolveAbsolute(guestPath, needGuest);
        return rewrite && host !== undefined ? { guest, host } : undefined;
      },
      dirOpened: (tracee, guestPath, fd) => {
        const process = this.processes.find(tracee.pid);
        process?.followDirFd(fd, guestPath);
      },
    });
  }

  /** Runs `program` under the monitor until every process of its tree has exited. */
  async run(program: string, args: readonly string[] = [], spawn: SpawnOptions = {}): Promise<MonitorResult> {
    const started = now();
    const launch = await this.servedLaunch(program, args, spawn) ?? this.rootLaunch(program, args, spawn);
    const root = this.vm.spawn(launch.program, launch.args, launch.spawn);
    this.rootPid = root.pid;
    this.processes.addThread(root.pid, root.tid);
    this.processes.get(root.pid).guestExe = launch.guestExe;
    this.stats.processes = 1;
    let lastYield = started;
    try {
      // While no call is held the waits block, as they always did; while calls are held they
      // do not, and an 'idle' event says nothing is ready (held-calls.ts).
      for (const event of this.vm.events({ interruptible: true, idle: true })) {
        if (event.kind === 'interrupted') {
          await yieldToEventLoop();
          lastYield = now();
          this.held.rethrow();
          continue;
        }
        if (event.kind === 'idle') {
          await this.held.next(); // a SIGCHLD, or a held call finished
          lastYield = now();
          this.held.rethrow();
          continue;
        }
        try {
          this.handle(event);
        } catch (error) {
          // The tracee was killed while its call was being handled (SIGKILL takes it out of
          // its ptrace-stop: every request on it fails with ESRCH). Its death comes next as a
          // stop of its own; the other tracees go on.
          if (!isTraceeGone(error)) throw error;
        }
        if (this.held.size > 0) {
          // An answer already there (a resolved promise) is given before the next stop; others
          // need the event loop, which busy tracees must not keep from running for long.
          await undefined;
          if (now() - lastYield > HELD_YIELD_EVERY_MS) {
            await yieldToEventLoop();
            lastYield = now();
          }
          this.held.rethrow();
        } else if (now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop(); // signals that arrived while we were not in waitpid
          lastYield = now();
          this.held.rethrow();
        }
      }
    } finally {
      this.held.abandonAll();
      for (const pending of this.onReturn.values()) pending.abandon?.();
      this.onReturn.clear();
      this.vm.close();
      await this.vfs?.destroy();
      for (const module of this.options.modules) module.close?.();
      this.metadata?.save();
    }
    this.held.rethrow(); // an abandon that threw at the end
    this.stats.wallMs = now() - started;
    mergeSysvm(this.stats, this.vm.stats);
    this.stats.heldTimedOut = this.held.timedOut;
    Object.assign(this.stats, this.memory.counters());
    if (this.proxy) this.stats.proxy = { ...this.proxy.stats, fastKernelCalls: this.fastCalls?.kernelCalls };
    return { exitStatus: this.vm.exitStatus ?? 0, ...(this.vm.exitSignal !== undefined && { killedBy: this.vm.exitSignal }), stats: this.stats };
  }

  /** The first program is started before any filter exists, so a served path is translated
   * here, the way the exec handler would (a #! script is run by its interpreter, with the path
   * the user gave as its argument). */
  private async servedLaunch(program: string, args: readonly string[], spawn: SpawnOptions): Promise<ReturnType<Monitor['rootLaunch']> | undefined> {
    if (!this.vfs || !program.startsWith('/')) return undefined;
    let copy: string | undefined;
    try {
      copy = await this.vfs.launchCopy(program);
    } catch (error) {
      // As the spawn reports a host program it cannot run (exit status 127 or 126).
      const code = (error as { code?: string }).code ?? 'EIO';
      const errno = (ERRNO as Record<string, number>)[code] ?? ERRNO.EIO;
      throw new SpawnError(`cannot run ${program}: ${code === 'ENOENT' ? 'no such file or directory' : code}`, { errno, operation: 'spawn', path: program });
    }
    if (copy === undefined) return undefined;
    const shebang = readShebang(copy);
    if (!shebang) return { program: copy, args, spawn: { argv0: program, ...spawn }, guestExe: program };
    // A script on a mount: its interpreter runs with the script's guest path, and reads it
    // through the mount; an interpreter on a mount is a copy too.
    const interpreter = await this.vfs.launchCopy(shebang.interpreter) ?? this.translator.translate(shebang.interpreter) ?? shebang.interpreter;
    return {
      program: interpreter,
      args: [...(shebang.argument ? [shebang.argument] : []), program, ...args],
      spawn: { argv0: shebang.interpreter, ...spawn },
    };
  }

  private rootLaunch(program: string, args: readonly string[], spawn: SpawnOptions): { program: string; args: readonly string[]; spawn: SpawnOptions; guestExe?: string } {
    if (this.guestRoot) return this.guestRoot.launch(program, args, spawn);
    const host = program.startsWith('/') ? this.translator.translate(program) : undefined;
    if (host === undefined || !existsSync(host)) return { program, args, spawn }; // errors name the user's path
    const shebang = readShebang(host);
    if (!shebang) return { program: host, args, spawn: { argv0: program, ...spawn } };
    const interpreter = this.translator.translate(shebang.interpreter) ?? shebang.interpreter;
    return {
      program: interpreter,
      args: [...(shebang.argument ? [shebang.argument] : []), program, ...args],
      spawn: { argv0: shebang.interpreter, ...spawn },
    };
  }

  /** The file a call names, as a path the monitor can use itself, for fake root: the host path
   * the guest root resolves (exact: its last symlink already followed when the call follows
   * it), else through the tracee's cwd and fds (tracee-paths.ts; not exact: a symlink into
   * /proc/self would name the monitor's). */
  private monitorPathOf(call: SyscallCall, process: ProcessState, file: FileArg): MonitorPath | undefined {
    // An fd through its /proc link: exact, but for the proxy's virtual fds (placeholders).
    if ('fd' in file) return { path: `/proc/${process.pid}/fd/${call.int(file.fd)}`, follow: true, exact: this.proxy === undefined };
    if (this.guestRoot) {
      const host = this.guestRoot.hostPathOf(call, process, file.path, file.dirfd);
      return host === undefined ? undefined : { path: host, follow: false, exact: true };
    }
    const path = traceePath(call, process.pid, file.path, file.dirfd);
    return path === undefined ? undefined : { path, follow: followsLast(call, file.path), exact: false };
  }

  /** --kill-on-exit: every process still traced gets SIGKILL (their deaths end the run). */
  /** Kills every process of the tree (--kill-on-exit's end; the warm monitor's when the client
   * that asked for the run is gone, as a monitor's death kills its tracees). */
  killTree(): void {
    for (const pid of this.processes.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }

  /** Sends a signal to the first program (the monitor forwards SIGTERM, SIGHUP, SIGINT). */
  forwardSignal(signal: NodeJS.Signals): void {
    if (this.rootPid === undefined) return;
    try {
      process.kill(this.rootPid, signal);
    } catch {
      /* already gone */
    }
  }

  /** The seccomp filter: the syscalls the routing table routes, and nothing else. */
  private filter(): SyscallFilter {
    // --stats' count of calls in the kernel reads each process's counts at its exit_group too.
    const filter = SyscallFilter.of(this.fastCalls ? [...this.routing.stopAlways(), 'exit_group'] : this.routing.stopAlways());
    return this.proxy ? this.proxy.addToFilter(filter) : filter;
  }

  // ---- events ----

  private handle(event: SyscallEvent): void {
    if (this.guestRoot !== undefined) this.guestRoot.stopped(event.kind === 'process' ? event.stop.tid : event.tid);
    switch (event.kind) {
      case 'syscall':
        this.handleCall(event);
        break;
      case 'syscall-return': {
        const pending = this.onReturn.get(event.tid);
        this.onReturn.delete(event.tid);
        pending?.hook(event);
        this.log?.returned(event);
        break;
      }
      case 'process':
        this.handleProcess(event.stop);
        break;
    }
  }

  private handleCall(call: SyscallCall): void {
    this.fastCalls?.stopped(call.pid);
    const route = this.routing.calls[call.nr];
    if (route !== undefined && this.route(call, route)) this.stats.virtualized++;
    if (!call.held) this.log?.called(call); // a held call is logged once finished
  }

  /** One call along its route, in the order of the module contract (module.ts): the module
   * that claims it by number (true: nothing more), the proxy, path rewriting, the cwd. True
   * when the call was virtualized. */
  private route(call: SyscallCall, route: CallRoute): boolean {
    if (route.module?.handleSyscall?.(call, this.context)) return true;
    const process = this.processes.get(call.pid);
    if (route.proxy && runsInKernel(call, process)) {
      this.proxy!.stats.fastCallsStopped++;
      return false;
    }

    if (this.vfs?.handle(call, process)) return true;
    if (route.fakeRoot && this.fakeRoot!.handle(call, process)) return true;
    if (route.guestRoot) return this.guestRoot!.handle(call, process, route.paths);
    if (route.proxy && this.proxy!.handle(call, process)) return true;
    if (route.paths) return this.handlePaths(call, process, route);
    if (route.follows === 'getcwd' && process.guestCwd !== undefined) {
      answerGetcwd(call, process.guestCwd);
      return true;
    }
    if (route.follows === 'cwd') this.handleFchdir(call, process);
    return false;
  }

  /** Rewrites served paths; chdir, execve and directory opens need a little more. */
  private handlePaths(call: SyscallCall, process: ProcessState, route: CallRoute): boolean {
    const paths = this.rewriter.rewrite(call, process, route.paths!);
    const first = paths[0];
    const served = paths.some((p) => p.host !== undefined);
    switch (route.follows) {
      case 'cwd': {
        if (!first) break;
        const guest = first.guest ?? (process.guestCwd !== undefined ? resolveFrom(process.guestCwd, first.original) : undefined);
        const target = guest !== undefined && this.translator.claimOf(guest) !== undefined ? guest : undefined;
        if (target !== undefined || process.guestCwd !== undefined) {
          this.expectReturn(call, (ret) => {
            if (!ret.isError) settleCwd(process, target !== undefined, this.translator, target);
          });
        }
        break;
      }
      case 'exec':
        if (first?.host !== undefined) rewriteScriptExec(call, first.original, first.host, this.translator);
        break;
      case 'dir-open': {
        if (!first?.host || first.guest === undefined) break;
        // openat2's flags are the first word of its struct open_how.
        const flags = route.flagsArg !== undefined ? call.int(route.flagsArg) : Number(call.io.readWord(call.ptr(2)));
        if ((flags & (O_DIRECTORY | O_PATH)) === 0) break;
        const guestPath = first.guest;
        this.expectReturn(call, (ret) => {
          if (!ret.isError) process.followDirFd(Number(ret.result), guestPath);
        });
        break;
      }
    }
    return served;
  }

  private handleFchdir(call: SyscallCall, process: ProcessState): void {
    const dir = process.dirFd(call.int(0));
    if (!dir && process.guestCwd === undefined) return;
    this.expectReturn(call, (ret) => {
      if (!ret.isError) settleCwd(process, dir !== undefined, this.translator, dir?.guestPath);
    });
  }

  /** Runs `hook` at the call's return. Several parts of the route may each ask it for one call
   * (fake root and the guest root on a rename): their hooks run in order. */
  private expectReturn(call: SyscallCall, hook: (ret: SyscallReturn) => void, abandon?: () => void): void {
    call.runToExit();
    const pending = this.onReturn.get(call.tid);
    if (pending !== undefined && pending.call === call) {
      const { hook: first, abandon: firstAbandon } = pending;
      this.onReturn.set(call.tid, {
        call,
        hook: (ret) => {
          first(ret);
          hook(ret);
        },
        abandon: () => {
          firstAbandon?.();
          abandon?.();
        },
      });
      return;
    }
    this.dropReturn(call.tid); // a call that never returned (defensive: exits and execs drop theirs)
    this.onReturn.set(call.tid, { call, hook, abandon });
  }

  /** A thread will never return from its call (it died, or exec replaced it). */
  private dropReturn(tid: number): void {
    this.onReturn.get(tid)?.abandon?.();
    this.onReturn.delete(tid);
  }

  private handleProcess(stop: Stop): void {
    switch (stop.kind) {
      case 'fork':
      case 'vfork':
      case 'clone': {
        const parentPid = stop.tracee.pid;
        const childPid = stop.child.pid;
        if (childPid !== parentPid) {
          this.processes.fork(parentPid, childPid);
          this.stats.processes++;
        }
        this.processes.addThread(childPid, stop.child.tid);
        break;
      }
      case 'exec': {
        const state = this.processes.get(stop.tracee.pid);
        state.guestExe = state.pendingExe;
        state.pendingExe = undefined;
        this.proxy?.exec(state);
        this.vfs?.exec(state);
        if (stop.formerTid !== stop.tid) {
          this.guestRoot?.stopped(stop.formerTid);
          this.held.abandon(stop.tid); // the former leader, killed by the exec
          this.held.abandon(stop.formerTid);
          this.memory.retire(stop.formerTid);
          this.dropReturn(stop.formerTid);
          this.dropReturn(stop.tid); // the former leader, whose tid the exec'ing thread took
          state.threads.delete(stop.formerTid);
          state.threads.add(stop.tid);
        }
        break;
      }
      case 'exited':
      case 'killed':
        this.held.abandon(stop.tid);
        this.dropReturn(stop.tid);
        this.memory.retire(stop.tid);
        this.processes.threadExited(stop.tracee.pidIfKnown ?? stop.tid, stop.tid);
        if (this.processes.find(stop.tracee.pidIfKnown ?? stop.tid) === undefined) {
          this.vfs?.processExited(stop.tracee.pidIfKnown ?? stop.tid);
          this.fastCalls?.exited(stop.tracee.pidIfKnown ?? stop.tid);
        }
        if (stop.tid === this.rootPid && this.options.killOnExit) this.killTree();
        break;
      case 'signal':
        if (STOP_SIGNALS.has(stop.signal) && stop.tracee.pidIfKnown === this.rootPid) this.rootStoppedByTerminal = stop.siginfo.code === SI_CODE.SI_KERNEL;
        break;
      case 'group-stop':
        if (stop.tid === this.rootPid && this.rootStoppedByTerminal) this.options.onStopped?.(stop.signal);
        break;
      default:
        break;
    }
    this.log?.process(stop);
  }
}

/** The signals whose default action stops a process. */
const STOP_SIGNALS: ReadonlySet<number> = new Set([SIGNALS.SIGSTOP, SIGNALS.SIGTSTP, SIGNALS.SIGTTIN, SIGNALS.SIGTTOU]);

/** Milliseconds, monotonic (process.hrtime: the global `performance` costs ~1 ms of start-up
 * to load). */
function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** A full turn of the event loop (two immediates: libuv reads pending signals in a poll phase). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
