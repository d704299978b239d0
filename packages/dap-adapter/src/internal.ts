// @umview/dap-adapter/internal: the public index and everything it leaves out, for this
// repository's own tools (tools/fuzz drives the readers and the DAP framing through it).
//
// NOT A PUBLIC API. No stability promise: anything here may change or go in any release
// without a changeset saying so. Code outside this repository should use `@umview/dap-adapter`.
//
// This entry is a bundle of its own: its classes are not the index's (an error from a reader
// got here is not `instanceof` the index's error class). Take everything from one entry.
export * from './index.js';
export * from './symbols/index.js';
export { MessageReader, type MessageReaderOptions, type ReadItem } from './transport/message-reader.js';
export { EngineClient, type EngineClientOptions } from './engine/engine-client.js';
export type * from './engine/protocol.js';
export type * from './engine/fork-protocol.js';
export { parseHitCondition, type HitCondition } from './breakpoints/hit-condition.js';
export type * from './core/core-protocol.js';
export { CoreFile, NotCoreError, type CoreFileMapping, type CoreProcess, type CoreSegment, type CoreSignal, type CoreThread } from './core/core-file.js';
export { CoreMemory } from './core/core-memory.js';
export { coreBuildId } from './core/core-identity.js';
export type { ThreadAccess, ThreadMemory } from './inspect/thread-access.js';
