/**
 * The devnet beacon simulator's chain identity and timing (specs/beacon-and-keys.md §5, §12). The
 * defaults make a fast devnet: 1-second slots, 4-slot epochs and short delays, so a validator goes
 * from deposit to exitable within a few dozen epochs, or instantly with the admin clock.
 */
import { createHash } from 'node:crypto';

import { WITHDRAWAL_REQUEST_PREDEPLOY } from '../deploy/eip7002-predeploy.js';

/** `FAR_FUTURE_EPOCH` = 2^64 − 1. */
export const FAR_FUTURE_EPOCH = (1n << 64n) - 1n;
/** `MIN_ACTIVATION_BALANCE` (Electra), in gwei. */
export const MIN_ACTIVATION_BALANCE_GWEI = 32_000_000_000n;
/** `MAX_EFFECTIVE_BALANCE_ELECTRA` for 0x02 (compounding) credentials, in gwei. */
export const MAX_EFFECTIVE_BALANCE_ELECTRA_GWEI = 2_048_000_000_000n;
/** `EFFECTIVE_BALANCE_INCREMENT`, in gwei. */
export const EFFECTIVE_BALANCE_INCREMENT_GWEI = 1_000_000_000n;

/** The devnet's default `genesis_validators_root`: a fixed, recognisable 32-byte value. */
export const DEVNET_GENESIS_VALIDATORS_ROOT: `0x${string}` = `0x${createHash('sha256')
  .update('dvt-router devnet genesis validators root')
  .digest('hex')}`;

/** Fork versions of the devnet: a private `0x1000_0001` family, distinct from every public net. */
export const DEVNET_FORK_VERSIONS = Object.freeze({
  genesis: '0x10000001',
  altair: '0x20000001',
  bellatrix: '0x30000001',
  capella: '0x40000001',
  deneb: '0x50000001',
  electra: '0x60000001',
} as const);

/** Timing and delay parameters; every epoch count is a whole number of epochs. */
export interface BeaconSimTiming {
  /** `SECONDS_PER_SLOT`; default 1. */
  secondsPerSlot: number;
  /** `SLOTS_PER_EPOCH`; default 4. */
  slotsPerEpoch: number;
  /** `SHARD_COMMITTEE_PERIOD` in epochs; default 4 (mainnet 256). */
  shardCommitteePeriod: number;
  /** `MIN_VALIDATOR_WITHDRAWABILITY_DELAY` in epochs; default 4 (mainnet 256). */
  minValidatorWithdrawabilityDelay: number;
  /** Epochs a deposit waits in `pending_deposits` before it is applied; default 1. */
  depositDelayEpochs: number;
  /** Epochs from reaching 32 ETH effective to `activation_eligibility_epoch`; default 1. */
  activationEligibilityDelayEpochs: number;
  /** Epochs from eligibility to `activation_epoch`; default 2. */
  activationDelayEpochs: number;
  /** Epochs from an accepted exit to `exit_epoch`; default 2. */
  exitDelayEpochs: number;
  /** Epochs from `withdrawable_epoch` until the sweep pays the balance out; default 1. */
  withdrawalSweepDelayEpochs: number;
}

/** Defaults of {@link BeaconSimTiming} for the devnet. */
export const DEVNET_TIMING: Readonly<BeaconSimTiming> = Object.freeze({
  secondsPerSlot: 1,
  slotsPerEpoch: 4,
  shardCommitteePeriod: 4,
  minValidatorWithdrawabilityDelay: 4,
  depositDelayEpochs: 1,
  activationEligibilityDelayEpochs: 1,
  activationDelayEpochs: 2,
  exitDelayEpochs: 2,
  withdrawalSweepDelayEpochs: 1,
});

/** The chain identity the simulator publishes and signs against; hex in lower case. */
export interface BeaconSimIdentity {
  chainId: number;
  depositContract: `0x${string}`;
  eip7002Address: `0x${string}`;
  genesisForkVersion: `0x${string}`;
  capellaForkVersion: `0x${string}`;
  electraForkVersion: `0x${string}`;
  genesisValidatorsRoot: `0x${string}`;
}

/** Fully resolved parameters of one simulator. */
export interface BeaconSimParams extends BeaconSimTiming, BeaconSimIdentity {
  /** Genesis time in Unix seconds. */
  genesisTime: number;
}

type HexKey = Exclude<keyof BeaconSimIdentity, 'chainId'>;

/** What {@link resolveBeaconSimParams} accepts: identity essentials plus optional overrides. */
export type BeaconSimParamsInput = {
  [K in Exclude<HexKey, 'depositContract'>]?: string | undefined;
} & { chainId: number; depositContract: string; genesisTime: number } & {
  [K in keyof BeaconSimTiming]?: number | undefined;
};

const HEX_BYTES = (bytes: number): RegExp => new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`);

/**
 * Fills defaults and checks the parameters. Throws a plain `Error` naming the bad option (the
 * simulator is devnet tooling, not router code).
 */
export function resolveBeaconSimParams(input: BeaconSimParamsInput): BeaconSimParams {
  const merged = {
    ...DEVNET_TIMING,
    genesisForkVersion: DEVNET_FORK_VERSIONS.genesis,
    capellaForkVersion: DEVNET_FORK_VERSIONS.capella,
    electraForkVersion: DEVNET_FORK_VERSIONS.electra,
    genesisValidatorsRoot: DEVNET_GENESIS_VALIDATORS_ROOT,
    eip7002Address: WITHDRAWAL_REQUEST_PREDEPLOY,
    ...stripUndefined(input),
  } as Omit<BeaconSimParams, HexKey> & Record<HexKey, string>;
  const params = merged as unknown as BeaconSimParams;
  for (const key of [
    'depositContract',
    'eip7002Address',
    'genesisForkVersion',
    'capellaForkVersion',
    'electraForkVersion',
    'genesisValidatorsRoot',
  ] as const) {
    params[key] = merged[key].toLowerCase() as `0x${string}`;
  }
  for (const key of Object.keys(DEVNET_TIMING) as (keyof BeaconSimTiming)[]) {
    const value = params[key];
    const minimum = key === 'secondsPerSlot' || key === 'slotsPerEpoch' ? 1 : 0;
    if (!Number.isSafeInteger(value) || value < minimum) {
      throw new Error(`beacon-sim option ${key} must be an integer ≥ ${minimum}, got ${value}`);
    }
  }
  for (const key of ['genesisForkVersion', 'capellaForkVersion', 'electraForkVersion'] as const) {
    if (!HEX_BYTES(4).test(params[key])) {
      throw new Error(`beacon-sim option ${key} must be 4 bytes of 0x-hex, e.g. 0x10000001`);
    }
  }
  if (!HEX_BYTES(32).test(params.genesisValidatorsRoot)) {
    throw new Error('beacon-sim option genesisValidatorsRoot must be 32 bytes of 0x-hex');
  }
  for (const key of ['depositContract', 'eip7002Address'] as const) {
    if (!HEX_BYTES(20).test(params[key])) {
      throw new Error(`beacon-sim option ${key} must be a 20-byte address`);
    }
  }
  if (!Number.isSafeInteger(params.chainId) || params.chainId <= 0) {
    throw new Error('beacon-sim option chainId must be a positive integer, e.g. 31337');
  }
  if (!Number.isSafeInteger(params.genesisTime) || params.genesisTime < 0) {
    throw new Error('beacon-sim option genesisTime must be Unix seconds');
  }
  return params;
}

/**
 * The flat `GET /eth/v1/config/spec` object: every constant as a string (§11, §12.1).
 */
export function configSpec(params: BeaconSimParams): Record<string, string> {
  return {
    CONFIG_NAME: 'dvt-router-devnet',
    PRESET_BASE: 'minimal',
    GENESIS_FORK_VERSION: params.genesisForkVersion,
    ALTAIR_FORK_VERSION: DEVNET_FORK_VERSIONS.altair,
    ALTAIR_FORK_EPOCH: '0',
    BELLATRIX_FORK_VERSION: DEVNET_FORK_VERSIONS.bellatrix,
    BELLATRIX_FORK_EPOCH: '0',
    CAPELLA_FORK_VERSION: params.capellaForkVersion,
    CAPELLA_FORK_EPOCH: '0',
    DENEB_FORK_VERSION: DEVNET_FORK_VERSIONS.deneb,
    DENEB_FORK_EPOCH: '0',
    ELECTRA_FORK_VERSION: params.electraForkVersion,
    ELECTRA_FORK_EPOCH: '0',
    SECONDS_PER_SLOT: String(params.secondsPerSlot),
    SLOTS_PER_EPOCH: String(params.slotsPerEpoch),
    SHARD_COMMITTEE_PERIOD: String(params.shardCommitteePeriod),
    MIN_VALIDATOR_WITHDRAWABILITY_DELAY: String(params.minValidatorWithdrawabilityDelay),
    MAX_SEED_LOOKAHEAD: String(Math.max(0, params.activationDelayEpochs - 1)),
    MIN_ACTIVATION_BALANCE: MIN_ACTIVATION_BALANCE_GWEI.toString(),
    MAX_EFFECTIVE_BALANCE: MIN_ACTIVATION_BALANCE_GWEI.toString(),
    MAX_EFFECTIVE_BALANCE_ELECTRA: MAX_EFFECTIVE_BALANCE_ELECTRA_GWEI.toString(),
    EFFECTIVE_BALANCE_INCREMENT: EFFECTIVE_BALANCE_INCREMENT_GWEI.toString(),
    FAR_FUTURE_EPOCH: FAR_FUTURE_EPOCH.toString(),
    DOMAIN_BEACON_PROPOSER: '0x00000000',
    DOMAIN_BEACON_ATTESTER: '0x01000000',
    DOMAIN_RANDAO: '0x02000000',
    DOMAIN_DEPOSIT: '0x03000000',
    DOMAIN_VOLUNTARY_EXIT: '0x04000000',
    DOMAIN_SELECTION_PROOF: '0x05000000',
    DOMAIN_AGGREGATE_AND_PROOF: '0x06000000',
    DEPOSIT_CONTRACT_ADDRESS: params.depositContract.toLowerCase(),
    DEPOSIT_CHAIN_ID: String(params.chainId),
    DEPOSIT_NETWORK_ID: String(params.chainId),
    MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD: '16',
    FULL_EXIT_REQUEST_AMOUNT: '0',
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
