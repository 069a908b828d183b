import { getAddress, keccak256, toUtf8Bytes } from 'ethers';

import { DvtError } from '../../domain/errors.js';
import { hexToBytes } from '../../domain/beacon/hex.js';

/** BLS signature length at the head of `sharesData`. */
export const SHARES_SIGNATURE_LENGTH = 96;
/** One compressed share public key. */
export const SHARE_PUBKEY_LENGTH = 48;
/** One RSA-2048 ciphertext. */
export const ENCRYPTED_SHARE_LENGTH = 256;

/** Operator counts SSV accepts (3f+1) and their thresholds n − f. */
export const THRESHOLDS: Readonly<Record<number, number>> = Object.freeze({
  4: 3,
  7: 5,
  10: 7,
  13: 9,
});

/** The expected byte length of `sharesData` for `n` operators: 96 + 304·n. */
export function sharesDataLength(operatorCount: number): number {
  return SHARES_SIGNATURE_LENGTH + (SHARE_PUBKEY_LENGTH + ENCRYPTED_SHARE_LENGTH) * operatorCount;
}

/** The parts of a `sharesData` payload, in ascending operator-id order. */
export interface ParsedSharesData {
  signature: Uint8Array;
  sharePublicKeys: Uint8Array[];
  encryptedShares: Uint8Array[];
}

/**
 * Splits `sharesData` = `signature(96) ‖ sharePubKeys(48·n) ‖ encryptedShares(256·n)`
 * (specs/ssv-api-and-shares.md §5.1). Written here because ssv-keys' `buildSharesFromBytes`
 * computes the ciphertext offset wrongly (§8.3).
 *
 * Pure. Errors: `ERR_INVALID_INPUT` when the data is not hex or its length is not 96 + 304·n.
 */
export function parseSharesData(sharesData: string, operatorCount: number): ParsedSharesData {
  const bytes = hexToBytes(sharesData, 'sharesData');
  const expected = sharesDataLength(operatorCount);
  if (!Number.isInteger(operatorCount) || operatorCount < 1 || bytes.length !== expected) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      `sharesData is ${bytes.length} bytes; ${operatorCount} operators need ${expected}.`,
      { details: { operatorCount, length: bytes.length, expected } },
    );
  }
  const keysStart = SHARES_SIGNATURE_LENGTH;
  const sharesStart = keysStart + SHARE_PUBKEY_LENGTH * operatorCount;
  const slice = (start: number, length: number, i: number) =>
    bytes.slice(start + length * i, start + length * (i + 1));
  return {
    signature: bytes.slice(0, SHARES_SIGNATURE_LENGTH),
    sharePublicKeys: Array.from({ length: operatorCount }, (_, i) =>
      slice(keysStart, SHARE_PUBKEY_LENGTH, i),
    ),
    encryptedShares: Array.from({ length: operatorCount }, (_, i) =>
      slice(sharesStart, ENCRYPTED_SHARE_LENGTH, i),
    ),
  };
}

/**
 * The 32 bytes the validator key signs in `sharesData`: keccak256 of the UTF-8 text
 * `"<EIP-55 owner>:<nonce>"` (§5.2). The owner is checksummed here, whatever case it comes in.
 *
 * Pure. Errors: `ERR_INVALID_INPUT` for an invalid address or a nonce that is not an integer ≥ 0.
 */
export function sharesSignatureMessage(owner: string, nonce: number): Uint8Array {
  if (!Number.isSafeInteger(nonce) || nonce < 0) {
    throw new DvtError('ERR_INVALID_INPUT', `Owner nonce ${nonce} is not an integer >= 0.`, {
      details: { nonce },
    });
  }
  let checksummed: string;
  try {
    checksummed = getAddress(owner);
  } catch (cause) {
    throw new DvtError('ERR_INVALID_INPUT', `Owner ${owner} is not a valid address.`, {
      details: { owner },
      cause,
    });
  }
  return hexToBytes(keccak256(toUtf8Bytes(`${checksummed}:${nonce}`)), 'message', 32);
}
