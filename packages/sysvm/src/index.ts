// @umview/sysvm: PTRACE_SYSVM on stock kernels — syscall stops as a programming model.
export { SyscallTracer } from './tracer/syscall-tracer.js';
export type { SyscallTracerOptions, SysvmStats } from './tracer/syscall-tracer.js';
export { SyscallCall } from './tracer/syscall-call.js';
export type { CallDecision, HoldState } from './tracer/syscall-call.js';
export { SyscallReturn } from './tracer/syscall-return.js';
export { SyscallArgs } from './tracer/syscall-args.js';
export type { SyscallEvent, ProcessEvent, InterruptedEvent, IdleEvent } from './tracer/events.js';
export { BACKENDS } from './tracer/backend.js';
export type { BackendName } from './tracer/backend.js';
export type { ArgumentRestore } from './tracer/argument-restore.js';
export type { StopRewrite } from './tracer/stop-rewrite.js';
export { hasSetSyscallInfo } from './tracer/register-edits.js';
export { SyscallFilter } from './filter/syscall-filter.js';
export type { ForeignArchAction, SyscallRef } from './filter/syscall-filter.js';
export { SECCOMP_RET } from './filter/bpf.js';
export type { BpfInstruction } from './filter/bpf.js';
export { FilterInstallError } from './filter/install.js';
// Not exported, since 0.2: the tracer's own machinery (CallHost, injectSyscall, InjectionContext,
// StopPosition, Scratch, installFilter, InstallResult, encodeProgram, runProgram, usesSeccomp).
// A handler reaches it through the verbs (inject, placeBytes, addFilter) and SyscallFilter.
export type { DataIO, DataIOFactory } from './io/data-io.js';
export { directIO } from './io/direct-io.js';
// The strace-like formatter is the subpath '@umview/sysvm/format' (its tables are big).
export * from './structs/index.js';
