import bls from '@chainsafe/bls';

import {
  computeDepositDataRoot,
  computeDepositMessageRoot,
  computeDepositSigningRoot,
} from '../../domain/beacon/deposit-data.js';
import { bytesToHex } from '../../domain/beacon/hex.js';
import type { NetworkParams } from '../../domain/beacon/network-params.js';

/** 1 ETH: the pre-deposit that fixes the withdrawal credentials. */
export const PRE_DEPOSIT_GWEI = 1_000_000_000n;
/** 31 ETH: the stake that tops a pre-deposited validator up to 32 ETH. */
export const STAKE_GWEI = 31_000_000_000n;

export interface SignDepositDataParameters {
  /** 32-byte BLS secret key; not retained. */
  secretKey: Uint8Array;
  /** 32-byte withdrawal credentials, 0x-hex. */
  withdrawalCredentials: string;
  /** Deposit amount in gwei. */
  amountGwei: bigint;
  /** Network whose deposit domain (GENESIS_FORK_VERSION, zero root) is signed under. */
  network: Pick<NetworkParams, 'genesisForkVersion'>;
}

/** Public deposit data, ready for the deposit contract; amounts as decimal strings. */
export interface SignDepositDataReturnType {
  pubkey: `0x${string}`;
  withdrawalCredentials: `0x${string}`;
  amountGwei: string;
  signature: `0x${string}`;
  depositMessageRoot: `0x${string}`;
  depositDataRoot: `0x${string}`;
}

/**
 * Signs `DepositMessage { pubkey, withdrawal_credentials, amount }` under the network's deposit
 * domain and returns the full deposit data with its `deposit_data_root`.
 *
 * Pure and deterministic (BLS signing is deterministic), so a retry returns the same bytes.
 * Errors: `ERR_INVALID_INPUT` for malformed credentials or an amount outside 1..2^64−1 gwei.
 */
export function signDepositData({
  secretKey,
  withdrawalCredentials,
  amountGwei,
  network,
}: SignDepositDataParameters): SignDepositDataReturnType {
  const pubkey = bytesToHex(bls.secretKeyToPublicKey(secretKey));
  const message = { pubkey, withdrawalCredentials, amountGwei };
  const signature = bytesToHex(bls.sign(secretKey, computeDepositSigningRoot(message, network)));
  return {
    pubkey,
    withdrawalCredentials: withdrawalCredentials.toLowerCase() as `0x${string}`,
    amountGwei: amountGwei.toString(10),
    signature,
    depositMessageRoot: bytesToHex(computeDepositMessageRoot(message)),
    depositDataRoot: bytesToHex(computeDepositDataRoot({ ...message, signature })),
  };
}
