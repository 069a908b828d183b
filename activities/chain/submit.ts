/**
 * `submitTransaction`: how any workflow gets a transaction sent. It hands the request to the
 * account's `signer` workflow with update-with-start (the signer starts on first use) and waits
 * for the mined result. Retrying is safe: the update id is the idempotency key, and the signer
 * deduplicates by key as well.
 */
import { activityInfo, getClient, heartbeat } from '@temporalio/activity';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
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

/** Sends one request through its account's signer and resolves with the signer's result. */
export type SubmitTransaction = (request: TxRequest) => Promise<TxResult>;

/**
 * Sends `request` through the signer of `request.from` (update-with-start) and waits for the
 * mined or reverted result, heartbeating meanwhile. Must run inside an activity. Idempotent per
 * idempotency key: the signer keeps the result of every key and hands it to a later request with
 * the same key instead of sending again. The update id is unique per activity attempt, because
 * Temporal answers a repeated update id with its first outcome, which would make a retryable
 * failure (a stale cluster, a node outage) stick to the key. A signer failure (`status: 'failed'`)
 * leaves as the update's `ApplicationFailure` (type = the error code), wrapped by the client in a
 * `WorkflowUpdateFailedError`.
 */
export async function submitThroughSigner(
  client: Client,
  deps: SubmitActivityDeps,
  request: TxRequest,
): Promise<TxResult> {
  const beat = setInterval(() => heartbeat(), deps.heartbeatMs ?? 10_000);
  try {
    return await client.workflow.executeUpdateWithStart(submitTx, {
      args: [request],
      updateId: attemptUpdateId(request.idempotencyKey),
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
}

function attemptUpdateId(idempotencyKey: string): string {
  const info = activityInfo();
  return `${idempotencyKey}#${info.workflowExecution?.runId ?? 'standalone'}/${info.activityId}/${info.attempt}`;
}

/**
 * A {@link SubmitTransaction} for other activities' dependencies: uses the Temporal client of the
 * activity it runs in (`getClient()`), so it must be called from inside an activity.
 */
export function makeSignerSubmit(deps: SubmitActivityDeps): SubmitTransaction {
  return (request) => submitThroughSigner(getClient(), deps, request);
}

export function createSubmitActivities(deps: SubmitActivityDeps) {
  return withFailures({
    /** Sends `request` through its account's signer and returns the mined (or reverted) result. */
    async submitTransaction(request: TxRequest): Promise<TxResult> {
      return submitThroughSigner(getClient(), deps, request);
    },
  });
}
