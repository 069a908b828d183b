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
import { waitDays } from '../fixtures/harness-workflows.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await allSettled([
    createTimeSkippingEnv(),
    bundleWorkflows(fileURLToPath(new URL('../fixtures/harness-workflows.ts', import.meta.url))),
  ]);
});

afterAll(async () => {
  await env?.teardown();
});

describe('time-skipping environment', () => {
  it('completes a workflow that sleeps 30 days of workflow time', async () => {
    const taskQueue = `harness-${randomUUID()}`;
    const worker = await createTestWorker({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
    });
    const serverStart = await env.currentTimeMs();
    const result = await worker.runUntil(
      env.client.workflow.execute(waitDays, {
        args: [30],
        taskQueue,
        workflowId: `harness/wait/${randomUUID()}`,
      }),
    );
    const serverEnd = await env.currentTimeMs();

    expect(result.elapsedMs).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(serverEnd - serverStart).toBeGreaterThanOrEqual(30 * DAY_MS);
  });
});
