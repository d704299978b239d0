import { ByteReader, type CorruptionReporter } from '../binary/byte-reader.js';

/** One ELF note (SHT_NOTE section or PT_NOTE segment entry). */
export interface ElfNote {
  readonly owner: string;
  readonly type: number;
  readonly description: Buffer;
}

export function parseNotes(data: Buffer, fileOffset: number, corrupt: CorruptionReporter): ElfNote[] {
  const reader = new ByteReader(data, corrupt, fileOffset);
  const notes: ElfNote[] = [];
  while (reader.remaining >= 12) {
    const nameSize = reader.u32();
    const descriptionSize = reader.u32();
    const type = reader.u32();
    const name = reader.bytes(nameSize);
    reader.skip(padding4(nameSize, reader.remaining));
    const description = reader.bytes(descriptionSize);
    reader.skip(padding4(descriptionSize, reader.remaining));
    const nul = name.indexOf(0);
    notes.push({ owner: name.toString('latin1', 0, nul < 0 ? name.length : nul), type, description });
  }
  return notes;
}

/** Name and descriptor are padded to 4 bytes; the last note of a section may omit its padding. */
function padding4(size: number, remaining: number): number {
  return Math.min((4 - (size % 4)) % 4, remaining);
}
