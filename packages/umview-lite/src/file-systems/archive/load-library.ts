// The format libraries are loaded when an archive is mounted, not with umview-lite (tar alone
// takes ~40 ms to load, on every run's start-up otherwise). The CLI runs its bundle in a
// vm.Script, where import() has no callback: there it goes through the launcher's importer
// (cli/launcher.ts), as -m module files do; a CommonJS library's exports are its `default`.
export async function loadLibrary<T>(specifier: string): Promise<T> {
  const importer = (globalThis as { __umviewImport?: (specifier: string) => Promise<unknown> }).__umviewImport;
  const loaded = (await (importer ? importer(specifier) : import(specifier))) as T & { default?: T };
  return loaded.default ?? loaded;
}
