// The input format of the dwarf target: the debugging sections of one file, packed so that a
// mutation lands in DWARF bytes instead of in ELF headers or code.
//
//   "DWC1" then entries: [u8 id][u32le length][length bytes]
//
// A length past the end is cut to what is left; unknown ids are ignored; the last entry of an
// id wins. The id of .eh_frame's address (a u64le) is ADDRESS.
'use strict';

const MAGIC = Buffer.from('DWC1');
const SECTIONS = [
  '.debug_info', '.debug_abbrev', '.debug_str', '.debug_line', '.debug_line_str', '.debug_str_offsets',
  '.debug_addr', '.debug_rnglists', '.debug_loclists', '.debug_ranges', '.debug_loc', '.debug_aranges',
  '.debug_types', '.debug_frame', '.eh_frame',
];
const ADDRESS = 15;

/** @param {Map<string, Buffer>} sections @param {bigint} ehFrameAddress */
function pack(sections, ehFrameAddress = 0n) {
  const parts = [MAGIC];
  const entry = (id, data) => {
    const head = Buffer.alloc(5);
    head[0] = id;
    head.writeUInt32LE(data.length, 1);
    parts.push(head, data);
  };
  SECTIONS.forEach((name, id) => {
    const data = sections.get(name);
    if (data !== undefined) entry(id, data);
  });
  const address = Buffer.alloc(8);
  address.writeBigUInt64LE(BigInt.asUintN(64, ehFrameAddress));
  entry(ADDRESS, address);
  return Buffer.concat(parts);
}

/** @returns {{ sections: Map<string, Buffer>, ehFrameAddress: bigint }} */
function unpack(bytes) {
  const sections = new Map();
  let ehFrameAddress = 0n;
  let at = bytes.subarray(0, 4).equals(MAGIC) ? 4 : 0;
  while (at + 5 <= bytes.length) {
    const id = bytes[at] & 0x0f;
    const length = Math.min(bytes.readUInt32LE(at + 1), bytes.length - at - 5);
    const data = bytes.subarray(at + 5, at + 5 + length);
    at += 5 + length;
    if (id === ADDRESS) {
      if (data.length >= 8) ehFrameAddress = data.readBigUInt64LE(0);
    } else sections.set(SECTIONS[id], data);
  }
  return { sections, ehFrameAddress };
}

module.exports = { pack, unpack, SECTIONS };
