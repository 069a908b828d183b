import { DOMAIN_DEPOSIT, DOMAIN_VOLUNTARY_EXIT, computeDomain } from './compute-domain.js';
import type { NetworkParams } from './network-params.js';

/**
 * The deposit domain of a network: `compute_domain(DOMAIN_DEPOSIT, GENESIS_FORK_VERSION, 0x00…)`.
 * Fork-independent but network-specific (specs/beacon-and-keys.md §4.3). Pure.
 */
export function depositDomain(network: Pick<NetworkParams, 'genesisForkVersion'>): Uint8Array {
  return computeDomain({ domainType: DOMAIN_DEPOSIT, forkVersion: network.genesisForkVersion });
}

/**
 * The EIP-7044 voluntary-exit domain: `compute_domain(DOMAIN_VOLUNTARY_EXIT, CAPELLA_FORK_VERSION,
 * genesis_validators_root)`, valid whatever the current fork (specs/beacon-and-keys.md §8.1). Pure.
 */
export function voluntaryExitDomain(
  network: Pick<NetworkParams, 'capellaForkVersion' | 'genesisValidatorsRoot'>,
): Uint8Array {
  return computeDomain({
    domainType: DOMAIN_VOLUNTARY_EXIT,
    forkVersion: network.capellaForkVersion,
    genesisValidatorsRoot: network.genesisValidatorsRoot,
  });
}
