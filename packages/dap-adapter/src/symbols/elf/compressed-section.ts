// SHF_COMPRESSED sections (Elf64_Chdr + zlib stream): Debian's detached debug files, such as the
// one for libc in /usr/lib/debug/.build-id, compress every .debug_* section this way.
import { inflateSync } from 'node:zlib';
import { ByteReader, type CorruptionReporter } from '../binary/byte-reader.js';
import { COMPRESSION_HEADER_SIZE, ELFCOMPRESS_ZLIB, ELFCOMPRESS_ZSTD } from './constants.js';

/** Upper bound on a decompressed section, so that a forged header cannot exhaust memory. */
const MAX_DECOMPRESSED_SIZE = 1 << 30;

export function decompressSection(data: Buffer, sectionOffset: number, corrupt: CorruptionReporter): Buffer {
  const reader = new ByteReader(data, corrupt, sectionOffset);
  const type = reader.u32();
  reader.u32(); // ch_reserved
  const size = reader.u64AsNumber();
  reader.u64(); // ch_addralign
  if (type === ELFCOMPRESS_ZSTD) throw corrupt(sectionOffset, 'zstd-compressed section (not supported by this Node.js zlib)');
  if (type !== ELFCOMPRESS_ZLIB) throw corrupt(sectionOffset, `unknown section compression type ${type}`);
  if (size > MAX_DECOMPRESSED_SIZE) throw corrupt(sectionOffset, `compressed section claims ${size} bytes`);
  let inflated: Buffer;
  try {
    // One output chunk of the announced size: zlib writes the section in place, where the default
    // 16 KiB chunks are copied once more into the result (half the time for libc's .debug_info).
    inflated = inflateSync(data.subarray(COMPRESSION_HEADER_SIZE), { maxOutputLength: Math.max(size, 1), chunkSize: Math.max(size, 64) });
  } catch (error) {
    throw corrupt(sectionOffset + COMPRESSION_HEADER_SIZE, `zlib: ${(error as Error).message}`);
  }
  if (inflated.length !== size) throw corrupt(sectionOffset, `section inflates to ${inflated.length} bytes, header says ${size}`);
  return inflated;
}
