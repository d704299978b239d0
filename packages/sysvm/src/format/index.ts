// strace-like formatting of x86-64 syscalls, driven by a table of signatures.
export {
  formatSyscall, formatSyscallEntry, formatSyscallExit, formatSyscallResult, beginSyscall, signatureFor,
} from './formatter.js';
export type { PendingSyscall } from './formatter.js';
export { SIGNATURES, signatureOf } from './signatures.js';
export { FLAG_DECODERS, decodeFlags } from './decoders/index.js';
export type { FlagDecoderName } from './decoders/index.js';
export { STRUCT_PRINTERS } from './printers/index.js';
export type { StructName } from './printers/index.js';
export { quoteBytes, quoteBuffer, quoteCString, formatAddress } from './escape.js';
export { errnoName, errnoMessage, isRestartErrno } from './errno-text.js';
export { isErrorResult } from './result.js';
export { syscallMemory, bufferMemory } from './memory.js';
export type { ReadableMemory } from './memory.js';
export { flagsDecoder, valueDecoder } from './xlat.js';
export type { Decoder, XlatTable, XlatOptions } from './xlat.js';
export type {
  ArgContext, ArgRef, ArgSpec, Direction, FormatOptions, ResultSpec, ScalarKind, SyscallCall,
  SyscallMemory, SyscallSignature,
} from './types.js';
