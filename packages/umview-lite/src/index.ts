// @umview/umview-lite: a minimal umview — a process tree with syscalls virtualized by modules.
export { run } from './run.js';
export type { RunOptions } from './run.js';
export { Monitor } from './monitor/monitor.js';
export type { MonitorOptions, MonitorResult, TraceMode } from './monitor/monitor.js';
export type { MonitorStats } from './monitor/stats.js';
export { RoutingTable, ModuleConflictError, describeRouting } from './monitor/routing.js';
export type { CallRoute, PathRoute, Mode, Follows, LetThroughRule } from './monitor/routing.js';
export { formatStats } from './monitor/stats.js';
export type { ProxyStats } from './proxy/proxy-stats.js';
export type { DataPath } from './proxy/fast-path.js';
export type { SyscallLogger } from './monitor/syscall-logger.js';
export type { UmviewModule, ModuleFactory, ModuleOptions, ModuleContext } from './modules/module.js';
export type { HoldOptions, Outcome } from './monitor/held-calls.js';
export { BUILTIN_MODULES, loadModule, parseModuleSpec, UnknownModuleError } from './modules/registry.js';
export { unreal, UNREAL_PREFIX } from './modules/unreal.js';
export { bind } from './modules/bind.js';
export { uname } from './modules/uname.js';
/** The syscalls that take paths, and which arguments (what the monitor's filter stops for the
 * path modules, and what a module that rewrites paths has to consider). */
export { PATH_SYSCALLS, CWD_SYSCALLS } from './paths/path-syscalls.js';
export type { PathArg } from './paths/path-syscalls.js';
export { GuestRootError } from './guest/guest-root.js';
export type { GuestRootOptions } from './guest/guest-root.js';
export type { Bind } from './guest/namespace.js';
export type { GuestRootSpec } from './guest/guest-root-options.js';
export type { BindPreset } from './guest/default-binds.js';
export { MetadataStoreError } from './fake-root/metadata-store.js';
/** File-system modules (a module's `fileSystem`): the operations the monitor turns the traced
 * programs' calls on its mount into (src/vfs/file-system.ts). */
export { FsError, RENAME_NOREPLACE, RENAME_EXCHANGE, ST_RDONLY, ST_NOSUID, ST_NODEV, ST_NOEXEC, ST_NOATIME, ST_RELATIME } from './vfs/file-system.js';
export type { FileSystem, Attributes, DirectoryEntry, FileSystemStats, Caller, FileHandle, MaybePromise, ErrnoCode } from './vfs/file-system.js';
export { DEFAULT_TIMEOUT_MS as DEFAULT_FILE_SYSTEM_TIMEOUT_MS } from './vfs/mount.js';
