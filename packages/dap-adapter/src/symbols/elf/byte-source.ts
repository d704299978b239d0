// Random access to the bytes of an ELF file. The file is never loaded whole: libc is ~2 MB and
// its detached debug file larger still, while a query usually needs one or two sections.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface ByteSource {
  /** Name for error messages (the path for files). */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes at `offset`; the caller has checked the range against `size`. */
  read(offset: number, length: number): Buffer;
  close(): void;
}

/**
 * Reads a file through one descriptor held open for the life of the object, so that a program
 * rebuilt (replaced by rename) while it is being debugged keeps being read consistently.
 */
export class FileByteSource implements ByteSource {
  readonly size: number;
  private fd: number | undefined;

  constructor(readonly name: string) {
    this.fd = openSync(name, 'r');
    try {
      this.size = fstatSync(this.fd).size;
    } catch (error) {
      closeSync(this.fd);
      throw error;
    }
  }

  read(offset: number, length: number): Buffer {
    if (this.fd === undefined) throw new Error(`${this.name}: read after close`);
    // Not zero-filled first (sections are megabytes): every byte is read, or zeroed below.
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const count = readSync(this.fd, buffer, done, length - done, offset + done);
      if (count === 0) break; // the file shrank under us: the caller sees zeros, bounds were checked
      done += count;
    }
    buffer.fill(0, done);
    return buffer;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Bytes already in memory (tests, fuzzing, files extracted from elsewhere). */
export class BufferByteSource implements ByteSource {
  constructor(private readonly bytes: Buffer, readonly name = '<buffer>') {}

  get size(): number {
    return this.bytes.length;
  }

  read(offset: number, length: number): Buffer {
    return this.bytes.subarray(offset, offset + length);
  }

  close(): void {}
}
