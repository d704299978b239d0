// @umview/ptrace-multi: PTRACE_MULTI on today's kernels.
export {
  PTRACE_MULTI, PTRACE_PEEKCHARDATA, PTRACE_POKECHARDATA, PTRACE_PEEKSTRINGDATA, requestName,
} from './abi/requests.js';
export { ptraceMulti } from './abi/ptrace-multi.js';
export type { PtraceMultiOp, PtraceMultiResult, PtraceMultiFailure, PtraceMultiOptions } from './abi/ptrace-multi.js';
export { Batch } from './batch/batch.js';
export type { BatchOptions, BatchResult, Address } from './batch/batch.js';
export type { Handle } from './batch/handle.js';
export { struct, IOVEC } from './batch/struct-layout.js';
export type { StructLayout, StructValue, FieldSpec, FieldType, FieldValue, IntegerType } from './batch/struct-layout.js';
export { TraceeIO, countersFor } from './tracee-io.js';
export type { BatchStats, TraceeCounters } from './stats/counters.js';
export { NotRunError, StringTooLongError } from './errors.js';
export { IOV_MAX, WORD_SIZE, USER_REGS_SIZE, USER_DEBUGREG_OFFSET } from './arch/x86_64.js';
