import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type {
  PostUptimeInput,
  SetFeeRecipientInput,
} from '../../activities/router/monitor-contract.js';
import {
  feeRecipientStatus,
  uptimeReporterStatus,
  workflowIds,
} from '../../workflows/definitions.js';
import { feeRecipient } from '../../workflows/fee-recipient.js';
import { uptimeReporter } from '../../workflows/uptime-reporter.js';
import { createTimeSkippingEnv } from '../helpers/temporal.js';
import {
  bundleMonitorWorkflows,
  minedTx,
  stubActivities,
  withWorker,
} from '../fixtures/monitor-world.js';

const MINUTE_MS = 60_000;
const POOL = '0x00000000000000000000000000000000000000ee';
const OWNER = '0x00000000000000000000000000000000000000ff';
const FEE_POOL = '0x000000000000000000000000000000000000fee1';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleMonitorWorkflows()]);
});

afterAll(async () => {
  await env?.teardown();
});

describe('feeRecipient', () => {
  it('sets the SSV fee recipient to the fee pool once and only checks it afterwards', async () => {
    let current = '0x0000000000000000000000000000000000000000';
    const calls: SetFeeRecipientInput[] = [];
    const activities = stubActivities({
      readFeePool: ({ pool }) => {
        expect(pool).toBe(POOL);
        return Promise.resolve(FEE_POOL);
      },
      setFeeRecipient: (input) => {
        calls.push(input);
        if (current === input.recipient) {
          return Promise.resolve({ action: 'skipped' as const, reason: 'already set' });
        }
        current = input.recipient;
        return Promise.resolve({
          action: 'sent' as const,
          tx: minedTx('ssv.setFeeRecipientAddress', input.idempotencyKey, 1),
        });
      },
    });
    const status = await withWorker(env, bundle, activities, async (taskQueue) => {
      const handle = await env.client.workflow.start(feeRecipient, {
        args: [
          {
            pool: POOL,
            owner: OWNER,
            settings: { checkIntervalMs: 60 * MINUTE_MS, roundsPerRun: 2 },
          },
        ],
        taskQueue,
        workflowId: workflowIds.feeRecipient(OWNER),
      });
      await env.sleep(3 * 60 * MINUTE_MS + MINUTE_MS);
      const result = await handle.query(feeRecipientStatus);
      await handle.terminate('test done');
      return result;
    });

    expect(current).toBe(FEE_POOL);
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.every((c) => c.owner === OWNER && c.recipient === FEE_POOL)).toBe(true);
    // A fresh idempotency key per round, so a later drift would be corrected by a new transaction.
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(calls.length);
    expect(status.recipient).toBe(FEE_POOL);
    expect(status.lastAction).toBe('unchanged: already set');
    expect(status.rounds).toBeGreaterThanOrEqual(4);
  });
});

describe('uptimeReporter', () => {
  it('is off and calls nothing when no URL is configured', async () => {
    const activities = stubActivities({});
    const result = await withWorker(env, bundle, activities, (taskQueue) =>
      env.client.workflow.execute(uptimeReporter, {
        args: [{ pool: POOL, settings: { intervalMs: 5 * MINUTE_MS, roundsPerRun: 10 } }],
        taskQueue,
        workflowId: `${workflowIds.uptimeReporter(POOL)}/off`,
      }),
    );

    expect(result).toEqual({
      enabled: false,
      rounds: 0,
      lastReported: [],
      lastOk: null,
      lastError: null,
    });
  });

  it('posts the beacon indices of active lifecycles to the URL every interval', async () => {
    const posts: PostUptimeInput[] = [];
    const activities = stubActivities({
      listLifecycles: ({ stage }) => {
        expect(stage).toBe('active');
        return Promise.resolve([
          {
            workflowId: 'validator/p/1',
            keyIndex: 1,
            stage: 'active',
            pubkey: '0xb1',
            cluster: null,
          },
          {
            workflowId: 'validator/p/0',
            keyIndex: 0,
            stage: 'active',
            pubkey: '0xb0',
            cluster: null,
          },
        ]);
      },
      resolveValidators: ({ pubkeys = [] }) =>
        Promise.resolve({
          matched: pubkeys.map((pubkey) => ({
            pubkey,
            validatorIndex: pubkey === '0xb0' ? '5' : '17',
            keyIndex: pubkey === '0xb0' ? 0 : 1,
            workflowId: `validator/p/${pubkey === '0xb0' ? 0 : 1}`,
          })),
          foreign: [],
          unresolved: [],
        }),
      postUptime: (input) => {
        posts.push(input);
        return Promise.resolve({ ok: true, httpStatus: 200, apiStatus: '80000' });
      },
    });
    const url = 'https://uptime.example/reth/v1/uploadEjectorUptime';
    const status = await withWorker(env, bundle, activities, async (taskQueue) => {
      const handle = await env.client.workflow.start(uptimeReporter, {
        args: [{ pool: POOL, settings: { url, intervalMs: 5 * MINUTE_MS, roundsPerRun: 10 } }],
        taskQueue,
        workflowId: `${workflowIds.uptimeReporter(POOL)}/on`,
      });
      await env.sleep(12 * MINUTE_MS);
      const result = await handle.query(uptimeReporterStatus);
      await handle.terminate('test done');
      return result;
    });

    expect(posts).toHaveLength(3);
    expect(posts[0]).toEqual({ url, validatorIndices: ['5', '17'] });
    expect(status.lastOk).toBe(true);
    expect(status.lastReported).toEqual(['5', '17']);
  });
});
