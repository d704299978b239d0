// Word arithmetic of the one-by-one executor.
import { WORD_SIZE } from '../arch/x86_64.js';

/** The aligned word that holds `address`. */
export function floorWord(address: number): number {
  return address - (address % WORD_SIZE);
}
