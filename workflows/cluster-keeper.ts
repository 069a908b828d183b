/**
 * clusterKeeper — one per SSV cluster (`cluster/<owner>/<id-id-id-id>`). Each round:
 *
 * 1. read the cluster (struct, live balance, fees, liquidation parameters, ledger);
 * 2. act, at most one write per round, in this order:
 *    legacy SSV-token cluster → `migrateClusterToETH` with ETH for the target runway (this also
 *    reactivates a liquidated legacy cluster); liquidated with validators → `reactivate` with ETH
 *    for the target runway; no validators and a balance → withdraw it; runway below the minimum →
 *    top up to the target (`topUpForRunway`);
 * 3. sleep until the next check, or until `wakeClusterKeeper` (a lifecycle added or removed a
 *    validator), then repeat; continue-as-new after a bounded number of rounds.
 *
 * Every write carries the idempotency key `<workflowId>/<action>/<block of the read>` and a
 * pre-check in its activity, so a retry or a replay never sends a second transaction. Writes that
 * protect running validators are time-critical and carry a gas deadline: a reactivation (or the
 * migration of a liquidated legacy cluster) goes out at any gas price; a top-up waits for gas under
 * the fee cap until half of the runway it found is gone (`topUpDeadlineMs`). A failed
 * round is recorded in `status` and retried next round: the keeper never dies.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  ClusterState,
  FeeParametersJson,
  MonitorActivities,
  WriteResult,
} from '../activities/router/monitor-contract.js';
import { parseAmount } from '../domain/amounts.js';
import { deadlineField } from '../domain/tx/fee-policy.js';
import {
  clusterRunway,
  topUpDeadlineMs,
  topUpForRunway,
  type ClusterLoad,
  type FeeParameters,
} from '../domain/ssv/runway.js';
import { CHAIN_WRITE, READ, summarized } from './activity-presets.js';
import { clusterKeeperStatus, wakeClusterKeeper, type ClusterKeeperStatus } from './definitions.js';

/** How a keeper funds its cluster. */
export interface ClusterKeeperSettings {
  /** Time between checks when nothing wakes the keeper. */
  checkIntervalMs: number;
  /** Top up when the runway falls below this many days. */
  minRunwayDays: number;
  /** … to this many days (also the funding of reactivation and migration). */
  targetRunwayDays: number;
  /** Withdraw the balance of a cluster that has no validators. */
  withdrawWhenEmpty: boolean;
  /** Rounds per run before continue-as-new. */
  roundsPerRun: number;
}

/** Input of {@link clusterKeeper}. */
export interface ClusterKeeperInput {
  owner: string;
  operatorIds: number[];
  settings: ClusterKeeperSettings;
  /** Carried across continue-as-new. */
  carried?: { rounds: number; lastAction: string | null };
}

const read = proxyActivities<MonitorActivities>(READ);
const write = proxyActivities<MonitorActivities>(CHAIN_WRITE);

/** Keeps one cluster funded, active, on the ETH ledger, and empty clusters withdrawn. */
export async function clusterKeeper(input: ClusterKeeperInput): Promise<never> {
  const { owner, settings } = input;
  const operatorIds = [...input.operatorIds].sort((a, b) => a - b);
  const workflowId = workflowInfo().workflowId;
  const status: ClusterKeeperStatus = {
    clusterId: `${owner.toLowerCase()}-${operatorIds.join('-')}`,
    rounds: input.carried?.rounds ?? 0,
    asset: null,
    validatorCount: null,
    liquidated: null,
    balance: null,
    runwayDays: null,
    lastAction: input.carried?.lastAction ?? null,
    lastError: null,
    lastCheckedAt: null,
  };
  let woken = false;
  setHandler(wakeClusterKeeper, () => {
    woken = true;
  });
  setHandler(clusterKeeperStatus, () => status);

  for (let round = 0; round < settings.roundsPerRun; round++) {
    woken = false;
    try {
      const state = await summarized(read.readClusterState, 'read the cluster', {
        owner,
        operatorIds,
      });
      status.lastCheckedAt = Date.now();
      status.asset = state.asset;
      status.validatorCount = state.validatorCount;
      status.liquidated = state.liquidated;
      status.balance = state.balance;
      status.clusterId = state.clusterId;
      const action = await keep(state, (name) => `${workflowId}/${name}/${state.blockNumber}`);
      if (action) status.lastAction = action;
      status.lastError = null;
    } catch (error) {
      status.lastError = describe(error);
      log.warn('cluster keeper round failed; retrying next round', {
        cluster: status.clusterId,
        error: status.lastError,
      });
    }
    status.rounds++;
    await condition(() => woken, settings.checkIntervalMs);
  }
  return continueAsNew<typeof clusterKeeper>({
    ...input,
    carried: { rounds: status.rounds, lastAction: status.lastAction },
  });

  /**
   * The deadline field of a time-critical write: after it the transaction goes out above the gas
   * fee cap. Histories from before deadlines existed replay without it.
   */
  function deadline(deadlineMs: number | null): { deadlineMs?: number } {
    return deadlineMs !== null && patched('keeper-fee-deadlines') ? deadlineField(deadlineMs) : {};
  }

  /** One decision; returns what was done, or null when nothing was needed. */
  async function keep(
    state: ClusterState,
    key: (action: string) => string,
  ): Promise<string | null> {
    const ref = { owner, operatorIds };
    const balance = parseAmount(state.balance, 'balance');
    const load: ClusterLoad =
      state.vUnits === undefined
        ? { validatorCount: state.validatorCount }
        : { validatorCount: state.validatorCount, vUnits: state.vUnits };
    status.runwayDays = null;
    if (!state.exists) return null;

    if (state.asset === 'ssv') {
      // ETH for the target runway on the ETH ledger; the SSV balance is refunded by the contract.
      const ethLoad = { validatorCount: Math.max(1, state.validatorCount) };
      const { amount } = topUpForRunway({
        balance: 0n,
        fees: feesOf(state.ethFees),
        load: ethLoad,
        targetRunwayDays: settings.targetRunwayDays,
      });
      const result = await summarized(
        write.migrateClusterToEth,
        `migrate to ETH with ${amount} wei`,
        {
          ...ref,
          amount: amount.toString(),
          idempotencyKey: key('migrate'),
          // A liquidated legacy cluster has stopped validators: migrating reactivates it.
          ...deadline(state.liquidated ? Date.now() : null),
        },
      );
      return outcome('migrate to ETH', amount, result);
    }

    if (state.liquidated) {
      if (state.validatorCount === 0) return null;
      const { amount } = topUpForRunway({
        balance,
        fees: feesOf(state.ethFees),
        load,
        targetRunwayDays: settings.targetRunwayDays,
      });
      const result = await summarized(write.reactivateCluster, `reactivate with ${amount} wei`, {
        ...ref,
        amount: amount.toString(),
        idempotencyKey: key('reactivate'),
        // Its validators are stopped: reactivate at any gas price.
        ...deadline(Date.now()),
      });
      return outcome('reactivate', amount, result);
    }

    if (state.validatorCount === 0) {
      if (!settings.withdrawWhenEmpty || balance === 0n) return null;
      const result = await summarized(
        write.withdrawClusterBalance,
        `withdraw ${state.balance} wei`,
        {
          ...ref,
          amount: state.balance,
          idempotencyKey: key('withdraw'),
        },
      );
      return outcome('withdraw', balance, result);
    }

    const fees = feesOf(state.fees);
    const runway = clusterRunway({ balance, fees, load });
    status.runwayDays = runway.runwayDays;
    if (runway.runwayDays === null || runway.runwayDays >= settings.minRunwayDays) return null;
    const target = topUpForRunway({
      balance,
      fees,
      load,
      targetRunwayDays: settings.targetRunwayDays,
    });
    if (target.amount === 0n) return null;
    // Skip when the balance no longer needs a top-up (an earlier attempt was mined).
    const floor = topUpForRunway({ balance, fees, load, targetRunwayDays: settings.minRunwayDays });
    const result = await summarized(write.topUpCluster, `top up ${target.amount} wei`, {
      ...ref,
      amount: target.amount.toString(),
      skipIfBalanceAtLeast: floor.requiredBalance.toString(),
      idempotencyKey: key('topup'),
      ...deadline(topUpDeadlineMs(runway.runwayBlocks, Date.now())),
    });
    return outcome('top up', target.amount, result);
  }
}

function outcome(action: string, amount: bigint, result: WriteResult): string {
  if (result.action === 'skipped') return `${action} skipped: ${result.reason}`;
  const tx = result.tx;
  if (tx.status === 'failed') {
    throw ApplicationFailure.create({
      type: tx.code,
      message: `${action} of ${amount.toString()} wei failed: ${tx.message}`,
      nonRetryable: !tx.retryable,
    });
  }
  if (tx.status === 'reverted') {
    throw ApplicationFailure.create({
      type: 'ERR_TX_REVERTED',
      message: `${action} of ${amount.toString()} wei reverted in ${tx.hash}: ${tx.revert?.summary ?? 'no reason'}`,
      nonRetryable: true,
    });
  }
  return `${action} ${amount.toString()} wei in ${tx.hash}`;
}

function feesOf(json: FeeParametersJson): FeeParameters {
  return {
    asset: json.asset,
    operatorFees: json.operatorFees.map((fee, i) => parseAmount(fee, `operatorFees[${i}]`)),
    networkFee: parseAmount(json.networkFee, 'networkFee'),
    liquidationThresholdPeriod: json.liquidationThresholdPeriod,
    minimumLiquidationCollateral: parseAmount(
      json.minimumLiquidationCollateral,
      'minimumLiquidationCollateral',
    ),
  };
}

function describe(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  const type = cause instanceof ApplicationFailure && cause.type ? `${cause.type}: ` : '';
  return `${type}${cause instanceof Error ? cause.message : String(cause)}`;
}
