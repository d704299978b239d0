// .eh_frame_hdr (PT_GNU_EH_FRAME): a table of (initial pc, FDE address) pairs sorted by pc, which
// the linker writes so that an unwinder finds a function's FDE by binary search instead of
// scanning .eh_frame (libc has thousands of FDEs).
import { ByteReader } from '../binary/byte-reader.js';
import { CorruptDwarfError } from '../errors.js';
import { DW_EH_PE } from './constants.js';
import { encodedSize, readEncodedPointer } from './pointer-encoding.js';

export class EhFrameHeader {
  private constructor(
    private readonly data: Buffer,
    /** File address of .eh_frame_hdr: the base of datarel values in the table. */
    private readonly address: bigint,
    /** The address of .eh_frame the header points to. */
    readonly ehFrameAddress: bigint,
    readonly count: number,
    private readonly tableOffset: number,
    private readonly tableEncoding: number,
    private readonly entrySize: number,
    private readonly addressSize: number,
  ) {}

  /** Parses the header; undefined when it has no usable search table (the caller then scans .eh_frame). */
  static parse(data: Buffer, address: bigint, addressSize = 8): EhFrameHeader | undefined {
    const reader = new ByteReader(data, (offset, reason) => new CorruptDwarfError('.eh_frame_hdr', offset, reason));
    const version = reader.u8();
    if (version !== 1) return undefined;
    const ehFramePointerEncoding = reader.u8();
    const countEncoding = reader.u8();
    const tableEncoding = reader.u8();
    const bases = { sectionAddress: address, dataAddress: address };
    const ehFrameAddress = readEncodedPointer(reader, ehFramePointerEncoding, addressSize, bases).value;
    if (countEncoding === DW_EH_PE.omit || tableEncoding === DW_EH_PE.omit) return undefined;
    const count = Number(readEncodedPointer(reader, countEncoding, addressSize, bases).value);
    const valueSize = encodedSize(tableEncoding, addressSize);
    // Binary search needs fixed-size entries; LEB128 tables are not searchable.
    if (valueSize === undefined) return undefined;
    const entrySize = 2 * valueSize;
    if (!Number.isSafeInteger(count) || count < 0 || reader.offset + count * entrySize > data.length) {
      throw new CorruptDwarfError('.eh_frame_hdr', reader.offset, `search table of ${count} entries runs past the section`);
    }
    return new EhFrameHeader(data, address, ehFrameAddress, count, reader.offset, tableEncoding, entrySize, addressSize);
  }

  /** File address of the FDE that may cover `pc` (the last one starting at or below it). */
  fdeAddressFor(pc: bigint): bigint | undefined {
    let low = 0;
    let high = this.count - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.entry(middle).initialLocation <= pc) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found < 0 ? undefined : this.entry(found).fdeAddress;
  }

  entry(index: number): { initialLocation: bigint; fdeAddress: bigint } {
    const reader = new ByteReader(this.data, (offset, reason) => new CorruptDwarfError('.eh_frame_hdr', offset, reason),
      0, this.tableOffset + index * this.entrySize);
    const bases = { sectionAddress: this.address, dataAddress: this.address };
    const initialLocation = readEncodedPointer(reader, this.tableEncoding, this.addressSize, bases).value;
    const fdeAddress = readEncodedPointer(reader, this.tableEncoding, this.addressSize, bases).value;
    return { initialLocation, fdeAddress };
  }
}
