import { DvtError } from '../errors.js';
import { computeSigningRoot } from './compute-signing-root.js';
import { depositDomain } from './domains.js';
import { hexToBytes } from './hex.js';
import type { NetworkParams } from './network-params.js';
import { DepositDataType, DepositMessageType } from './ssz-types.js';

const MAX_UINT64 = (1n << 64n) - 1n;

/** The signed part of a deposit; byte fields are 0x-hex. */
export interface DepositMessageInput {
  /** 48-byte BLS public key. */
  pubkey: string;
  /** 32-byte withdrawal credentials. */
  withdrawalCredentials: string;
  /** Amount in gwei, 1..2^64−1. */
  amountGwei: bigint;
}

/** A full deposit: the message and its 96-byte signature. */
export interface DepositDataInput extends DepositMessageInput {
  signature: string;
}

function toMessage(input: DepositMessageInput): {
  pubkey: Uint8Array;
  withdrawalCredentials: Uint8Array;
  amount: bigint;
} {
  if (input.amountGwei <= 0n || input.amountGwei > MAX_UINT64) {
    throw new DvtError('ERR_INVALID_INPUT', 'Deposit amount must be between 1 and 2^64-1 gwei.', {
      details: { amountGwei: input.amountGwei.toString() },
    });
  }
  return {
    pubkey: hexToBytes(input.pubkey, 'pubkey', 48),
    withdrawalCredentials: hexToBytes(input.withdrawalCredentials, 'withdrawal credentials', 32),
    amount: input.amountGwei,
  };
}

/**
 * hash_tree_root(DepositMessage). Network-independent. Pure.
 * Errors: `ERR_INVALID_INPUT` on wrongly sized fields or an out-of-range amount.
 */
export function computeDepositMessageRoot(input: DepositMessageInput): Uint8Array {
  return DepositMessageType.hashTreeRoot(toMessage(input));
}

/**
 * hash_tree_root(DepositData): the `deposit_data_root` the deposit contract recomputes and checks.
 * Pure. Errors: `ERR_INVALID_INPUT` on wrongly sized fields or an out-of-range amount.
 */
export function computeDepositDataRoot(input: DepositDataInput): Uint8Array {
  return DepositDataType.hashTreeRoot({
    ...toMessage(input),
    signature: hexToBytes(input.signature, 'signature', 96),
  });
}

/**
 * The root a deposit signature signs: compute_signing_root(DepositMessage, deposit domain of
 * `network`). Pure. Errors: as {@link computeDepositMessageRoot}.
 */
export function computeDepositSigningRoot(
  input: DepositMessageInput,
  network: Pick<NetworkParams, 'genesisForkVersion'>,
): Uint8Array {
  return computeSigningRoot(computeDepositMessageRoot(input), depositDomain(network));
}
