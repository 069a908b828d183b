import { DvtError } from '../errors.js';
import { hexToBytes } from './hex.js';

/** Public networks with known parameters, plus `devnet` whose parameters come from its beacon node. */
export type NetworkName = 'mainnet' | 'hoodi' | 'holesky' | 'sepolia' | 'devnet';

/** The chain identity a signature depends on (specs/beacon-and-keys.md §5). */
export interface NetworkParams {
  readonly name: NetworkName;
  /** Execution-layer chain id (`DEPOSIT_CHAIN_ID`). */
  readonly chainId: number;
  /** `GENESIS_FORK_VERSION`, 4 bytes; fixes the deposit domain. */
  readonly genesisForkVersion: `0x${string}`;
  /** `CAPELLA_FORK_VERSION`, 4 bytes; fixes the EIP-7044 voluntary-exit domain. */
  readonly capellaForkVersion: `0x${string}`;
  /** `genesis_validators_root`, 32 bytes. */
  readonly genesisValidatorsRoot: `0x${string}`;
  /** Beacon deposit contract address. */
  readonly depositContract: `0x${string}`;
}

/**
 * Parameters of the public networks, from consensus-specs and eth-clients configs. Routers on a
 * live network should still compare them with `/eth/v1/beacon/genesis` at start-up.
 */
export const PUBLIC_NETWORKS: Readonly<Record<Exclude<NetworkName, 'devnet'>, NetworkParams>> =
  Object.freeze({
    mainnet: Object.freeze({
      name: 'mainnet',
      chainId: 1,
      genesisForkVersion: '0x00000000',
      capellaForkVersion: '0x03000000',
      genesisValidatorsRoot: '0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95',
      depositContract: '0x00000000219ab540356cBB839Cbe05303d7705Fa',
    }),
    hoodi: Object.freeze({
      name: 'hoodi',
      chainId: 560048,
      genesisForkVersion: '0x10000910',
      capellaForkVersion: '0x40000910',
      genesisValidatorsRoot: '0x212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f',
      depositContract: '0x00000000219ab540356cBB839Cbe05303d7705Fa',
    }),
    holesky: Object.freeze({
      name: 'holesky',
      chainId: 17000,
      genesisForkVersion: '0x01017000',
      capellaForkVersion: '0x04017000',
      genesisValidatorsRoot: '0x9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1',
      depositContract: '0x4242424242424242424242424242424242424242',
    }),
    sepolia: Object.freeze({
      name: 'sepolia',
      chainId: 11155111,
      genesisForkVersion: '0x90000069',
      capellaForkVersion: '0x90000072',
      genesisValidatorsRoot: '0xd8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078',
      depositContract: '0x7f02C3E3c98b133055B8B348B2Ac625669Ed295D',
    }),
  });

export interface DevnetNetworkParamsParameters {
  /** The flat object of `GET /eth/v1/config/spec` `data` (all values are strings). */
  spec: Readonly<Record<string, string>>;
  /** `genesis_validators_root` from `GET /eth/v1/beacon/genesis`. */
  genesisValidatorsRoot: string;
}

function requireSpecValue(
  spec: Readonly<Record<string, string>>,
  key: string,
  bytes: number,
): `0x${string}` {
  const value = spec[key];
  if (value === undefined) {
    throw new DvtError('ERR_UPSTREAM_MALFORMED', `Beacon config spec lacks ${key}.`, {
      details: { key },
      hint: 'Check that the devnet beacon node serves /eth/v1/config/spec in full.',
    });
  }
  hexToBytes(value, key, bytes);
  return value.toLowerCase() as `0x${string}`;
}

/**
 * Builds the `devnet` parameters from what its beacon node publishes, so that domains are never
 * hard-coded for a chain whose genesis we choose at start-up.
 *
 * Pure. Errors: `ERR_UPSTREAM_MALFORMED` when a needed key is missing; `ERR_INVALID_INPUT` when a
 * value has the wrong size or the chain id is not a positive integer.
 */
export function devnetNetworkParams({
  spec,
  genesisValidatorsRoot,
}: DevnetNetworkParamsParameters): NetworkParams {
  const chainIdText = spec.DEPOSIT_CHAIN_ID ?? '';
  if (!/^[1-9][0-9]{0,15}$/.test(chainIdText)) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      'DEPOSIT_CHAIN_ID must be a positive decimal integer.',
      {
        details: { key: 'DEPOSIT_CHAIN_ID', value: chainIdText },
      },
    );
  }
  hexToBytes(genesisValidatorsRoot, 'genesis validators root', 32);
  return Object.freeze({
    name: 'devnet',
    chainId: Number(chainIdText),
    genesisForkVersion: requireSpecValue(spec, 'GENESIS_FORK_VERSION', 4),
    capellaForkVersion: requireSpecValue(spec, 'CAPELLA_FORK_VERSION', 4),
    genesisValidatorsRoot: genesisValidatorsRoot.toLowerCase() as `0x${string}`,
    depositContract: requireSpecValue(spec, 'DEPOSIT_CONTRACT_ADDRESS', 20),
  });
}
