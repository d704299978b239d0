// Finding modules: built-in by name (`unreal`, `bind`, `uname`), or a file of the user's
// (`-m ./my-module.js`), with `,key=value` options after the name.
//
// The file systems are loaded when a run names one: their code (and Node's streams, which the
// archive's and the overlay's load) is no part of the other runs' start-up.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bind } from './bind.js';
import type { ModuleFactory, ModuleOptions, UmviewModule } from './module.js';
import { unreal } from './unreal.js';
import { uname } from './uname.js';

export const BUILTIN_MODULES: Readonly<Record<string, ModuleFactory>> = {
  unreal,
  bind,
  uname,
  tmpfs: async (options) => (await import('../file-systems/tmpfs/index.js')).tmpfs(options),
  overlay: async (options) => (await import('../file-systems/overlay/index.js')).overlay(options),
  archive: async (options) => (await import('../file-systems/archive/index.js')).archive(options),
};

export class UnknownModuleError extends Error {
  override name = 'UnknownModuleError';
}

/** Parses `name,flag,key=value,...` into a name and options. */
export function parseModuleSpec(spec: string): { name: string; options: ModuleOptions } {
  const [name = '', ...parts] = spec.split(',');
  const options: Record<string, string | boolean | string[]> = {};
  const positional: string[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      options[part] = true;
      positional.push(part);
    } else {
      options[part.slice(0, eq)] = part.slice(eq + 1);
    }
  }
  options.positional = positional;
  return { name, options };
}

/** Loads a module from a spec: a built-in name, or a path (containing '/') to a JS file. */
export async function loadModule(spec: string): Promise<UmviewModule> {
  const { options } = parseModuleSpec(spec);
  return withMountOptions(await loadModuleOf(spec), options);
}

/** A file-system module mounts at its first positional option when it names no paths itself
 * (`-m ./my-fs.js,/mnt`), and `timeout=MS` bounds its operations. */
function withMountOptions(module: UmviewModule, options: ModuleOptions): UmviewModule {
  if (!module.fileSystem) return module;
  const mountPoint = module.paths?.length ? undefined : options.positional?.find((p) => p.startsWith('/'));
  const timeout = typeof options.timeout === 'string' ? Number(options.timeout) : undefined;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) throw new UnknownModuleError(`module ${module.name}: timeout=${String(options.timeout)} is not a positive number of milliseconds`);
  if (mountPoint === undefined && timeout === undefined) return module;
  if (!module.paths?.length && mountPoint === undefined) throw new UnknownModuleError(`module ${module.name} is a file system: give its mount point (-m SPEC,/mnt)`);
  const extra: PropertyDescriptorMap = {};
  if (mountPoint !== undefined) extra.paths = { value: [mountPoint], enumerable: true };
  if (timeout !== undefined) extra.timeout = { value: timeout, enumerable: true };
  // A view of the module with the mount's options: its own object (and methods) stay as given.
  return Object.create(module, extra) as UmviewModule;
}

async function loadModuleOf(spec: string): Promise<UmviewModule> {
  const { name, options } = parseModuleSpec(spec);
  if (!name.includes('/')) {
    const factory = BUILTIN_MODULES[name];
    if (!factory) throw new UnknownModuleError(`unknown module '${name}' (built-in modules: ${Object.keys(BUILTIN_MODULES).join(', ')}; a file path loads your own)`);
    return await factory(options);
  }
  let exported: unknown;
  try {
    const url = pathToFileURL(resolve(name)).href;
    // Under the CLI's code cache, import() must go through its launcher (see cli/launcher.ts).
    const importer = (globalThis as { __umviewImport?: (specifier: string) => Promise<unknown> }).__umviewImport;
    exported = await (importer ? importer(url) : import(url));
  } catch (error) {
    throw new UnknownModuleError(`cannot load module '${name}': ${(error as Error).message}`);
  }
  const value = (exported as { default?: unknown }).default ?? exported;
  const module = typeof value === 'function' ? await (value as ModuleFactory)(options) : value;
  if (!module || typeof module !== 'object' || typeof (module as UmviewModule).name !== 'string') {
    throw new UnknownModuleError(`module '${name}' exports no module (an object with a name, or a factory returning one)`);
  }
  return module as UmviewModule;
}
