import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflows,
  createTestWorker,
  createTimeSkippingEnv,
  allSettled,
} from '../helpers/temporal.js';
import {
  lifecycleStatus,
  migrate,
  pause,
  requestExit,
  resume,
  searchAttributes,
} from '../../workflows/definitions.js';
import type {
  LifecycleInput,
  LifecycleSettings,
  validatorLifecycle,
} from '../../workflows/validator-lifecycle.js';
import {
  advanceUntil,
  DAY,
  HOUR,
  LifecycleWorld,
  lifecycleSettings,
  MINUTE,
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

let keyIndexSeq = 1;

interface Harness {
  world: LifecycleWorld;
  taskQueue: string;
  worker: Worker;
  start: (
    settings?: Partial<LifecycleSettings>,
    options?: { pauseFirst?: boolean },
  ) => Promise<{ handle: LifecycleHandle; keyIndex: number; pubkey: string; firstRunId: string }>;
}

async function harness(): Promise<Harness> {
  const taskQueue = `lifecycle-${randomUUID()}`;
  const world = new LifecycleWorld(env, taskQueue);
  const worker = await createTestWorker({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: world.activities(),
  });
  const start: Harness['start'] = async (settings = {}, options = {}) => {
    const keyIndex = keyIndexSeq++;
    const common = {
      taskQueue,
      workflowId: `validator/test/${randomUUID()}`,
      args: [
        { pool: world.pool, keyIndex, owner: world.owner, settings: lifecycleSettings(settings) },
      ] as [LifecycleInput],
    };
    const handle = options.pauseFirst
      ? await env.client.workflow.signalWithStart<typeof validatorLifecycle, [{ reason: string }]>(
          'validatorLifecycle',
          {
            ...common,
            signal: pause,
            signalArgs: [{ reason: 'maintenance' }],
          },
        )
      : await env.client.workflow.start<typeof validatorLifecycle>('validatorLifecycle', common);
    return {
      handle,
      keyIndex,
      pubkey: pubkeyOf(keyIndex),
      firstRunId:
        'firstExecutionRunId' in handle ? handle.firstExecutionRunId : handle.signaledRunId,
    };
  };
  return { world, taskQueue, worker, start };
}

const stages = (handle: LifecycleHandle): Promise<string[]> =>
  handle.query(lifecycleStatus).then((s) => s.history.map((h) => h.stage));

describe('validatorLifecycle', () => {
  it('runs the happy path to active, keeps search attributes and memo, and exits to done', async () => {
    const { world, worker, start } = await harness();
    await world.run(worker, async () => {
      const { handle, pubkey } = await start();
      const active = await advanceUntil(env, handle, (s) => s.stage === 'active');
      expect(active).toMatchObject({
        pubkey,
        cluster: world.cluster([1, 2, 3, 4]),
        operatorIds: [1, 2, 3, 4],
        paused: false,
        haltReason: null,
      });
      expect(active.validatorIndex).toMatch(/^\d+$/);
      expect(world.batches.map((b) => b.kind)).toEqual([
        'pool.deposit',
        'ssv.register',
        'pool.stake',
      ]);
      expect(world.registered.get(pubkey)).toBe(world.cluster([1, 2, 3, 4]));
      // No stake deadline configured: nothing is time-critical.
      expect(world.batches.flatMap((b) => b.items).some((i) => 'deadlineMs' in i)).toBe(false);

      const description = await handle.describe();
      const sa = description.typedSearchAttributes;
      expect(sa.get(searchAttributes.stage)).toBe('active');
      expect(sa.get(searchAttributes.pubkey)).toBe(pubkey);
      expect(sa.get(searchAttributes.pool)).toBe(world.pool);
      expect(sa.get(searchAttributes.cluster)).toBe(world.cluster([1, 2, 3, 4]));
      expect(description.memo).toEqual({
        operatorIds: [1, 2, 3, 4],
        cluster: world.cluster([1, 2, 3, 4]),
      });

      const answer = await handle.executeUpdate(requestExit, {
        args: [{ reason: 'pool ejection', source: 'pool' }],
      });
      expect(answer).toEqual({ accepted: true, stage: 'active' });
      const again = await handle.executeUpdate(requestExit, {
        args: [{ reason: 'pool ejection', source: 'pool' }],
      });
      expect(again.accepted).toBe(true);

      expect(await handle.result()).toEqual({ stage: 'done', pubkey });
      expect(await stages(handle)).toEqual([
        'generate',
        'deposit',
        'await_credentials',
        'onboard',
        'stake',
        'await_activation',
        'active',
        'exit',
        'await_exit',
        'offboard',
        'done',
      ]);
      expect(world.count('submitExit', pubkey)).toBe(1);
      expect(world.beacon.get(pubkey)?.status).toBe('exited_unslashed');
      expect(world.batches.map((b) => b.kind)).toEqual([
        'pool.deposit',
        'ssv.register',
        'pool.stake',
        'ssv.remove',
      ]);
      expect(world.registered.has(pubkey)).toBe(false);
    });
  });
});

describe('validatorLifecycle gas deadline', () => {
  it('sends its stake as time-critical: the deadline runs from the stake step, no other write has one', async () => {
    const { world, worker, start } = await harness();
    await world.run(worker, async () => {
      const { handle } = await start({ stakeFeeDeadlineMs: 6 * HOUR });
      await advanceUntil(env, handle, (s) => s.stage === 'active');
      const stake = world.batches.find((b) => b.kind === 'pool.stake');
      const deadline = stake?.items[0]?.deadlineMs;
      // The stake step began at most one batch window (5 s) before the batch executed.
      expect(deadline).toBeGreaterThan((stake?.atMs ?? 0) + 6 * HOUR - MINUTE);
      expect(deadline).toBeLessThanOrEqual((stake?.atMs ?? 0) + 6 * HOUR);
      const others = world.batches.filter((b) => b.kind !== 'pool.stake');
      expect(others.map((b) => b.kind)).toEqual(['pool.deposit', 'ssv.register']);
      expect(others.flatMap((b) => b.items).some((i) => 'deadlineMs' in i)).toBe(false);
    });
  });
});

describe('validatorLifecycle waits', () => {
  it('sleeps with capped backoff while the credentials vote takes days (no busy poll)', async () => {
    const { world, worker, start } = await harness();
    world.vote = null;
    await world.run(worker, async () => {
      const { handle, pubkey } = await start();
      await advanceUntil(env, handle, (s) => s.stage === 'await_credentials');
      const t0 = await env.currentTimeMs();
      const readsBefore = world.count('readPubkeyStatus', pubkey);

      await env.sleep(3 * DAY);
      const reads = world.count('readPubkeyStatus', pubkey) - readsBefore;
      // 1, 2, 4, …, 32 min, then hourly: about 77 checks in 3 days, not thousands.
      expect(reads).toBeGreaterThanOrEqual(70);
      expect(reads).toBeLessThanOrEqual(80);
      const waiting = await handle.query(lifecycleStatus);
      expect(waiting.stage).toBe('await_credentials');
      expect(waiting.waitingFor).toBe('credentials vote (next check in 3600 s)');

      world.vote = 'match';
      world.voteAfterReads = 1;
      const active = await advanceUntil(env, handle, (s) => s.stage === 'active', { stepMs: HOUR });
      const onboardAt = Date.parse(active.history.find((h) => h.stage === 'onboard')?.at ?? '');
      expect(onboardAt - t0).toBeGreaterThanOrEqual(3 * DAY);
      expect(onboardAt - t0).toBeLessThanOrEqual(3 * DAY + HOUR + MINUTE);
    });
  });

  it('never stakes when credentials were voted unmatch', async () => {
    const { world, worker, start } = await harness();
    world.vote = 'unmatch';
    await world.run(worker, async () => {
      const { handle, pubkey } = await start();
      expect(await handle.result()).toEqual({ stage: 'credentials_rejected', pubkey });
      expect(world.batches.flatMap((b) => (b.kind === 'pool.stake' ? b.items : []))).toEqual([]);
      expect(world.batchesOf('ssv.register')).toEqual([]);
      expect(world.count('selectOperators')).toBe(0);
      const sa = (await handle.describe()).typedSearchAttributes;
      expect(sa.get(searchAttributes.stage)).toBe('credentials_rejected');
    });
  });

  it('keeps retrying operator selection while the SSV API is down, without blocking another deposit', async () => {
    const { world, worker, start } = await harness();
    world.ssvApiDown = true;
    await world.run(worker, async () => {
      const a = await start();
      const stuck = await advanceUntil(
        env,
        a.handle,
        (s) => s.stage === 'onboard' && s.lastError !== null,
      );
      expect(stuck.lastError).toBe('ERR_UPSTREAM_UNAVAILABLE: SSV API api.ssv.test answered 503.');

      const b = await start();
      await advanceUntil(env, b.handle, (s) => s.stage === 'onboard');
      const deposited = world.batchesOf('pool.deposit').flatMap((batch) => batch.items);
      expect(deposited.map((i) => i.pubkey)).toEqual([a.pubkey, b.pubkey]);
      const stillStuck = await a.handle.query(lifecycleStatus);
      expect(stillStuck.stage).toBe('onboard');
      expect(stillStuck.waitingFor).toMatch(/^operator selection retry in \d+ s$/);
      expect(world.count('selectOperators', a.pubkey)).toBeGreaterThan(6);

      world.ssvApiDown = false;
      await advanceUntil(env, a.handle, (s) => s.stage === 'active');
      const bActive = await advanceUntil(env, b.handle, (s) => s.stage === 'active');
      expect(bActive.lastError).toBeNull();
    });
  });
});

describe('validatorLifecycle attention', () => {
  it('halts on a permanent failure with its reason and retries the stage on resume', async () => {
    const { world, worker, start } = await harness();
    world.batchFailures.push({
      kind: 'pool.deposit',
      failure: ApplicationFailure.create({
        type: 'ERR_TX_REVERTED',
        message: 'Deposit reverted: PubkeyAlreadyUsed. Check the pubkey on the pool.',
        nonRetryable: true,
      }),
    });
    await world.run(worker, async () => {
      const { handle, pubkey } = await start();
      const halted = await advanceUntil(env, handle, (s) => s.stage === 'halted');
      expect(halted).toMatchObject({
        haltedIn: 'deposit',
        haltReason:
          'ERR_TX_REVERTED: Deposit reverted: PubkeyAlreadyUsed. Check the pubkey on the pool.',
      });
      expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.stage)).toBe(
        'halted',
      );
      await env.sleep(DAY);
      expect(world.batchesOf('pool.deposit')).toHaveLength(1);
      expect((await handle.query(lifecycleStatus)).stage).toBe('halted');

      await handle.signal(resume);
      const active = await advanceUntil(env, handle, (s) => s.stage === 'active');
      expect(active.history.map((h) => h.stage).slice(0, 5)).toEqual([
        'generate',
        'deposit',
        'halted',
        'deposit',
        'await_credentials',
      ]);
      expect(active.writes[0]).toMatchObject({
        kind: 'pool.deposit',
        itemKey: `${handle.workflowId}/deposit-r1`,
        outcome: 'done',
      });
      expect(world.status.get(pubkey)).toBe('staking');
    });
  });

  it('asks again under a new key when resumed after a failed exit', async () => {
    const { world, worker, start } = await harness();
    world.exitFailures.push(
      ApplicationFailure.create({
        type: 'ERR_TX_REVERTED',
        message: 'exitValidator reverted: ClusterIsLiquidated. Reactivate the cluster first.',
        nonRetryable: true,
      }),
    );
    await world.run(worker, async () => {
      const { handle, pubkey } = await start();
      await advanceUntil(env, handle, (s) => s.stage === 'active');
      await handle.executeUpdate(requestExit, { args: [{ reason: 'test', source: 'operator' }] });
      const halted = await advanceUntil(env, handle, (s) => s.stage === 'halted');
      expect(halted).toMatchObject({ haltedIn: 'exit' });
      expect(halted.haltReason).toContain('ClusterIsLiquidated');

      await handle.signal(resume);
      expect(await handle.result()).toEqual({ stage: 'done', pubkey });
      expect(world.exitKeys).toEqual([`${handle.workflowId}/exit`, `${handle.workflowId}/exit-r1`]);
    });
  });

  it('holds before the deposit while paused and deposits after resume', async () => {
    const { world, worker, start } = await harness();
    await world.run(worker, async () => {
      const { handle, pubkey } = await start({}, { pauseFirst: true });
      const held = await advanceUntil(
        env,
        handle,
        (s) => s.stage === 'deposit' && s.waitingFor !== null,
      );
      expect(held).toMatchObject({
        paused: true,
        pauseReason: 'maintenance',
        waitingFor: 'resume (paused before deposit)',
      });
      await env.sleep(2 * HOUR);
      expect(world.batchesOf('pool.deposit')).toEqual([]);
      expect(world.status.get(pubkey)).toBeUndefined();

      await handle.signal(resume);
      const active = await advanceUntil(env, handle, (s) => s.stage === 'active');
      expect(active.paused).toBe(false);
      expect(world.batchesOf('pool.deposit')).toHaveLength(1);
    });
  });

  it('remembers an exit requested before activation and exits once active', async () => {
    const { world, worker, start } = await harness();
    world.vote = null;
    await world.run(worker, async () => {
      const { handle, pubkey } = await start();
      await advanceUntil(env, handle, (s) => s.stage === 'await_credentials');
      await expect(
        handle.executeUpdate(requestExit, { args: [{ reason: ' ', source: 'operator' }] }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      expect(
        await handle.executeUpdate(requestExit, {
          args: [{ reason: 'pool shrinks', source: 'operator' }],
        }),
      ).toEqual({ accepted: true, stage: 'await_credentials' });
      world.vote = 'match';

      expect(await handle.result()).toEqual({ stage: 'done', pubkey });
      const status = await handle.query(lifecycleStatus);
      expect(status.exitRequest).toMatchObject({ reason: 'pool shrinks', source: 'operator' });
      expect(status.history.map((h) => h.stage).slice(-5)).toEqual([
        'active',
        'exit',
        'await_exit',
        'offboard',
        'done',
      ]);
      expect(world.count('submitExit', pubkey)).toBe(1);
    });
  });
});

describe('validatorLifecycle while active', () => {
  it('sends no exit of its own for a pool EIP-7002 ejection, awaits it and offboards', async () => {
    const { world, worker, start } = await harness();
    await world.run(worker, async () => {
      const { handle, pubkey } = await start();
      await advanceUntil(env, handle, (s) => s.stage === 'active');
      expect(
        await handle.executeUpdate(requestExit, {
          args: [{ reason: 'pool ejection (pectra)', source: 'pool-eip7002' }],
        }),
      ).toEqual({ accepted: true, stage: 'active' });
      // The pool contract's own EIP-7002 request reaches the beacon chain.
      const validator = world.beacon.get(pubkey);
      if (!validator) throw new Error('validator not on the fake beacon chain');
      validator.status = 'active_exiting';

      expect(await handle.result()).toEqual({ stage: 'done', pubkey });
      expect(world.count('submitExit', pubkey)).toBe(0);
      expect((await stages(handle)).slice(-5)).toEqual([
        'active',
        'exit',
        'await_exit',
        'offboard',
        'done',
      ]);
      expect(world.registered.has(pubkey)).toBe(false);
    });
  });

  it('migrates: removes from the old cluster, waits the cool-down, registers on new operators', async () => {
    const { world, worker, start } = await harness();
    await world.run(worker, async () => {
      const { handle, pubkey } = await start();
      await advanceUntil(env, handle, (s) => s.stage === 'active');
      await handle.signal(migrate, { avoidOperatorIds: [2], reason: 'operator 2 unhealthy' });
      const moved = await advanceUntil(
        env,
        handle,
        (s) => s.migration === null && s.operatorIds.join() === '1,3,4,5',
      );
      expect(moved).toMatchObject({ stage: 'active', cluster: world.cluster([1, 3, 4, 5]) });

      const [remove] = world.batchesOf('ssv.remove');
      const [, register] = world.batchesOf('ssv.register');
      expect(remove?.key).toBe(world.cluster([1, 2, 3, 4]));
      // Registrations are keyed by owner (one nonce sequence); the item names its new cluster.
      expect(register?.key).toBe(world.owner);
      expect(register?.items[0]?.operatorIds).toEqual([1, 3, 4, 5]);
      const coolDownMs = (register?.atMs ?? 0) - (remove?.atMs ?? 0);
      expect(coolDownMs).toBeGreaterThanOrEqual(20 * MINUTE);
      expect(coolDownMs).toBeLessThan(22 * MINUTE);
      expect(world.registered.get(pubkey)).toBe(world.cluster([1, 3, 4, 5]));
      expect(register?.items[0]?.itemKey).toBe(`${handle.workflowId}/register-1`);

      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(searchAttributes.cluster)).toBe(
        world.cluster([1, 3, 4, 5]),
      );
      expect(description.memo).toEqual({
        operatorIds: [1, 3, 4, 5],
        cluster: world.cluster([1, 3, 4, 5]),
      });
    });
  });

  it('continues as new while active and keeps its state', async () => {
    const { world, worker, start } = await harness();
    await world.run(worker, async () => {
      const { handle, pubkey, keyIndex, firstRunId } = await start({
        continueAsNewAfterEvents: 120,
        activeCheckMs: HOUR,
      });
      await advanceUntil(env, handle, (s) => s.stage === 'active');
      await env.sleep(3 * DAY);
      const description = await handle.describe();
      expect(description.runId).not.toBe(firstRunId);
      expect(description.typedSearchAttributes.get(searchAttributes.keyIndex)).toBe(keyIndex);
      expect(description.typedSearchAttributes.get(searchAttributes.stage)).toBe('active');
      expect(description.memo).toEqual({
        operatorIds: [1, 2, 3, 4],
        cluster: world.cluster([1, 2, 3, 4]),
      });
      const status = await handle.query(lifecycleStatus);
      expect(status).toMatchObject({
        stage: 'active',
        pubkey,
        operatorIds: [1, 2, 3, 4],
        validatorIndex: String(1000 + keyIndex),
      });
      expect(status.history[0]?.stage).toBe('generate');
      expect(status.writes.map((w) => w.kind)).toEqual([
        'pool.deposit',
        'ssv.register',
        'pool.stake',
      ]);

      await handle.executeUpdate(requestExit, { args: [{ reason: 'test', source: 'operator' }] });
      expect(await handle.result()).toEqual({ stage: 'done', pubkey });
      expect(world.batchesOf('pool.deposit')).toHaveLength(1);
    });
  });
});
