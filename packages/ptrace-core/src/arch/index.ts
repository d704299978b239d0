// The architecture this process runs on. Only x86-64 exists so far; another architecture is a
// sibling folder of x86_64/ exporting the same names, selected here.
import { UnsupportedPlatformError } from '../errors.js';

export * as x86_64 from './x86_64/index.js';
export * from './x86_64/index.js';
export { syscallName, syscallNumber, syscallArgCount, allSyscalls } from './syscalls.js';

/** The platforms the umview packages run on: `process.platform`/`process.arch` pairs. */
export const SUPPORTED_PLATFORMS: readonly { platform: NodeJS.Platform; arch: NodeJS.Architecture }[] = [
  { platform: 'linux', arch: 'x64' },
];

/** Throws UnsupportedPlatformError unless this is Linux on a supported architecture.
 * ptrace-core's entry calls it when it is loaded, and every `@umview/*` package loads
 * ptrace-core, so on a wrong platform any of them fails at import with this message, not later
 * in native code (type-only imports load nothing and are unaffected). */
export function assertSupportedPlatform(packageName = '@umview/ptrace-core'): void {
  const { platform, arch } = process;
  if (SUPPORTED_PLATFORMS.some((p) => p.platform === platform && p.arch === arch)) return;
  const what = platform !== 'linux'
    ? `runs on Linux only (it traces processes with Linux's ptrace and seccomp); this is ${platform} on ${arch}`
    : `supports x86-64 Linux only so far; this is Linux on ${arch}`;
  throw new UnsupportedPlatformError(`${packageName} ${what}`, { platform, arch });
}
