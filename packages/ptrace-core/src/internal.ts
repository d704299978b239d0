// @umview/ptrace-core/internal: the raw layer under the public API, for the sibling @umview
// packages (ptrace-multi, sysvm, umview-lite, dap-adapter) that build on ptrace-core.
//
// NOT A PUBLIC API. There is no stability promise: anything here may change or go in any
// release, minor or patch, without a changeset saying so. Code outside this repository should
// use `@umview/ptrace-core` (if something it needs is only here, open an issue).
//
// This entry shares its modules with the main one (the build splits common code into shared
// chunks), so its libc bindings, error classes and Tracee are the main entry's own. Its types
// must not name the main entry's (Tracee, Stop...): see TraceeRef.
export { failedCallErrno, failedWaitErrno } from './errors.js';
export { getKoffi, getLibc, pinnedBuffer } from './native/libc.js';
export type { Koffi, Libc } from './native/libc.js';
export { readProcStatusField, readProcStatusNumber, readProcStatusNumbers } from './proc-status.js';
export { SYSCALL_INFO_SIZE } from './syscall-info.js';
export { afterPtraceRequest } from './tracee-bookkeeping.js';
export type { TraceeRef } from './tracee-bookkeeping.js';
export { makePrivateDirectory, privateDirectoryProblem } from './private-directory.js';
export { unixPeerCredentials } from './native/peer-credentials.js';
