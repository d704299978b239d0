/** DW_LANG_* values of the C++ dialects (DWARF 5 §7.12, Table 7.17). */
const CPLUSPLUS_LANGUAGES: ReadonlySet<number> = new Set([0x04 /* C_plus_plus */, 0x19 /* _03 */, 0x1a /* _11 */, 0x21 /* _14 */]);

export function isCplusplusLanguage(language: number | undefined): boolean {
  return language !== undefined && CPLUSPLUS_LANGUAGES.has(language);
}
