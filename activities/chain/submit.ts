/**
 * `submitTransaction`: how any workflow gets a transaction sent. It hands the request to the
 * account's `signer` workflow with update-with-start (the signer starts on first use) and waits
 * for the mined result. Retrying is safe: the update id is the idempotency key, and the signer
 * deduplicates by key as well.
 */
import { getClient, heartbeat } from '@temporalio/activity';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { submitTx, TASK_QUEUE, workflowIds } from '../../workflows/definitions.js';
import type { signer, SignerSettings, TxResult } from '../../workflows/signer.js';
import { withFailures } from '../failure.js';
import type { TxRequest } from './tx-engine.js';

export interface SubmitActivityDeps {
  chainId: number;
  settings: SignerSettings;
  taskQueue?: string;
  heartbeatMs?: number;
}

export function createSubmitActivities(deps: SubmitActivityDeps) {
  return withFailures({
    /** Sends `request` through its account's signer and returns the mined (or reverted) result. */
    async submitTransaction(request: TxRequest): Promise<TxResult> {
      const client = getClient();
      const beat = setInterval(() => heartbeat(), deps.heartbeatMs ?? 10_000);
      try {
        return await client.workflow.executeUpdateWithStart(submitTx, {
          args: [request],
          updateId: request.idempotencyKey,
          startWorkflowOperation: new WithStartWorkflowOperation<typeof signer>('signer', {
            workflowId: workflowIds.signer(deps.chainId, request.from),
            taskQueue: deps.taskQueue ?? TASK_QUEUE,
            workflowIdConflictPolicy: 'USE_EXISTING',
            args: [{ chainId: deps.chainId, account: request.from, settings: deps.settings }],
          }),
        });
      } finally {
        clearInterval(beat);
      }
    },
  });
}
