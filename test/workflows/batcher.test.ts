import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflows,
  createTestWorker,
  createTimeSkippingEnv,
  allSettled,
} from '../helpers/temporal.js';
import {
  batcherStatus,
  batchSubmit,
  lifecycleStatus,
  workflowIds,
} from '../../workflows/definitions.js';
import type { batcher, BatcherSettings } from '../../workflows/batcher.js';
import type { validatorLifecycle } from '../../workflows/validator-lifecycle.js';
import {
  advanceAllUntil,
  advanceUntil,
  batcherSettings,
  LifecycleWorld,
  lifecycleSettings,
  pubkeyOf,
  registerSearchAttributes,
  type LifecycleHandle,
} from '../fixtures/lifecycle-world.js';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await allSettled([
    createTimeSkippingEnv(),
    bundleWorkflows(fileURLToPath(new URL('../../workflows/index.ts', import.meta.url))),
  ]);
  await registerSearchAttributes(env);
});

afterAll(async () => {
  await env?.teardown();
});

async function harness(settings: Partial<BatcherSettings> = {}) {
  const taskQueue = `batcher-${randomUUID()}`;
  const world = new LifecycleWorld(env, taskQueue, batcherSettings(settings));
  const { pool } = world;
  const worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: world.activities(),
  });
  const startLifecycle = async (keyIndex: number): Promise<LifecycleHandle> => {
    const workflowId = `validator/test/${randomUUID()}`;
    return env.client.workflow.start<typeof validatorLifecycle>('validatorLifecycle', {
      taskQueue,
      workflowId,
      args: [{ pool, keyIndex, owner: world.owner, settings: lifecycleSettings() }],
    });
  };
  return { world, worker, taskQueue, pool, startLifecycle };
}

describe('batcher', () => {
  it('coalesces five lifecycles’ deposits into one batch and hands each its own result', async () => {
    const { world, worker, pool, startLifecycle } = await harness();
    await world.run(worker, async () => {
      const handles = await Promise.all([11, 12, 13, 14, 15].map((k) => startLifecycle(k)));
      const statuses = await advanceAllUntil(env, handles, (s) => s.stage === 'active');

      const deposits = world.batchesOf('pool.deposit');
      expect(deposits).toHaveLength(1);
      const [deposit] = deposits;
      expect(deposit?.key).toBe(pool);
      expect(deposit?.batchId).toBe(`${workflowIds.batcher('pool.deposit', pool)}/1`);
      expect(deposit?.items.map((i) => i.pubkey).sort()).toEqual(
        [11, 12, 13, 14, 15].map(pubkeyOf).sort(),
      );
      handles.forEach((handle, i) => {
        const write = statuses[i]?.writes.find((w) => w.kind === 'pool.deposit');
        expect(write).toEqual({
          kind: 'pool.deposit',
          itemKey: `${handle.workflowId}/deposit`,
          outcome: 'done',
          txHash: '0xtx1',
        });
      });
      // Same coalescing for the stake batch; registration is per cluster (all share 1-2-3-4).
      expect(world.batchesOf('pool.stake')).toHaveLength(1);
      expect(world.batchesOf('ssv.register')).toHaveLength(1);
      expect(world.batchesOf('ssv.register')[0]?.items).toHaveLength(5);
    });
  });

  it('deduplicates a re-submitted item, also across continue-as-new', async () => {
    const { world, worker, taskQueue, pool, startLifecycle } = await harness({ batchesPerRun: 1 });
    world.duplicateSubmissions = true;
    world.vote = null;
    await world.run(worker, async () => {
      const lifecycle = await startLifecycle(21);
      await advanceUntil(env, lifecycle, (s) => s.stage === 'await_credentials');
      const [deposit] = world.batchesOf('pool.deposit');
      expect(deposit?.items.map((i) => i.itemKey)).toEqual([`${lifecycle.workflowId}/deposit`]);

      const batcherId = workflowIds.batcher('pool.deposit', pool);
      const handle = env.client.workflow.getHandle<typeof batcher>(batcherId);
      const item = deposit?.items[0];
      if (!item) throw new Error('no deposit item');
      // The first run continued as new after its one batch; the result it remembered came along.
      await env.client.workflow.signalWithStart('batcher', {
        workflowId: batcherId,
        taskQueue,
        args: [
          { kind: 'pool.deposit', key: pool, settings: batcherSettings({ batchesPerRun: 1 }) },
        ],
        signal: batchSubmit,
        signalArgs: [{ item, replyTo: lifecycle.workflowId }],
      });
      await env.sleep(60_000);
      const status = await handle.query(batcherStatus);
      // seq 1 carried into a run that has executed no batch: the dedup answered from memory.
      expect(status).toMatchObject({
        pending: [],
        inFlight: null,
        seq: 1,
        batchesThisRun: 0,
        remembered: 1,
      });
      expect(world.batchesOf('pool.deposit')).toHaveLength(1);
      expect((await lifecycle.query(lifecycleStatus)).stage).toBe('await_credentials');
    });
  });
});
