// A launch configuration with `coreFile`: a post-mortem session on an ELF core. Checked here,
// in the session's thread, before the engine opens it: the file exists, is an ELF core, and
// belongs to `program` when one is named.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigurationError } from '../session/launch-config.js';
import type { StartOptions } from '../engine/protocol.js';
import { CorruptElfError, NotElfError, SymbolsError } from '../symbols/errors.js';
import { CoreFile, NotCoreError } from './core-file.js';
import { coreMismatch } from './core-identity.js';
import type { CorePlan } from './core-protocol.js';

/** Whether a launch request's arguments ask for a core file. */
export function isCoreLaunch(raw: unknown): boolean {
  const coreFile = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).coreFile : undefined;
  return coreFile !== undefined && coreFile !== null;
}

export function coreTarget(raw: unknown): { plan: CorePlan; options: StartOptions } {
  const args = raw as Record<string, unknown>;
  const cwdText = args.cwd;
  if (cwdText !== undefined && cwdText !== null && typeof cwdText !== 'string') throw new ConfigurationError('"cwd" must be a string');
  const base = typeof cwdText === 'string' && cwdText !== '' ? cwdText : process.cwd();
  if (!isFile(base, 'directory')) throw new ConfigurationError(`cwd "${base}" is not a directory`);
  const coreText = args.coreFile;
  if (typeof coreText !== 'string' || coreText === '') throw new ConfigurationError('"coreFile" must be the path of a core file');
  const coreFile = resolve(base, coreText);
  if (!isFile(coreFile, 'file')) throw new ConfigurationError(`coreFile "${coreFile}" does not exist or is not a file`);
  let program: string | undefined;
  if (args.program !== undefined && args.program !== null && args.program !== '') {
    if (typeof args.program !== 'string') throw new ConfigurationError('"program" must be the path of the executable the core belongs to');
    program = isAbsolute(args.program) ? args.program : resolve(base, args.program);
    if (!isFile(program, 'file')) throw new ConfigurationError(`program "${program}" does not exist or is not a file`);
  }
  let core: CoreFile;
  try {
    core = CoreFile.open(coreFile);
  } catch (error) {
    throw new ConfigurationError(`coreFile "${coreFile}": ${coreError(error)}`);
  }
  try {
    const mismatch = program === undefined ? undefined : coreMismatch(core, program);
    if (mismatch !== undefined) throw new ConfigurationError(`coreFile "${coreFile}" is not a core of program "${program}": ${mismatch}`);
  } finally {
    core.close();
  }
  const flavor = args.disassemblyFlavor;
  if (flavor !== undefined && flavor !== null && flavor !== 'att' && flavor !== 'intel') throw new ConfigurationError('"disassemblyFlavor" must be "att" or "intel"');
  return { plan: { coreFile, program }, options: { stopOnEntry: false, stopAtMain: false, disassemblyFlavor: flavor === 'intel' ? 'intel' : 'att' } };
}

function coreError(error: unknown): string {
  if (error instanceof NotElfError) return 'not an ELF file, so not a core file';
  if (error instanceof NotCoreError) return error.message.replace(/^.*? is not a core file/, 'not a core file');
  if (error instanceof CorruptElfError) return `the core file is corrupt or truncated (${error.reason})`;
  if (error instanceof SymbolsError) return error.message;
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

function isFile(path: string, kind: 'file' | 'directory'): boolean {
  try {
    const stat = statSync(path);
    return kind === 'file' ? stat.isFile() : stat.isDirectory();
  } catch {
    return false;
  }
}
