import bls from '@chainsafe/bls';

import { bytesToHex } from '../../domain/beacon/hex.js';
import type { NetworkParams } from '../../domain/beacon/network-params.js';
import { computeVoluntaryExitSigningRoot } from '../../domain/beacon/voluntary-exit.js';

export interface SignVoluntaryExitParameters {
  /** 32-byte BLS secret key of the exiting validator; not retained. */
  secretKey: Uint8Array;
  /** Epoch the exit is dated at; use the current epoch (a future one is not yet valid). */
  epoch: bigint;
  /** Beacon validator index. */
  validatorIndex: bigint;
  /** Network whose EIP-7044 domain (CAPELLA_FORK_VERSION, genesis validators root) applies. */
  network: Pick<NetworkParams, 'capellaForkVersion' | 'genesisValidatorsRoot'>;
}

/** A `SignedVoluntaryExit` in the beacon API's JSON shape (decimal strings, 0x-hex). */
export interface SignVoluntaryExitReturnType {
  message: { epoch: string; validator_index: string };
  signature: `0x${string}`;
}

/**
 * Signs a voluntary exit under the EIP-7044 domain, ready for
 * `POST /eth/v1/beacon/pool/voluntary_exits`. Deterministic, so a retry yields the same body.
 * Errors: `ERR_INVALID_INPUT` when epoch or index is not a uint64.
 */
export function signVoluntaryExit({
  secretKey,
  epoch,
  validatorIndex,
  network,
}: SignVoluntaryExitParameters): SignVoluntaryExitReturnType {
  const signingRoot = computeVoluntaryExitSigningRoot({ epoch, validatorIndex }, network);
  return {
    message: { epoch: epoch.toString(10), validator_index: validatorIndex.toString(10) },
    signature: bytesToHex(bls.sign(secretKey, signingRoot)),
  };
}
