// Every error the symbol readers throw on bad input is one of these classes, so that a caller
// (the DAP server) can turn any of them into an error response and never sees a RangeError or a
// TypeError escaping from a malformed file.

/** Base class of all errors raised by the ELF, DWARF and CFI readers. */
export class SymbolsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input does not start with the ELF magic number. */
export class NotElfError extends SymbolsError {
  constructor(readonly source: string) {
    super(`${source}: not an ELF file`);
  }
}

/** A valid ELF file that this reader does not handle (32-bit, big-endian, another machine). */
export class UnsupportedElfError extends SymbolsError {
  constructor(readonly source: string, readonly reason: string) {
    super(`${source}: unsupported ELF file: ${reason}`);
  }
}

/** The ELF structures are truncated or inconsistent; `offset` is the file offset involved. */
export class CorruptElfError extends SymbolsError {
  constructor(readonly source: string, readonly offset: number, readonly reason: string) {
    super(`${source}: corrupt ELF file at offset 0x${offset.toString(16)}: ${reason}`);
  }
}

/** Malformed debugging information; `offset` is relative to the start of `section`. */
export class CorruptDwarfError extends SymbolsError {
  constructor(readonly section: string, readonly offset: number, readonly reason: string) {
    super(`corrupt ${section} at offset 0x${offset.toString(16)}: ${reason}`);
  }
}

/** Well-formed debugging information that uses a feature this reader does not implement. */
export class UnsupportedDwarfError extends SymbolsError {
  constructor(readonly section: string, readonly offset: number, readonly reason: string) {
    super(`unsupported ${section} at offset 0x${offset.toString(16)}: ${reason}`);
  }
}

/** A DWARF expression could not be evaluated (bad opcode, stack underflow, unreadable memory). */
export class DwarfExpressionError extends SymbolsError {
  constructor(readonly reason: string, readonly opcodeOffset?: number) {
    super(opcodeOffset === undefined ? reason : `${reason} (at expression offset ${opcodeOffset})`);
  }
}
