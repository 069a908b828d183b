/**
 * Units of SSV fee accounting (ssv-network-v2.md §9.1): packing factors, vUnits (effective-balance
 * weight) and block time. Pure and ethers-free.
 */
import { DvtError } from '../errors.js';
import { assertNonNegativeAmount, assertNonNegativeInteger } from '../amounts.js';
import type { ClusterVersion } from './cluster.js';

/** v2 ETH values are stored divided by 100,000 (`ETH_DEDUCTED_DIGITS`). */
export const ETH_PACKING_FACTOR = 100_000n;

/** Legacy SSV-token values are stored divided by 10,000,000 (`DEDUCTED_DIGITS`). */
export const SSV_PACKING_FACTOR = 10_000_000n;

/** vUnits of one 32 ETH validator. */
export const VUNITS_PER_VALIDATOR = 10_000;

/** Seconds per slot (and per block when no slot is missed). */
export const SECONDS_PER_BLOCK = 12;

/** 86,400 s / 12 s: the spec's and the SDK's blocks per day. */
export const BLOCKS_PER_DAY = 7_200;

const UINT64_MAX = 2n ** 64n - 1n;
const MIN_EFFECTIVE_BALANCE_ETH = 32;
const MAX_EFFECTIVE_BALANCE_ETH = 2_048;

/** The packing factor of a cluster's fee asset. */
export function packingFactor(asset: ClusterVersion): bigint {
  return asset === 'eth' ? ETH_PACKING_FACTOR : SSV_PACKING_FACTOR;
}

/**
 * Packs a fee or index value as the contract stores it. Throws `ERR_INVALID_INPUT` for a value
 * that is not an exact multiple of the factor (`MaxPrecisionExceeded` on chain) or exceeds uint64
 * once packed (`MaxValueExceeded`).
 */
export function packValue(value: bigint, asset: ClusterVersion, field = 'value'): bigint {
  assertNonNegativeAmount(value, field);
  const factor = packingFactor(asset);
  if (value % factor !== 0n) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      `${field} ${value.toString()} is not a multiple of ${factor.toString()} (the ${asset.toUpperCase()} packing factor).`,
      { details: { field, value: value.toString(), asset } },
    );
  }
  const packed = value / factor;
  if (packed > UINT64_MAX) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} exceeds the packed uint64 range.`, {
      details: { field, value: value.toString(), asset },
    });
  }
  return packed;
}

/** Parameters of {@link vUnitsOf}. */
export interface VUnitsOfParameters {
  validatorCount: number;
  /**
   * Whole-cluster effective balance in ETH after an oracle update; omit while implicit. Must lie
   * between 32 and 2,048 ETH per validator.
   */
  effectiveBalanceEth?: number;
}

/**
 * The cluster's vUnits: `validatorCount × 10,000` while implicit, or `ceil(EB × 10,000 / 32)` after
 * an effective-balance update (32 ETH → 10,000; 33 ETH → 10,313; 2,048 ETH → 640,000).
 */
export function vUnitsOf({ validatorCount, effectiveBalanceEth }: VUnitsOfParameters): number {
  assertNonNegativeInteger(validatorCount, 'validatorCount');
  if (effectiveBalanceEth === undefined) return validatorCount * VUNITS_PER_VALIDATOR;
  assertNonNegativeInteger(effectiveBalanceEth, 'effectiveBalanceEth');
  if (
    effectiveBalanceEth < validatorCount * MIN_EFFECTIVE_BALANCE_ETH ||
    effectiveBalanceEth > validatorCount * MAX_EFFECTIVE_BALANCE_ETH
  ) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      `Effective balance ${effectiveBalanceEth} ETH is outside 32–2048 ETH per validator for ${validatorCount} validators.`,
      { details: { effectiveBalanceEth, validatorCount } },
    );
  }
  return Math.ceil((effectiveBalanceEth * VUNITS_PER_VALIDATOR) / 32);
}

/** Converts a number of blocks into days of 7,200 blocks (12 s each). */
export function blocksToDays(blocks: bigint): number {
  return Number(blocks) / BLOCKS_PER_DAY;
}

/** Blocks in `days` (rounded up to a whole block); throws on a negative or non-finite value. */
export function daysToBlocks(days: number): bigint {
  if (!Number.isFinite(days) || days < 0) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      'A runway in days must be a finite non-negative number.',
      {
        details: { days: String(days) },
      },
    );
  }
  return BigInt(Math.ceil(days * BLOCKS_PER_DAY));
}
