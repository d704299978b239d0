// The arguments of `launch` and `attach` (what a launch.json holds), checked and turned into
// what the engine needs. Every mistake a user can make gets a message that names the field.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { LaunchPlan, StartOptions, StdioRedirect } from '../engine/protocol.js';

/** Where the program runs: its output as `output` events (no input), or in a terminal of the client. */
export type ConsoleKind = 'internalConsole' | 'integratedTerminal' | 'externalTerminal';
const CONSOLES: readonly ConsoleKind[] = ['internalConsole', 'integratedTerminal', 'externalTerminal'];

export interface LaunchArguments {
  /** The executable. A relative path is relative to `cwd`. */
  program: string;
  args?: string[];
  /** The debuggee's working directory (default: the adapter's). */
  cwd?: string;
  /** Added to the adapter's environment; `null` removes a variable. An array of `NAME=value` works too. */
  env?: Record<string, string | null> | string[];
  /** A dotenv file (KEY=VALUE lines, # comments) read before `env`, which wins over it. Relative to `cwd`. */
  envFile?: string;
  /** Where the program's stdin, stdout and stderr go: a file each (relative to `cwd`), null for the default. */
  stdio?: (string | null)[];
  /** internalConsole (default): output as `output` events, no input; a terminal of the client otherwise. */
  console?: ConsoleKind;
  /** Stop at the program's first instruction. */
  stopOnEntry?: boolean;
  /** Stop at the first line of `main`. */
  stopAtMain?: boolean;
  /** Syntax of the disassembly view: "att" (default, as gdb and lldb) or "intel". */
  disassemblyFlavor?: 'att' | 'intel';
  /** An ELF core file of `program` (relative to `cwd`): a read-only post-mortem session (src/core/core-config.ts). */
  coreFile?: string;
}

export interface AttachArguments {
  pid: number | string;
  stopOnEntry?: boolean;
  disassemblyFlavor?: 'att' | 'intel';
}

export class ConfigurationError extends Error {}

export interface LaunchTarget {
  /** What the engine starts (internalConsole): the environment is the adapter's with the changes. */
  readonly plan: LaunchPlan;
  /** The changes to the environment (envFile, then env): what a terminal's launcher applies to its own. */
  readonly envChanges: Readonly<Record<string, string | null>>;
  readonly console: ConsoleKind;
  readonly options: StartOptions;
}

export function launchPlan(raw: unknown): LaunchTarget {
  const args = asRecord(raw, 'launch');
  const cwd = optionalString(args, 'cwd');
  if (cwd !== undefined && !isDirectory(cwd)) throw new ConfigurationError(`cwd "${cwd}" is not a directory`);
  const base = cwd ?? process.cwd();
  const programText = args.program;
  if (typeof programText !== 'string' || programText === '') throw new ConfigurationError('"program" must be the path of the executable to debug');
  const program = isAbsolute(programText) || !programText.includes('/') ? programText : resolve(cwd ?? process.cwd(), programText);
  if (program.includes('/')) checkExecutable(program);
  const programArgs = args.args ?? [];
  if (!Array.isArray(programArgs) || programArgs.some((arg) => typeof arg !== 'string')) {
    throw new ConfigurationError('"args" must be an array of strings');
  }
  const consoleKind = args.console ?? 'internalConsole';
  if (!CONSOLES.includes(consoleKind as ConsoleKind)) throw new ConfigurationError(`"console" must be one of ${CONSOLES.map((kind) => `"${kind}"`).join(', ')}`);
  const envChanges = { ...envFile(optionalString(args, 'envFile'), base), ...environmentChanges(args.env) };
  return {
    plan: { program, args: programArgs as string[], cwd, env: applyChanges(envChanges), stdio: redirections(args.stdio, base) },
    envChanges,
    console: consoleKind as ConsoleKind,
    options: { stopOnEntry: optionalBoolean(args, 'stopOnEntry'), stopAtMain: optionalBoolean(args, 'stopAtMain'), disassemblyFlavor: flavor(args) },
  };
}

/** `stdio`, as lldb-dap takes it: up to three paths (stdin, stdout, stderr), null keeping the default. */
function redirections(value: unknown, base: string): (StdioRedirect | null)[] {
  if (value === undefined || value === null) return [null, null, null];
  if (!Array.isArray(value) || value.length > 3 || value.some((entry) => entry !== null && (typeof entry !== 'string' || entry === ''))) {
    throw new ConfigurationError('"stdio" must be an array of up to three paths (stdin, stdout, stderr), null for the default');
  }
  return [0, 1, 2].map((fd) => {
    const entry = value[fd] as string | null | undefined;
    if (entry === undefined || entry === null) return null;
    const path = resolve(base, entry);
    const name = ['stdin', 'stdout', 'stderr'][fd];
    if (fd === 0) {
      try {
        accessSync(path, constants.R_OK);
      } catch {
        throw new ConfigurationError(`stdio: the ${name} file "${path}" does not exist or cannot be read`);
      }
      if (isDirectory(path)) throw new ConfigurationError(`stdio: the ${name} file "${path}" is a directory`);
      return { path, flags: 'r' as const };
    }
    if (!isDirectory(dirname(path))) throw new ConfigurationError(`stdio: the folder of the ${name} file "${path}" does not exist`);
    if (isDirectory(path)) throw new ConfigurationError(`stdio: the ${name} file "${path}" is a directory`);
    return { path, flags: 'w' as const };
  });
}

/** The variables of a dotenv file (KEY=VALUE lines, # comments, quoted values). */
function envFile(name: string | undefined, base: string): Record<string, string> {
  if (name === undefined) return {};
  const path = resolve(base, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`envFile "${path}" cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseDotenv(text);
}

export function attachTarget(raw: unknown): { pid: number; options: StartOptions } {
  const args = asRecord(raw, 'attach');
  const pid = typeof args.pid === 'string' && /^\d+$/.test(args.pid) ? Number(args.pid) : args.pid;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) throw new ConfigurationError('"pid" must be the id of the process to attach to');
  return { pid, options: { stopOnEntry: optionalBoolean(args, 'stopOnEntry'), stopAtMain: false, disassemblyFlavor: flavor(args) } };
}

function flavor(args: Record<string, unknown>): 'att' | 'intel' {
  const value = args.disassemblyFlavor;
  if (value === undefined || value === null || value === 'att') return 'att';
  if (value === 'intel') return 'intel';
  throw new ConfigurationError('"disassemblyFlavor" must be "att" or "intel"');
}

/** `env` as changes: a value sets the variable, null removes it. */
function environmentChanges(value: unknown): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  if (Array.isArray(value)) {
    for (const entry of value) {
      if (typeof entry !== 'string' || !entry.includes('=')) throw new ConfigurationError('"env" entries must be strings of the form NAME=value');
      changes[entry.slice(0, entry.indexOf('='))] = entry.slice(entry.indexOf('=') + 1);
    }
  } else if (value !== undefined && value !== null) {
    if (typeof value !== 'object') throw new ConfigurationError('"env" must be an object of variables (or an array of NAME=value)');
    for (const [name, text] of Object.entries(value as Record<string, unknown>)) {
      if (text === null || typeof text === 'string') changes[name] = text;
      else throw new ConfigurationError(`"env.${name}" must be a string, or null to remove the variable`);
    }
  }
  return changes;
}

/** The adapter's environment with the changes: the whole environment of a program it starts. */
function applyChanges(changes: Readonly<Record<string, string | null>>): string[] {
  const env = new Map<string, string>();
  for (const [name, text] of Object.entries(process.env)) if (text !== undefined) env.set(name, text);
  for (const [name, text] of Object.entries(changes)) {
    if (text === null) env.delete(name);
    else env.set(name, text);
  }
  return [...env].map(([name, text]) => `${name}=${text}`);
}

function checkExecutable(program: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(program).isFile();
  } catch {
    throw new ConfigurationError(`program "${program}" does not exist`);
  }
  if (!isFile) throw new ConfigurationError(`program "${program}" is not a file`);
  try {
    accessSync(program, constants.X_OK);
  } catch {
    throw new ConfigurationError(`program "${program}" is not executable`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function asRecord(value: unknown, request: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigurationError(`${request}: the arguments must be an object`);
  return value as Record<string, unknown>;
}

function optionalString(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ConfigurationError(`"${name}" must be a string`);
  return value;
}

function optionalBoolean(args: Record<string, unknown>, name: string): boolean {
  const value = args[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new ConfigurationError(`"${name}" must be true or false`);
  return value;
}
