import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { PoolExitRequests } from '../../activities/pool/pool-adapter.js';
import type {
  RequestLifecycleExitInput,
  ResolveValidatorsInput,
  ResolvedValidator,
} from '../../activities/router/monitor-contract.js';
import { ejectorStatus, workflowIds } from '../../workflows/definitions.js';
import { ejector, type EjectorSettings } from '../../workflows/ejector.js';
import { createTimeSkippingEnv, allSettled } from '../helpers/temporal.js';
import { bundleMonitorWorkflows, stubActivities, withWorker } from '../fixtures/monitor-world.js';

const MINUTE_MS = 60_000;
const POOL = '0x00000000000000000000000000000000000000dd';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await allSettled([createTimeSkippingEnv(), bundleMonitorWorkflows()]);
});

afterAll(async () => {
  await env?.teardown();
});

const settings: EjectorSettings = {
  pollIntervalMs: 10 * MINUTE_MS,
  lookbackCycles: 10,
  roundsPerRun: 3,
};

/** Our validators: beacon index and pubkey → key index. */
const ours: ResolvedValidator[] = [0, 1, 2, 3].map((keyIndex) => ({
  validatorIndex: String(11 + keyIndex),
  pubkey: `0x${'a'.repeat(95)}${keyIndex}`,
  keyIndex,
  workflowId: workflowIds.validator(POOL, keyIndex),
}));

function makeEjectorWorld(requestsAt: (round: number) => PoolExitRequests) {
  let rounds = 0;
  let resolves = 0;
  const exits: RequestLifecycleExitInput[] = [];
  const fromCycles: (number | undefined)[] = [];
  const activities = stubActivities({
    readExitRequests: ({ pool, fromCycle }) => {
      expect(pool).toBe(POOL);
      fromCycles.push(fromCycle);
      return Promise.resolve(requestsAt(rounds++));
    },
    resolveValidators: ({ validatorIndices = [], pubkeys = [] }: ResolveValidatorsInput) => {
      resolves++;
      const matched: ResolvedValidator[] = [];
      const foreign: string[] = [];
      const unresolved: string[] = [];
      for (const entry of [...validatorIndices, ...pubkeys]) {
        const hit = ours.find((v) => v.validatorIndex === entry || v.pubkey === entry);
        // Beacon index 14 (key 3) cannot be resolved during the first round (beacon node down).
        if (entry === '14' && rounds <= 1) unresolved.push(entry);
        else if (hit) matched.push(hit);
        else foreign.push(entry);
      }
      return Promise.resolve({ matched, foreign, unresolved });
    },
    requestLifecycleExit: (input) => {
      exits.push(input);
      return Promise.resolve({ outcome: 'answered' as const, accepted: true, stage: 'exit' });
    },
  });
  return { activities, exits, fromCycles, rounds: () => rounds, resolves: () => resolves };
}

async function runEjector(world: ReturnType<typeof makeEjectorWorld>, name: string) {
  return withWorker(env, bundle, world.activities, async (taskQueue) => {
    const handle = await env.client.workflow.start(ejector, {
      args: [{ pool: POOL, settings }],
      taskQueue,
      workflowId: `${workflowIds.ejector(POOL)}/${name}`,
    });
    await env.sleep(2 * 60 * MINUTE_MS);
    const status = await handle.query(ejectorStatus);
    await handle.terminate('test done');
    return status;
  });
}

describe('ejector', () => {
  it('asks each listed lifecycle to exit exactly once, by beacon index (main branch)', async () => {
    const world = makeEjectorWorld((round) => ({
      flavour: 'main',
      currentCycle: 101,
      fromCycle: 91,
      cycles: [
        { cycle: 100, validatorIndices: ['11', '12', '999', '14'] },
        // Cycle 101's list appears in the fourth round.
        ...(round >= 3 ? [{ cycle: 101, validatorIndices: ['13', '11'] }] : []),
      ],
    }));
    const status = await runEjector(world, 'main');

    expect(world.rounds()).toBeGreaterThanOrEqual(10);
    expect(world.exits.map((e) => e.workflowId)).toEqual([
      workflowIds.validator(POOL, 0),
      workflowIds.validator(POOL, 1),
      workflowIds.validator(POOL, 3),
      workflowIds.validator(POOL, 2),
    ]);
    expect(world.exits[0]).toEqual({
      workflowId: workflowIds.validator(POOL, 0),
      updateId: 'ejector/100/0',
      request: { reason: 'pool ejection list of cycle 100 (validator 11)', source: 'pool' },
    });
    expect(world.exits[2]?.updateId).toBe('ejector/100/3');
    // Cycle 100 was resolved twice (one entry unresolved at first), cycle 101 once; then never again.
    expect(world.resolves()).toBe(3);
    expect(status.handledCycles).toEqual([100, 101]);
    expect(status.unresolved).toEqual([]);
    expect(world.fromCycles[0]).toBeUndefined();
    expect(world.fromCycles[1]).toBe(91);
  });

  it('maps pectra pubkeys to lifecycles and tells them the pool already requested the exit', async () => {
    const pubkey = ours[2]?.pubkey ?? '';
    const world = makeEjectorWorld(() => ({
      flavour: 'pectra',
      currentCycle: 50,
      fromCycle: 40,
      cycles: [{ cycle: 49, pubkeys: [pubkey, `0x${'b'.repeat(96)}`] }],
    }));
    const status = await runEjector(world, 'pectra');

    expect(world.exits).toEqual([
      {
        workflowId: workflowIds.validator(POOL, 2),
        updateId: 'ejector/49/2',
        request: {
          reason: 'pool requested an EIP-7002 exit in cycle 49; await the exit and offboard',
          source: 'pool-eip7002',
        },
      },
    ]);
    expect(status.requested).toEqual([
      { workflowId: workflowIds.validator(POOL, 2), cycle: 49, accepted: true },
    ]);
  });
});
