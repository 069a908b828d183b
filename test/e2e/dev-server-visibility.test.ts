import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflows,
  createDevServerEnv,
  createTestWorker,
  eventually,
} from '../helpers/temporal.js';
import { finish, tagged } from '../fixtures/harness-workflows.js';
import { searchAttributes, TASK_QUEUE } from '../../workflows/definitions.js';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([
    createDevServerEnv(),
    bundleWorkflows(fileURLToPath(new URL('../fixtures/harness-workflows.ts', import.meta.url))),
  ]);
});

afterAll(async () => {
  await env?.teardown();
});

describe('dev server environment', () => {
  it('registers the project search attributes', async () => {
    const response = await env.connection.operatorService.listSearchAttributes({
      namespace: env.namespace ?? 'default',
    });
    const registered = Object.keys(response.customAttributes ?? {});
    for (const name of ['DvtStage', 'DvtPubkey', 'DvtKeyIndex', 'DvtCluster', 'DvtPool']) {
      expect(registered).toContain(name);
    }
  });

  it('finds a workflow by a custom search attribute in a visibility query', async () => {
    const pool = `0x${randomUUID().replaceAll('-', '')}`;
    const taskQueue = `${TASK_QUEUE}-${randomUUID()}`;
    const worker = await createTestWorker({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(tagged, {
        args: ['onboarding'],
        taskQueue,
        workflowId: `harness/tagged/${randomUUID()}`,
        typedSearchAttributes: [
          { key: searchAttributes.pool, value: pool },
          { key: searchAttributes.keyIndex, value: 7 },
        ],
      });

      const found = await eventually(async () => {
        const ids: string[] = [];
        for await (const wf of env.client.workflow.list({
          query: `DvtPool = '${pool}' AND DvtKeyIndex = 7 AND DvtStage = 'onboarding'`,
        })) {
          ids.push(wf.workflowId);
        }
        return ids.length > 0 ? ids : undefined;
      });
      expect(found).toEqual([handle.workflowId]);

      await handle.signal(finish);
      expect(await handle.result()).toBe('onboarding');
    });
  });
});
