// @umview/ptrace-core: raw Linux ptrace from TypeScript.
import { assertSupportedPlatform } from './arch/index.js';

export { Tracer, DEFAULT_PTRACE_OPTIONS } from './tracer.js';
export type { LetThrough } from './tracer.js';
export type { SpawnOptions, AttachOptions, TraceOptions } from './tracer.js';
export { Tracee } from './tracee.js';
export type { TraceeState, TraceeOrigin, SignalArg } from './tracee.js';
export type { StdioOption, StdioOptions } from './spawn/launch.js';
export { handOffClientElf, HAND_OFF_EXEC_ROOM } from './spawn/hand-off.js';
export { TraceeMemory, PAGE_SIZE } from './memory.js';
export type { Address } from './memory.js';
export { Registers } from './registers.js';
export type { RegisterName } from './registers.js';
export type * from './stops.js';
export { isExit } from './stops.js';
export { describeStop } from './describe-stop.js';
export { decodeSigInfo, SI_CODE, SIGINFO_SIZE } from './siginfo.js';
export type { SigInfo } from './siginfo.js';
export { decodeSyscallInfo } from './syscall-info.js';
export type { SyscallInfo, SyscallInfoChange } from './syscall-info.js';
export type { SystemErrorDetails } from './errors.js';
export {
  PtraceError, TraceeGoneError, PermissionError, NotTraceableError, InvalidArgumentError,
  MemoryAccessError, SpawnError, UnsupportedPlatformError, systemError, isTraceeGone,
} from './errors.js';
export { PTRACE, PTRACE_O, PTRACE_EVENT, WAIT, NT } from './native/constants.js';
export { ERRNO, errnoName } from './native/errno.js';
export type { ErrnoName } from './native/errno.js';
export { SIGNALS, signalName, signalNumber } from './native/signals.js';
export type { SignalName } from './native/signals.js';
export { shellExitCode } from './wait-status.js';
export * as arch from './arch/index.js';
export { syscallName, syscallNumber, syscallArgCount, assertSupportedPlatform, SUPPORTED_PLATFORMS } from './arch/index.js';
export { makeSignalsInterruptWait, interruptWaitEvery } from './native/interruptible-signals.js';
export { AsyncTracer, AsyncTracee } from './async/async-tracer.js';
export type { AsyncStop, AsyncTracerOptions } from './async/async-tracer.js';
export type { TraceeInfo } from './async/protocol.js';
export { hostTracer } from './async/worker-host.js';
export type { TracerExtension, WorkerContext, WorkerData } from './async/worker-host.js';

// Importing the package on another OS or architecture fails here, with a message naming the
// platform, rather than later inside koffi or a system call. Nothing above does any native work
// when it is loaded (koffi and libc are bound on first use), so this runs before any can fail.
// `import type` is erased by TypeScript and does not get here.
assertSupportedPlatform();
