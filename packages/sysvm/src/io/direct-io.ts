// DataIO over ptrace-core's own memory access (process_vm_readv/writev, /proc/PID/mem).
import type { Tracee } from '@umview/ptrace-core';
import type { DataIO } from './data-io.js';

export function directIO(tracee: Tracee): DataIO {
  return {
    read: (address, length) => tracee.read(address, length),
    readCString: (address, maxLength) => tracee.readCString(address, maxLength),
    write: (address, data) => tracee.write(address, data),
    readWord: (address) => tracee.peek(address),
    writeWord: (address, value) => tracee.poke(address, value),
  };
}
