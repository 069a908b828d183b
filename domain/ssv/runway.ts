/**
 * Fee, runway and funding math of SSV clusters (ssv-network-v2.md §9), for v2 ETH clusters and
 * legacy SSV-token clusters alike. Amounts are bigint wei (SSV wei for legacy clusters), fees are
 * unpacked "wei per block per 32-ETH unit" as the views return them, and time is an input in
 * blocks. Pure and ethers-free, so workflows may import it.
 *
 * One formula serves both ledgers: a legacy cluster weighs `validatorCount × 10,000` (it ignores
 * effective balance), which turns the vUnits formulas of §9.3–9.4 into the per-validator formulas
 * of §9.5.
 */
import { DvtError } from '../errors.js';
import { assertNonNegativeAmount, assertNonNegativeInteger } from '../amounts.js';
import type { Cluster, ClusterVersion } from './cluster.js';
import {
  SECONDS_PER_BLOCK,
  VUNITS_PER_VALIDATOR,
  blocksToDays,
  daysToBlocks,
  packValue,
  packingFactor,
} from './fees.js';

/** Fee parameters of one cluster, read on chain (§8 views). */
export interface FeeParameters {
  /** `eth` for a v2 cluster, `ssv` for a legacy SSV-token cluster. */
  asset: ClusterVersion;
  /** Each operator's fee in wei per block per 32-ETH unit (unpacked); 0 for a removed operator. */
  operatorFees: readonly bigint[];
  /** Network fee in wei per block per 32-ETH unit (unpacked). */
  networkFee: bigint;
  /** `getLiquidationThresholdPeriod()` in blocks (LTP). */
  liquidationThresholdPeriod: number;
  /** `getMinimumLiquidationCollateral()` in wei (SSV wei for legacy). */
  minimumLiquidationCollateral: bigint;
}

/** What a cluster weighs in fees. */
export interface ClusterLoad {
  validatorCount: number;
  /** Explicit vUnits (ETH clusters after an oracle update); defaults to `validatorCount × 10,000`. */
  vUnits?: number;
}

const VUNITS = BigInt(VUNITS_PER_VALIDATOR);

/** Σ packed operator fees + packed network fee: the per-unit burn in packed units per block. */
export function burnPackedPerBlock(fees: FeeParameters): bigint {
  assertFees(fees);
  return fees.operatorFees.reduce(
    (sum, fee, i) => sum + packValue(fee, fees.asset, `operatorFees[${i}]`),
    packValue(fees.networkFee, fees.asset, 'networkFee'),
  );
}

/**
 * Burn rate of the whole cluster in wei per block: `(Σ operator fee + network fee) × vUnits /
 * 10,000` (`getBurnRate`), or `(Σ fee + network fee) × validatorCount` for a legacy cluster.
 */
export function burnRatePerBlock(fees: FeeParameters, load: ClusterLoad): bigint {
  return (
    (burnPackedPerBlock(fees) * packingFactor(fees.asset) * weightOf(fees.asset, load)) / VUNITS
  );
}

/**
 * The balance below which a cluster with validators is liquidatable:
 * `max(minimumLiquidationCollateral, floor(LTP × burnPacked × vUnits / 10,000) × factor)` (§9.4,
 * §9.5). Zero for a cluster without validators, which is never liquidatable.
 */
export function liquidationThreshold(fees: FeeParameters, load: ClusterLoad): bigint {
  if (weightOf(fees.asset, load) === 0n) return 0n;
  const burnBased =
    ((BigInt(fees.liquidationThresholdPeriod) *
      burnPackedPerBlock(fees) *
      weightOf(fees.asset, load)) /
      VUNITS) *
    packingFactor(fees.asset);
  return burnBased > fees.minimumLiquidationCollateral
    ? burnBased
    : fees.minimumLiquidationCollateral;
}

/** Parameters of {@link isClusterLiquidatable}. */
export interface IsClusterLiquidatableParameters {
  /** Settled (live) balance, e.g. from `getBalance` or {@link settleCluster}. */
  balance: bigint;
  /** False once liquidated: the view answers false for an inactive cluster. */
  active: boolean;
  fees: FeeParameters;
  load: ClusterLoad;
}

/**
 * `isLiquidatable`: true iff the cluster is active, has validators, and its settled balance is
 * below {@link liquidationThreshold}.
 */
export function isClusterLiquidatable({
  balance,
  active,
  fees,
  load,
}: IsClusterLiquidatableParameters): boolean {
  assertNonNegativeAmount(balance, 'balance');
  if (!active || load.validatorCount === 0) return false;
  return balance < liquidationThreshold(fees, load);
}

/** Parameters of {@link projectIndex}. */
export interface ProjectIndexParameters {
  /** Packed index at `fromBlock` (an operator's or the network's). */
  index: bigint;
  fromBlock: number;
  toBlock: number;
  /** Unpacked fee in wei per block for that index. */
  fee: bigint;
  asset: ClusterVersion;
}

/** `index(toBlock) = index(fromBlock) + (toBlock − fromBlock) × feePacked` (§9.2). */
export function projectIndex({
  index,
  fromBlock,
  toBlock,
  fee,
  asset,
}: ProjectIndexParameters): bigint {
  assertNonNegativeAmount(index, 'index');
  assertNonNegativeInteger(fromBlock, 'fromBlock');
  assertNonNegativeInteger(toBlock, 'toBlock');
  if (toBlock < fromBlock) {
    throw new DvtError('ERR_INVALID_INPUT', 'Cannot project an index backwards in time.', {
      details: { fromBlock, toBlock },
    });
  }
  return index + BigInt(toBlock - fromBlock) * packValue(fee, asset, 'fee');
}

/** Parameters of {@link settleCluster}. */
export interface SettleClusterParameters {
  /** The struct of the latest event. */
  cluster: Cluster;
  asset: ClusterVersion;
  /** Σ of the cluster operators' current packed indices. */
  clusterIndexNow: bigint;
  /** Current packed network-fee index. */
  networkIndexNow: bigint;
  /** Explicit vUnits of an ETH cluster; defaults to `validatorCount × 10,000`. */
  vUnits?: number;
}

/**
 * Settles a cluster to "now" as the contract does (§9.3, §9.5) and returns the new struct; its
 * `balance` is what `getBalance` reports. An inactive cluster is returned unchanged (the contract
 * does not settle liquidated clusters).
 *
 * ETH: `opUnits = floor(Δindex × vUnits / 10,000)`, `netUnits = floor(ΔnetworkIndex × vUnits /
 * 10,000)`, usage = `(opUnits + netUnits) × 100,000`; balance = `max(0, balance − usage)`.
 */
export function settleCluster({
  cluster,
  asset,
  clusterIndexNow,
  networkIndexNow,
  vUnits,
}: SettleClusterParameters): Cluster {
  if (!cluster.active) return { ...cluster };
  if (clusterIndexNow < cluster.index || networkIndexNow < cluster.networkFeeIndex) {
    throw new DvtError('ERR_INVALID_INPUT', 'Current indices are below the cluster snapshot.', {
      details: {
        clusterIndexNow: clusterIndexNow.toString(),
        index: cluster.index.toString(),
        networkIndexNow: networkIndexNow.toString(),
        networkFeeIndex: cluster.networkFeeIndex.toString(),
      },
      hint: 'Pass indices read at or after the block of the cluster snapshot.',
    });
  }
  const load: ClusterLoad =
    vUnits === undefined
      ? { validatorCount: cluster.validatorCount }
      : { validatorCount: cluster.validatorCount, vUnits };
  const weight = weightOf(asset, load);
  const operatorUnits = ((clusterIndexNow - cluster.index) * weight) / VUNITS;
  const networkUnits = ((networkIndexNow - cluster.networkFeeIndex) * weight) / VUNITS;
  const usage = (operatorUnits + networkUnits) * packingFactor(asset);
  return {
    ...cluster,
    balance: cluster.balance > usage ? cluster.balance - usage : 0n,
    index: clusterIndexNow,
    networkFeeIndex: networkIndexNow,
  };
}

/** Parameters of {@link clusterRunway}. */
export interface ClusterRunwayParameters {
  /** Live balance (`getBalance`, or a settled struct's balance). */
  balance: bigint;
  fees: FeeParameters;
  load: ClusterLoad;
}

/** What {@link clusterRunway} returns. */
export interface ClusterRunwayReturnType {
  burnRatePerBlock: bigint;
  liquidationThreshold: bigint;
  /** Balance below the threshold now. */
  liquidatable: boolean;
  /**
   * Blocks the cluster stays at or above the threshold; it becomes liquidatable in the block
   * after. 0 when liquidatable now; null when nothing burns (no validators or zero fees).
   */
  runwayBlocks: bigint | null;
  /** `runwayBlocks / 7,200`, for display; null when nothing burns. */
  runwayDays: number | null;
}

/**
 * Runway (§9.8): `(balance − threshold) / burnRate` blocks, floored, and the same in days of 7,200
 * blocks.
 */
export function clusterRunway({
  balance,
  fees,
  load,
}: ClusterRunwayParameters): ClusterRunwayReturnType {
  assertNonNegativeAmount(balance, 'balance');
  const burn = burnRatePerBlock(fees, load);
  const threshold = liquidationThreshold(fees, load);
  const liquidatable = load.validatorCount > 0 && balance < threshold;
  if (burn === 0n) {
    return {
      burnRatePerBlock: burn,
      liquidationThreshold: threshold,
      liquidatable,
      runwayBlocks: null,
      runwayDays: null,
    };
  }
  const runwayBlocks = liquidatable ? 0n : (balance - threshold) / burn;
  return {
    burnRatePerBlock: burn,
    liquidationThreshold: threshold,
    liquidatable,
    runwayBlocks,
    runwayDays: blocksToDays(runwayBlocks),
  };
}

/**
 * The instant after which a top-up goes out even above the gas fee cap: when half of the runway
 * left at `nowMs` is gone. While the cluster is far from its liquidation threshold, waiting for
 * cheaper gas costs nothing; past the halfway point the risk of a liquidation (a third party takes
 * the collateral and the validators stop) outweighs any gas price. Null when nothing burns.
 */
export function topUpDeadlineMs(runwayBlocks: bigint | null, nowMs: number): number | null {
  if (runwayBlocks === null) return null;
  assertNonNegativeAmount(runwayBlocks, 'runwayBlocks');
  const halfMs = (runwayBlocks * BigInt(SECONDS_PER_BLOCK) * 1_000n) / 2n;
  const capped =
    halfMs > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(halfMs);
  return Math.min(Number.MAX_SAFE_INTEGER, nowMs + capped);
}

/** Parameters of {@link topUpForRunway}. */
export interface TopUpForRunwayParameters {
  /** Live balance now (0 for a new cluster). */
  balance: bigint;
  fees: FeeParameters;
  load: ClusterLoad;
  /** Days of runway above the liquidation threshold wanted after the top-up. */
  targetRunwayDays: number;
}

/** What {@link topUpForRunway} returns. */
export interface TopUpForRunwayReturnType {
  /** Wei to deposit; 0 when the balance already covers the target. */
  amount: bigint;
  /** `targetBlocks × burnRate + threshold`: the balance the target needs. */
  requiredBalance: bigint;
  targetBlocks: bigint;
  burnRatePerBlock: bigint;
  liquidationThreshold: bigint;
}

/**
 * The deposit that gives `targetRunwayDays` of runway (§9.8, the SDK's `calcDepositFromRunway`):
 * `days × 7,200 × burnRate + max(minCollateral, LTP-based threshold) − balance`, floored at 0.
 */
export function topUpForRunway({
  balance,
  fees,
  load,
  targetRunwayDays,
}: TopUpForRunwayParameters): TopUpForRunwayReturnType {
  assertNonNegativeAmount(balance, 'balance');
  const targetBlocks = daysToBlocks(targetRunwayDays);
  const burn = burnRatePerBlock(fees, load);
  const threshold = liquidationThreshold(fees, load);
  const requiredBalance = targetBlocks * burn + threshold;
  return {
    amount: requiredBalance > balance ? requiredBalance - balance : 0n,
    requiredBalance,
    targetBlocks,
    burnRatePerBlock: burn,
    liquidationThreshold: threshold,
  };
}

/** Parameters of {@link registrationDeposit}. */
export interface RegistrationDepositParameters {
  /** Live balance of the cluster (0 for a new cluster). */
  balance: bigint;
  /** Validators in the cluster before the registration. */
  validatorCount: number;
  /** Explicit vUnits before the registration, if the oracle ever set them. */
  vUnits?: number;
  /** Validators this registration adds (≥ 1). */
  newValidators: number;
  fees: FeeParameters;
  targetRunwayDays: number;
}

/** What {@link registrationDeposit} returns. */
export interface RegistrationDepositReturnType extends TopUpForRunwayReturnType {
  /** The cluster's load after the registration. */
  loadAfter: { validatorCount: number; vUnits: number };
}

/**
 * The `msg.value` for registering `newValidators` into a cluster so that the registration's
 * liquidation check (§4.2 step 9) passes and the cluster keeps `targetRunwayDays` of runway at
 * the new burn rate. Each new validator adds 10,000 vUnits, as the contract does. Simulate before
 * sending: fees can change between blocks.
 */
export function registrationDeposit({
  balance,
  validatorCount,
  vUnits,
  newValidators,
  fees,
  targetRunwayDays,
}: RegistrationDepositParameters): RegistrationDepositReturnType {
  assertNonNegativeInteger(validatorCount, 'validatorCount');
  assertNonNegativeInteger(newValidators, 'newValidators');
  if (newValidators === 0) {
    throw new DvtError('ERR_INVALID_INPUT', 'A registration adds at least one validator.');
  }
  const loadAfter = {
    validatorCount: validatorCount + newValidators,
    vUnits:
      (vUnits ?? validatorCount * VUNITS_PER_VALIDATOR) + newValidators * VUNITS_PER_VALIDATOR,
  };
  return { ...topUpForRunway({ balance, fees, load: loadAfter, targetRunwayDays }), loadAfter };
}

function weightOf(asset: ClusterVersion, load: ClusterLoad): bigint {
  assertNonNegativeInteger(load.validatorCount, 'validatorCount');
  if (asset === 'ssv' || load.vUnits === undefined) {
    return BigInt(load.validatorCount) * VUNITS;
  }
  assertNonNegativeInteger(load.vUnits, 'vUnits');
  return BigInt(load.vUnits);
}

function assertFees(fees: FeeParameters): void {
  assertNonNegativeInteger(fees.liquidationThresholdPeriod, 'liquidationThresholdPeriod');
  assertNonNegativeAmount(fees.minimumLiquidationCollateral, 'minimumLiquidationCollateral');
}
