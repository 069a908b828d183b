import { DvtError } from '../../domain/errors.js';

/**
 * Checks that a key index is an integer in 0..2^32−1 (EIP-2333 child indices are uint32).
 * Errors: `ERR_INVALID_INPUT` naming the index.
 */
export function checkKeyIndex(index: number): number {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) {
    throw new DvtError('ERR_INVALID_INPUT', `Key index ${index} is not an integer in 0..2^32-1.`, {
      details: { keyIndex: index },
    });
  }
  return index;
}
