import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type {
  ChainKey,
  ClaimedIndex,
  MonitorActivities,
  StartLifecycleResult,
  StartLifecyclesInput,
} from '../../activities/router/monitor-contract.js';
import { ETHER } from '../../domain/amounts.js';
import { workflowIds } from '../../workflows/definitions.js';
import type { PoolMonitorInput } from '../../workflows/pool-monitor.js';
import { poolMonitor } from '../../workflows/pool-monitor.js';
import { createTimeSkippingEnv, allSettled } from '../helpers/temporal.js';
import { bundleMonitorWorkflows, stubActivities, withWorker } from '../fixtures/monitor-world.js';

const POOL = '0x00000000000000000000000000000000000000AA';
const OWNER = '0x00000000000000000000000000000000000000bb';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await allSettled([createTimeSkippingEnv(), bundleMonitorWorkflows()]);
});

afterAll(async () => {
  await env?.teardown();
});

/** An in-memory pool and Temporal namespace: keys on chain, lifecycles by deterministic ID. */
function makePoolWorld(opts: { balanceEth: bigint; reserveEth: bigint }) {
  const chain = new Map<number, ChainKey>();
  const lifecycles = new Map<number, ClaimedIndex>();
  /** Every successful start, in order (a duplicate start would appear twice). */
  const starts: string[] = [];
  const startCalls: StartLifecyclesInput[] = [];
  let beforeStart: (call: number, input: StartLifecyclesInput) => void = () => undefined;

  const activities: MonitorActivities = stubActivities({
    readPoolState: ({ scanFromIndex, gapLimit, maxScan }) => {
      const usedIndices: number[] = [];
      const statusesByIndex: Record<string, ChainKey> = {};
      let index = scanFromIndex;
      let gap = 0;
      let scanned = 0;
      while (gap < gapLimit && scanned < maxScan) {
        const key = chain.get(index);
        if (key) {
          usedIndices.push(index);
          statusesByIndex[String(index)] = key;
          gap = 0;
        } else gap++;
        index++;
        scanned++;
      }
      return Promise.resolve({
        balance: {
          balanceWei: (opts.balanceEth * ETHER).toString(),
          reserveWei: (opts.reserveEth * ETHER).toString(),
          usableWei: ((opts.balanceEth - opts.reserveEth) * ETHER).toString(),
        },
        depositEnabled: true,
        pubkeyLimit: 100,
        pubkeyCount: chain.size,
        usedIndices,
        statusesByIndex,
        scannedToIndex: index,
        truncated: gap < gapLimit,
        blockNumber: 1000,
      });
    },
    readSsvPathStatus: () => Promise.resolve({ healthy: true }),
    findClaimedIndices: ({ keyIndices, probeGapLimit }) => {
      const found = keyIndices.flatMap((i) => lifecycles.get(i) ?? []);
      let index = keyIndices.length === 0 ? 0 : Math.max(...keyIndices) + 1;
      for (let misses = 0; misses < probeGapLimit; index++) {
        const claimed = lifecycles.get(index);
        if (claimed) {
          found.push(claimed);
          misses = 0;
        } else misses++;
      }
      return Promise.resolve(found);
    },
    startLifecycles: (input) => {
      startCalls.push(input);
      const results: StartLifecycleResult[] = [];
      for (const keyIndex of input.keyIndices) {
        beforeStart(startCalls.length, input);
        const workflowId = workflowIds.validator(input.pool, keyIndex);
        const existing = lifecycles.get(keyIndex);
        if (existing) {
          results.push({
            keyIndex,
            workflowId,
            outcome: existing.state === 'running' ? 'already-running' : 'already-closed',
          });
          continue;
        }
        lifecycles.set(keyIndex, { keyIndex, workflowId, state: 'running' });
        starts.push(workflowId);
        results.push({ keyIndex, workflowId, outcome: 'started' });
      }
      return Promise.resolve(results);
    },
  });
  return {
    chain,
    lifecycles,
    starts,
    startCalls,
    activities,
    failBeforeStart(fn: (call: number, input: StartLifecyclesInput) => void) {
      beforeStart = fn;
    },
  };
}

const settings: PoolMonitorInput['settings'] = {
  maxBatchSize: 16,
  gasLimit: 3_000_000,
  scanGapLimit: 20,
  scanPageSize: 50,
  maxScanPages: 10,
  adoptOrphans: true,
};
const input: PoolMonitorInput = {
  pool: POOL,
  owner: OWNER,
  settings,
  lifecycleSettings: { opaque: true },
};
const idsOf = (indices: number[]): string[] => indices.map((i) => workflowIds.validator(POOL, i));

function runMonitor(taskQueue: string) {
  return env.client.workflow.execute(poolMonitor, {
    args: [input],
    taskQueue,
    workflowId: `${workflowIds.poolMonitor(POOL)}-${randomUUID()}`,
  });
}

describe('poolMonitor', () => {
  it('starts six lifecycles with deterministic IDs for 200 ETH usable after the reserve', async () => {
    const world = makePoolWorld({ balanceEth: 220n, reserveEth: 20n });
    const summary = await withWorker(env, bundle, world.activities, runMonitor);

    expect(summary.newIndices).toEqual([0, 1, 2, 3, 4, 5]);
    expect(summary.started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(world.starts).toEqual(idsOf([0, 1, 2, 3, 4, 5]));
    expect(world.startCalls).toEqual([
      { pool: POOL, owner: OWNER, keyIndices: [0, 1, 2, 3, 4, 5], settings: { opaque: true } },
    ]);
    expect(summary.usable).toBe((200n * ETHER).toString());
    expect(summary.reasons).toContain('New validators use key indices 0, 1, 2, 3, 4, 5.');
    expect(summary.phase).toBe('done');
  });

  it('creates no duplicate and skips no index when the start activity fails and is retried', async () => {
    const world = makePoolWorld({ balanceEth: 220n, reserveEth: 20n });
    // First attempt: three lifecycles start, then the worker "crashes" (a retryable failure).
    world.failBeforeStart((call) => {
      if (call === 1 && world.lifecycles.size === 3) {
        throw ApplicationFailure.retryable('worker lost mid-start', 'ERR_UPSTREAM_UNAVAILABLE');
      }
    });
    const summary = await withWorker(env, bundle, world.activities, runMonitor);

    expect(world.startCalls).toHaveLength(2);
    expect(world.starts).toEqual(idsOf([0, 1, 2, 3, 4, 5]));
    expect(summary.started).toEqual([3, 4, 5]);
    expect(summary.alreadyRunning).toEqual([0, 1, 2]);
  });

  it('lets the next run finish a run that failed between reading and starting, exactly once per index', async () => {
    const world = makePoolWorld({ balanceEth: 220n, reserveEth: 20n });
    world.failBeforeStart((call) => {
      if (call === 1 && world.lifecycles.size === 3) {
        throw ApplicationFailure.nonRetryable('worker lost mid-start', 'ERR_CONFIG');
      }
    });
    const second = await withWorker(env, bundle, world.activities, async (taskQueue) => {
      await expect(runMonitor(taskQueue)).rejects.toBeInstanceOf(WorkflowFailedError);
      expect(world.starts).toEqual(idsOf([0, 1, 2]));
      // The next Schedule tick: a new run reads everything again.
      return runMonitor(taskQueue);
    });

    expect(world.starts).toEqual(idsOf([0, 1, 2, 3, 4, 5]));
    expect(new Set(world.starts).size).toBe(world.starts.length);
    expect(second.inFlight).toEqual([0, 1, 2]);
    expect(second.newIndices).toEqual([3, 4, 5]);
    expect(second.started).toEqual([3, 4, 5]);
  });

  it('adopts indices used on chain without a lifecycle and hands out indices after every used one', async () => {
    const world = makePoolWorld({ balanceEth: 150n, reserveEth: 20n });
    world.chain.set(0, { keyIndex: 0, pubkey: '0xa0', status: 'staking', onboarded: true });
    world.chain.set(1, { keyIndex: 1, pubkey: '0xa1', status: 'match', onboarded: true });
    world.lifecycles.set(2, {
      keyIndex: 2,
      workflowId: workflowIds.validator(POOL, 2),
      state: 'running',
    });
    const summary = await withWorker(env, bundle, world.activities, runMonitor);

    // 130 usable − 31 (stake key 1) − 32 (key 2 in flight) = 67: two new validators.
    expect(summary.adopted).toEqual([0, 1]);
    expect(summary.stakeIndices).toEqual([1]);
    expect(summary.inFlight).toEqual([2]);
    expect(summary.newIndices).toEqual([3, 4]);
    expect(world.starts).toEqual(idsOf([0, 1, 3, 4]));
  });

  it('plans with the configured deposit and stake amounts (2 + 30 ETH reserve 30 per deposited key)', async () => {
    const deposited = (world: ReturnType<typeof makePoolWorld>): void => {
      for (const keyIndex of [0, 1]) {
        world.chain.set(keyIndex, {
          keyIndex,
          pubkey: `0xa${keyIndex}`,
          status: 'initial',
          onboarded: false,
        });
        world.lifecycles.set(keyIndex, {
          keyIndex,
          workflowId: workflowIds.validator(POOL, keyIndex),
          state: 'running',
        });
      }
    };
    // 93 usable: two keys await their stakes. At 1 + 31 ETH they hold 62 and 31 is left (no new
    // validator); at 2 + 30 ETH they hold 60 and 33 is left (one).
    const standard = makePoolWorld({ balanceEth: 113n, reserveEth: 20n });
    deposited(standard);
    expect((await withWorker(env, bundle, standard.activities, runMonitor)).newIndices).toEqual([]);

    const custom = makePoolWorld({ balanceEth: 113n, reserveEth: 20n });
    deposited(custom);
    const summary = await withWorker(env, bundle, custom.activities, (taskQueue) =>
      env.client.workflow.execute(poolMonitor, {
        args: [
          {
            ...input,
            settings: {
              ...settings,
              depositAmount: (2n * ETHER).toString(),
              stakeAmount: (30n * ETHER).toString(),
            },
          },
        ],
        taskQueue,
        workflowId: `${workflowIds.poolMonitor(POOL)}-${randomUUID()}`,
      }),
    );
    expect(summary.newIndices).toEqual([2]);
  });

  it('never hands out an index of a closed lifecycle that never deposited', async () => {
    const world = makePoolWorld({ balanceEth: 84n, reserveEth: 20n });
    world.lifecycles.set(0, {
      keyIndex: 0,
      workflowId: workflowIds.validator(POOL, 0),
      state: 'failed',
    });
    const summary = await withWorker(env, bundle, world.activities, runMonitor);

    expect(summary.abandoned).toEqual([0]);
    expect(summary.newIndices).toEqual([1, 2]);
    expect(world.starts).toEqual(idsOf([1, 2]));
  });
});
