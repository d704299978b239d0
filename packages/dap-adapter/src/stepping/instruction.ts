// The one fact about the next instruction that line stepping needs: is it a call (to be stepped
// over with a breakpoint at its return address), a return, or anything else, and how long it is.
// Decoded by iced-x86 from the debuggee's memory with our int3s taken out.
import { Decoder, DecoderOptions, FlowControl } from 'iced-x86';

export type InstructionKind = 'call' | 'return' | 'other';

export interface DecodedInstruction {
  readonly kind: InstructionKind;
  readonly length: number;
  /** The address of the instruction after it: a call's return address. */
  readonly nextPc: bigint;
}

/** The longest x86 instruction. */
export const MAX_INSTRUCTION_LENGTH = 15;

export function decodeInstruction(bytes: Uint8Array, pc: bigint): DecodedInstruction {
  const decoder = new Decoder(64, bytes, DecoderOptions.None);
  try {
    decoder.ip = pc;
    const instruction = decoder.decode();
    try {
      const flow = instruction.flowControl;
      const kind: InstructionKind = flow === FlowControl.Call || flow === FlowControl.IndirectCall ? 'call'
        : flow === FlowControl.Return ? 'return' : 'other';
      // An undecodable byte sequence has length 0 in iced: treat it as one opaque byte.
      const length = Math.max(instruction.length, 1);
      return { kind, length, nextPc: pc + BigInt(length) };
    } finally {
      instruction.free();
    }
  } finally {
    decoder.free();
  }
}
