// The architecture this process runs on. Only x86-64 exists so far; another architecture is a
// sibling folder of x86_64/ exporting the same names, selected here.
import { UnsupportedPlatformError } from '../errors.js';

export * as x86_64 from './x86_64/index.js';
export * from './x86_64/index.js';
export { syscallName, syscallNumber, syscallArgCount, allSyscalls } from './syscalls.js';

/** Throws UnsupportedPlatformError unless this is Linux on a supported architecture. */
export function assertSupportedPlatform(): void {
  if (process.platform !== 'linux') {
    throw new UnsupportedPlatformError(`@umview/ptrace-core runs on Linux only (this is ${process.platform})`);
  }
  if (process.arch !== 'x64') {
    throw new UnsupportedPlatformError(`@umview/ptrace-core supports x86-64 only so far (this is ${process.arch})`);
  }
}
