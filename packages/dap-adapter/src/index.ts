// @umview/dap-adapter: a Debug Adapter Protocol server for native Linux programs, and the ELF,
// DWARF and call-frame readers it is built on.
//
// The public surface is what a user of the package needs: the session and the ways to
// serve it (a stream pair, a TCP port, a unix socket), the launch and attach arguments, and the part of the
// symbol readers the README shows (SymbolFile and ElfFile for symbols, lines and functions, the
// maps that give a load bias, typed errors). The rest (the engine's worker protocol, the DAP
// framing, the DWARF and CFI machinery) is internal: `@umview/dap-adapter/internal`, for this
// repository's tools, with no stability promise.

// The adapter
export { UmviewDebugSession, type SessionOptions } from './session/debug-session.js';
export type { AttachArguments, ConsoleKind, LaunchArguments } from './session/launch-config.js';
export { serveConnection } from './transport/connection.js';
export { listen, type ListenOptions } from './transport/tcp-server.js';
export { listenOnSocket, type ListenSocketOptions } from './transport/unix-server.js';
export type { PeerPolicyOptions } from './transport/connection-policy.js';

// The symbol readers
export { SymbolFile, type SymbolFileOptions } from './symbols/symbol-file.js';
export { ElfFile } from './symbols/elf/elf-file.js';
export {
  CorruptDwarfError, CorruptElfError, DwarfExpressionError, NotElfError, SymbolsError, UnsupportedDwarfError,
  UnsupportedElfError,
} from './symbols/errors.js';
export { parseProcMaps, readProcMaps, type MemoryMapping } from './symbols/elf/proc-maps.js';
export type { ElfSymbol, SymbolBinding, SymbolTable, SymbolType } from './symbols/elf/symbol-table.js';
export type { ElfHeader } from './symbols/elf/elf-header.js';
export type { ProgramHeader } from './symbols/elf/program-headers.js';
export type { SectionHeader } from './symbols/elf/section-headers.js';
export type { DynamicEntry } from './symbols/elf/dynamic-section.js';
export type { ElfNote } from './symbols/elf/notes.js';
export type { DebugLink } from './symbols/elf/debug-link.js';
export type { LineCandidates, SourcePosition } from './symbols/dwarf/line/line-table.js';
export type { CodeScope, FunctionInfo, InlinedCall } from './symbols/dwarf/functions/function-index.js';
export type { AddressRange } from './symbols/dwarf/ranges/address-range.js';
