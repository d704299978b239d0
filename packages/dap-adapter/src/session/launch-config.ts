// The arguments of `launch` and `attach` (what a launch.json holds), checked and turned into
// what the engine needs. Every mistake a user can make gets a message that names the field.
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { LaunchPlan, StartOptions } from '../engine/protocol.js';

export interface LaunchArguments {
  /** The executable. A relative path is relative to `cwd`. */
  program: string;
  args?: string[];
  /** The debuggee's working directory (default: the adapter's). */
  cwd?: string;
  /** Added to the adapter's environment; `null` removes a variable. An array of `NAME=value` works too. */
  env?: Record<string, string | null> | string[];
  /** Stop at the program's first instruction. */
  stopOnEntry?: boolean;
  /** Stop at the first line of `main`. */
  stopAtMain?: boolean;
  /** Syntax of the disassembly view: "att" (default, as gdb and lldb) or "intel". */
  disassemblyFlavor?: 'att' | 'intel';
}

export interface AttachArguments {
  pid: number | string;
  stopOnEntry?: boolean;
  disassemblyFlavor?: 'att' | 'intel';
}

export class ConfigurationError extends Error {}

export function launchPlan(raw: unknown): { plan: LaunchPlan; options: StartOptions } {
  const args = asRecord(raw, 'launch');
  const cwd = optionalString(args, 'cwd');
  if (cwd !== undefined && !isDirectory(cwd)) throw new ConfigurationError(`cwd "${cwd}" is not a directory`);
  const programText = args.program;
  if (typeof programText !== 'string' || programText === '') throw new ConfigurationError('"program" must be the path of the executable to debug');
  const program = isAbsolute(programText) || !programText.includes('/') ? programText : resolve(cwd ?? process.cwd(), programText);
  if (program.includes('/')) checkExecutable(program);
  const programArgs = args.args ?? [];
  if (!Array.isArray(programArgs) || programArgs.some((arg) => typeof arg !== 'string')) {
    throw new ConfigurationError('"args" must be an array of strings');
  }
  return {
    plan: { program, args: programArgs as string[], cwd, env: environment(args.env) },
    options: { stopOnEntry: optionalBoolean(args, 'stopOnEntry'), stopAtMain: optionalBoolean(args, 'stopAtMain'), disassemblyFlavor: flavor(args) },
  };
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

function environment(value: unknown): string[] {
  const env = new Map<string, string>();
  for (const [name, text] of Object.entries(process.env)) if (text !== undefined) env.set(name, text);
  if (Array.isArray(value)) {
    for (const entry of value) {
      if (typeof entry !== 'string' || !entry.includes('=')) throw new ConfigurationError('"env" entries must be strings of the form NAME=value');
      env.set(entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1));
    }
  } else if (value !== undefined && value !== null) {
    if (typeof value !== 'object') throw new ConfigurationError('"env" must be an object of variables (or an array of NAME=value)');
    for (const [name, text] of Object.entries(value as Record<string, unknown>)) {
      if (text === null) env.delete(name);
      else if (typeof text === 'string') env.set(name, text);
      else throw new ConfigurationError(`"env.${name}" must be a string, or null to remove the variable`);
    }
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
