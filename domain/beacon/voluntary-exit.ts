import { DvtError } from '../errors.js';
import { computeSigningRoot } from './compute-signing-root.js';
import { voluntaryExitDomain } from './domains.js';
import type { NetworkParams } from './network-params.js';
import { VoluntaryExitType } from './ssz-types.js';

const MAX_UINT64 = (1n << 64n) - 1n;

/** `VoluntaryExit` fields as integers. */
export interface VoluntaryExitInput {
  epoch: bigint;
  validatorIndex: bigint;
}

function checkUint64(value: bigint, field: string): bigint {
  if (value < 0n || value > MAX_UINT64) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} must be a uint64.`, {
      details: { field, value: value.toString() },
    });
  }
  return value;
}

/**
 * hash_tree_root(VoluntaryExit). Pure. Errors: `ERR_INVALID_INPUT` when a field is not a uint64.
 */
export function computeVoluntaryExitRoot({
  epoch,
  validatorIndex,
}: VoluntaryExitInput): Uint8Array {
  return VoluntaryExitType.hashTreeRoot({
    epoch: checkUint64(epoch, 'epoch'),
    validatorIndex: checkUint64(validatorIndex, 'validator index'),
  });
}

/**
 * The root an exit signature signs under the EIP-7044 domain (Capella fork version and the
 * genesis validators root), so the signature stays valid in every later fork. Pure.
 */
export function computeVoluntaryExitSigningRoot(
  exit: VoluntaryExitInput,
  network: Pick<NetworkParams, 'capellaForkVersion' | 'genesisValidatorsRoot'>,
): Uint8Array {
  return computeSigningRoot(computeVoluntaryExitRoot(exit), voluntaryExitDomain(network));
}
