// @umview/dap-adapter: a Debug Adapter Protocol server for native Linux programs, and the ELF,
// DWARF and call-frame readers it is built on.
export * from './symbols/index.js';
export { UmviewDebugSession, type SessionOptions } from './session/debug-session.js';
export type { AttachArguments, LaunchArguments } from './session/launch-config.js';
export { serveConnection } from './transport/connection.js';
export { listen } from './transport/tcp-server.js';
export { MessageReader, type MessageReaderOptions, type ReadItem } from './transport/message-reader.js';
export { EngineClient, type EngineClientOptions } from './engine/engine-client.js';
export type * from './engine/protocol.js';
export { parseHitCondition, type HitCondition } from './breakpoints/hit-condition.js';
