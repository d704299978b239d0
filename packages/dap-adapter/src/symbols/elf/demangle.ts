// C++ symbol names (Itanium C++ ABI mangling: `_ZN3geo4Rect4areaEv`) as people read them
// (`geo::Rect::area()`), by libstdc++'s own demangler, `abi::__cxa_demangle`: Node itself links
// libstdc++, so the library is already in this process; koffi (as ptrace-core loads it) calls
// it. Results are cached: a
// stack or a disassembly asks for the same names again and again.
import { getKoffi } from '@umview/ptrace-core/internal';

type Demangler = (name: string) => string | undefined;

const CACHE_LIMIT = 10_000;
const cache = new Map<string, string | null>();
let demangler: Demangler | null | undefined;

function load(): Demangler | null {
  try {
    const koffi = getKoffi();
    const libstdcxx = koffi.load('libstdc++.so.6');
    const libc = koffi.load('libc.so.6');
    const cxaDemangle = libstdcxx.func('void *__cxa_demangle(const char *mangled, void *buffer, void *length, _Out_ int *status)');
    const free = libc.func('void free(void *pointer)');
    return (name) => {
      const status = [0];
      const pointer: unknown = cxaDemangle(name, null, null, status);
      if (pointer === null || status[0] !== 0) return undefined;
      try {
        return koffi.decode(pointer, 'char', -1);
      } finally {
        free(pointer);
      }
    };
  } catch {
    return null; // no libstdc++ here: names stay mangled
  }
}

/** The demangled name of a mangled C++ symbol; other names (C's, or what does not demangle) unchanged. */
export function demangle(name: string): string {
  if (!name.startsWith('_Z')) return name;
  const known = cache.get(name);
  if (known !== undefined) return known ?? name;
  demangler ??= load();
  // Versioned symbols (`_ZNSt...@@GLIBCXX_3.4`) demangle without their version.
  const at = name.indexOf('@');
  const result = demangler === null ? undefined : demangler(at < 0 ? name : name.slice(0, at));
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(name, result ?? null);
  return result ?? name;
}
