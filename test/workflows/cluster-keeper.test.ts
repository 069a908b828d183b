import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type {
  ClusterState,
  FeeParametersJson,
  FundClusterInput,
  TopUpClusterInput,
  WithdrawClusterInput,
} from '../../activities/router/monitor-contract.js';
import { ETHER } from '../../domain/amounts.js';
import { topUpForRunway, type FeeParameters } from '../../domain/ssv/runway.js';
import { BLOCKS_PER_DAY } from '../../domain/ssv/fees.js';
import {
  clusterKeeperStatus,
  wakeClusterKeeper,
  workflowIds,
} from '../../workflows/definitions.js';
import { clusterKeeper, type ClusterKeeperSettings } from '../../workflows/cluster-keeper.js';
import { createTimeSkippingEnv, allSettled } from '../helpers/temporal.js';
import {
  bundleMonitorWorkflows,
  minedTx,
  stubActivities,
  withWorker,
} from '../fixtures/monitor-world.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let owners = 0;

beforeAll(async () => {
  [env, bundle] = await allSettled([createTimeSkippingEnv(), bundleMonitorWorkflows()]);
});

afterAll(async () => {
  await env?.teardown();
});

// ssv-network-v2.md §9.7: four operators at 1.77 gwei and the mainnet network fee.
const ethFees: FeeParametersJson = {
  asset: 'eth',
  operatorFees: ['1770000000', '1770000000', '1770000000', '1770000000'],
  networkFee: '3366600000',
  liquidationThresholdPeriod: 42_960,
  minimumLiquidationCollateral: '324862599900000',
};
const ssvFees: FeeParametersJson = { ...ethFees, asset: 'ssv' };
const feeParams = (json: FeeParametersJson): FeeParameters => ({
  asset: json.asset,
  operatorFees: json.operatorFees.map(BigInt),
  networkFee: BigInt(json.networkFee),
  liquidationThresholdPeriod: json.liquidationThresholdPeriod,
  minimumLiquidationCollateral: BigInt(json.minimumLiquidationCollateral),
});
/** Burn of one validator per block (§9.7). */
const BURN = 10_446_600_000n;
const THRESHOLD_1 = 448_785_936_000_000n;

const settings: ClusterKeeperSettings = {
  checkIntervalMs: DAY_MS,
  minRunwayDays: 10,
  targetRunwayDays: 30,
  withdrawWhenEmpty: true,
  roundsPerRun: 1000,
};

interface Cluster {
  asset: 'eth' | 'ssv';
  balance: bigint;
  validatorCount: number;
  liquidated: boolean;
}

/** An in-memory SSV cluster; writes apply their effect like the contract. */
function makeClusterWorld(cluster: Cluster) {
  const calls = {
    reads: 0,
    topUp: [] as TopUpClusterInput[],
    reactivate: [] as FundClusterInput[],
    migrate: [] as FundClusterInput[],
    withdraw: [] as WithdrawClusterInput[],
  };
  let block = 1000;
  const activities = stubActivities({
    readClusterState: ({ owner, operatorIds }) => {
      calls.reads++;
      block += 10;
      const state: ClusterState = {
        clusterId: `${owner}-${operatorIds.join('-')}`,
        exists: true,
        struct: {
          validatorCount: cluster.validatorCount,
          networkFeeIndex: '0',
          index: '0',
          active: !cluster.liquidated,
          balance: cluster.balance.toString(),
        },
        asset: cluster.asset,
        balance: cluster.balance.toString(),
        validatorCount: cluster.validatorCount,
        liquidated: cluster.liquidated,
        fees: cluster.asset === 'eth' ? ethFees : ssvFees,
        ethFees,
        burnRatePerBlock: (BURN * BigInt(cluster.validatorCount)).toString(),
        blockNumber: block,
      };
      return Promise.resolve(state);
    },
    topUpCluster: (input) => {
      calls.topUp.push(input);
      if (cluster.balance >= BigInt(input.skipIfBalanceAtLeast)) {
        return Promise.resolve({ action: 'skipped' as const, reason: 'balance already enough' });
      }
      cluster.balance += BigInt(input.amount);
      return Promise.resolve({
        action: 'sent' as const,
        tx: minedTx('ssv.deposit', input.idempotencyKey, calls.topUp.length),
      });
    },
    reactivateCluster: (input) => {
      calls.reactivate.push(input);
      cluster.liquidated = false;
      cluster.balance += BigInt(input.amount);
      return Promise.resolve({
        action: 'sent' as const,
        tx: minedTx('ssv.reactivate', input.idempotencyKey, 1),
      });
    },
    migrateClusterToEth: (input) => {
      calls.migrate.push(input);
      cluster.asset = 'eth';
      cluster.liquidated = false;
      cluster.balance = BigInt(input.amount);
      return Promise.resolve({
        action: 'sent' as const,
        tx: minedTx('ssv.migrate', input.idempotencyKey, 1),
      });
    },
    withdrawClusterBalance: (input) => {
      calls.withdraw.push(input);
      cluster.balance -= BigInt(input.amount);
      return Promise.resolve({
        action: 'sent' as const,
        tx: minedTx('ssv.withdraw', input.idempotencyKey, 1),
      });
    },
  });
  return { cluster, calls, activities };
}

/** Runs a keeper for `forMs` of workflow time and returns its status. */
async function runKeeper(
  world: ReturnType<typeof makeClusterWorld>,
  forMs: number,
  during?: (workflowId: string) => Promise<void>,
) {
  const owner = `0x${(++owners).toString(16).padStart(40, '0')}`;
  const operatorIds = [4, 1, 3, 2];
  const workflowId = `${workflowIds.cluster(owner, operatorIds)}/${owners}`;
  return withWorker(env, bundle, world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start(clusterKeeper, {
      args: [{ owner, operatorIds, settings }],
      taskQueue,
      workflowId,
    });
    if (during) await during(workflowId);
    else await env.sleep(forMs);
    const status = await handle.query(clusterKeeperStatus);
    await handle.terminate('test done');
    return status;
  });
}

/** Balance with `days` of runway for one validator. */
const balanceForDays = (days: number): bigint => THRESHOLD_1 + BURN * BigInt(days * BLOCKS_PER_DAY);

describe('clusterKeeper', () => {
  it('tops up to the target runway below the minimum, once, and not again while above it', async () => {
    const world = makeClusterWorld({
      asset: 'eth',
      balance: balanceForDays(5),
      validatorCount: 1,
      liquidated: false,
    });
    const expected = topUpForRunway({
      balance: balanceForDays(5),
      fees: feeParams(ethFees),
      load: { validatorCount: 1 },
      targetRunwayDays: 30,
    }).amount;
    const startedAt = await env.currentTimeMs();
    const status = await runKeeper(world, 3 * DAY_MS + HOUR_MS);

    expect(world.calls.reads).toBeGreaterThanOrEqual(4);
    expect(world.calls.topUp).toHaveLength(1);
    // Time-critical once half of the 5 days of runway it found is gone.
    const deadline = world.calls.topUp[0]?.deadlineMs ?? 0;
    expect(deadline - startedAt).toBeGreaterThanOrEqual(2.5 * DAY_MS);
    expect(deadline - startedAt).toBeLessThan(2.5 * DAY_MS + HOUR_MS);
    expect(world.calls.topUp[0]?.amount).toBe(expected.toString());
    expect(world.calls.topUp[0]?.operatorIds).toEqual([1, 2, 3, 4]);
    expect(world.calls.topUp[0]?.idempotencyKey).toMatch(/\/topup\/\d+$/);
    expect(world.cluster.balance).toBe(balanceForDays(30));
    expect(status.runwayDays).toBe(30);
  });

  it('does not top up a cluster whose runway is above the minimum', async () => {
    const world = makeClusterWorld({
      asset: 'eth',
      balance: balanceForDays(12),
      validatorCount: 1,
      liquidated: false,
    });
    const status = await runKeeper(world, 2 * DAY_MS + HOUR_MS);

    expect(world.calls.reads).toBeGreaterThanOrEqual(3);
    expect(world.calls.topUp).toEqual([]);
    expect(status.runwayDays).toBe(12);
  });

  it('reactivates a liquidated cluster that has validators with ETH for the target runway', async () => {
    const world = makeClusterWorld({
      asset: 'eth',
      balance: 0n,
      validatorCount: 2,
      liquidated: true,
    });
    const startedAt = await env.currentTimeMs();
    const status = await runKeeper(world, 2 * DAY_MS + HOUR_MS);

    expect(world.calls.reactivate).toHaveLength(1);
    // Its validators are stopped: the reactivation may go above the gas fee cap at once.
    const deadline = world.calls.reactivate[0]?.deadlineMs ?? -1;
    expect(deadline).toBeGreaterThanOrEqual(startedAt);
    expect(deadline - startedAt).toBeLessThan(HOUR_MS);
    expect(world.calls.reactivate[0]?.amount).toBe(
      topUpForRunway({
        balance: 0n,
        fees: feeParams(ethFees),
        load: { validatorCount: 2 },
        targetRunwayDays: 30,
      }).amount.toString(),
    );
    expect(world.calls.topUp).toEqual([]);
    expect(status.liquidated).toBe(false);
    expect(status.lastAction).toMatch(/^reactivate \d+ wei in 0x/);
  });

  it('migrates a legacy SSV cluster to ETH once', async () => {
    const world = makeClusterWorld({
      asset: 'ssv',
      balance: 5n * ETHER,
      validatorCount: 1,
      liquidated: false,
    });
    const status = await runKeeper(world, 2 * DAY_MS + HOUR_MS);

    expect(world.calls.migrate).toHaveLength(1);
    expect(world.calls.migrate[0]?.amount).toBe(
      topUpForRunway({
        balance: 0n,
        fees: feeParams(ethFees),
        load: { validatorCount: 1 },
        targetRunwayDays: 30,
      }).amount.toString(),
    );
    // Not liquidated: the migration waits for gas under the cap like any other write.
    expect(world.calls.migrate[0]?.deadlineMs).toBeUndefined();
    expect(status.asset).toBe('eth');
    expect(world.calls.topUp).toEqual([]);
  });

  it('withdraws the balance of a cluster without validators', async () => {
    const world = makeClusterWorld({
      asset: 'eth',
      balance: ETHER / 100n,
      validatorCount: 0,
      liquidated: false,
    });
    const status = await runKeeper(world, 2 * DAY_MS + HOUR_MS);

    expect(world.calls.withdraw).toHaveLength(1);
    expect(world.calls.withdraw[0]?.amount).toBe((ETHER / 100n).toString());
    expect(world.cluster.balance).toBe(0n);
    expect(status.balance).toBe('0');
  });

  it('checks again at once when woken by wakeClusterKeeper, before its timer', async () => {
    const world = makeClusterWorld({
      asset: 'eth',
      balance: balanceForDays(20),
      validatorCount: 1,
      liquidated: false,
    });
    const status = await runKeeper(world, 0, async (workflowId) => {
      await env.sleep(HOUR_MS);
      expect(world.calls.reads).toBe(1);
      // A lifecycle added a validator: the runway halves.
      world.cluster.validatorCount = 2;
      await env.client.workflow.getHandle(workflowId).signal(wakeClusterKeeper);
      await env.sleep(HOUR_MS);
    });

    expect(world.calls.reads).toBe(2);
    expect(status.rounds).toBe(2);
    expect(world.calls.topUp).toHaveLength(1);
  });
});
