import { ForkDataType } from './ssz-types.js';
import { concatBytes, hexToBytes } from './hex.js';

/** `DOMAIN_DEPOSIT` (specs/beacon-and-keys.md §4.3). */
export const DOMAIN_DEPOSIT = '0x03000000';
/** `DOMAIN_VOLUNTARY_EXIT` (specs/beacon-and-keys.md §4.3). */
export const DOMAIN_VOLUNTARY_EXIT = '0x04000000';

const ZERO_ROOT = new Uint8Array(32);

/**
 * `compute_fork_data_root(current_version, genesis_validators_root)` = hash_tree_root(ForkData).
 *
 * Pure. Errors: `ERR_INVALID_INPUT` when the version is not 4 bytes or the root not 32 bytes.
 */
export function computeForkDataRoot(
  forkVersion: string,
  genesisValidatorsRoot: string,
): Uint8Array {
  return ForkDataType.hashTreeRoot({
    currentVersion: hexToBytes(forkVersion, 'fork version', 4),
    genesisValidatorsRoot: hexToBytes(genesisValidatorsRoot, 'genesis validators root', 32),
  });
}

export interface ComputeDomainParameters {
  /** 4-byte domain type, e.g. {@link DOMAIN_DEPOSIT}. */
  domainType: string;
  /** 4-byte fork version. */
  forkVersion: string;
  /** 32-byte root; the spec's default (all zero) when omitted. */
  genesisValidatorsRoot?: string;
}

/**
 * `compute_domain(domain_type, fork_version, genesis_validators_root)` =
 * `domain_type ‖ fork_data_root[0..28]`.
 *
 * Pure. Errors: `ERR_INVALID_INPUT` on wrongly sized inputs.
 */
export function computeDomain({
  domainType,
  forkVersion,
  genesisValidatorsRoot,
}: ComputeDomainParameters): Uint8Array {
  const root = computeForkDataRoot(
    forkVersion,
    genesisValidatorsRoot ?? `0x${'00'.repeat(ZERO_ROOT.length)}`,
  );
  return concatBytes(hexToBytes(domainType, 'domain type', 4), root.slice(0, 28));
}
