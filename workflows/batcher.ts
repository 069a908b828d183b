/**
 * batcher — coalesces one kind of write per key (DESIGN.md principle 6): `pool.deposit` and
 * `pool.stake` per pool, `ssv.register` and `ssv.remove` per cluster. One workflow per
 * (kind, key), `batcher/<kind>/<key>`.
 *
 * Items arrive → a window opens at the first pending item → after `windowMs`, or as soon as
 * `maxBatchSize` items wait, one `executeBatch` with batch id `<workflowId>/<seq>` → every
 * submitter gets its own result → continue-as-new after `batchesPerRun` batches (or when the
 * server suggests it) → completes after `idleCloseMs` without work.
 *
 * Communication is by signals both ways, never by a long-held activity: a lifecycle calls the
 * `submitBatchItem` activity, which signal-with-starts this workflow with `batchSubmit` (so the
 * batcher exists on first use and a retried activity only re-signals), and then waits in its own
 * history for the `batchItemResult` signal this workflow sends back to `replyTo`. Both sides are
 * durable workflow state, so a crash of any worker loses nothing; no activity slot is held while
 * a batch waits for its window or its transaction. Items are deduplicated by `itemKey`: a key
 * pending or in flight gains one more reply target; a key with a remembered result is answered
 * at once. Retryable failures are not remembered, so re-submitting them tries again. Remembered
 * results are bounded (`recentLimit`) and carried across continue-as-new; beyond them the chain is
 * the dedup (executeBatch reports an effect already on chain as `already-done`).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { errorCodes, type DvtErrorCode } from '../domain/errors.js';
import { isEpochMs } from '../domain/tx/fee-policy.js';
import type {
  BatchActivities,
  BatchItem,
  BatchItemResult,
  BatchKind,
} from '../activities/router/lifecycle-contract.js';
import { CHAIN_WRITE, summarized } from './activity-presets.js';
import { batcherStatus, batchItemResult, batchSubmit } from './definitions.js';

export interface BatcherSettings {
  /** How long the first pending item waits for company. */
  windowMs: number;
  /** Items per transaction (gas and calldata bound it). */
  maxBatchSize: number;
  /** Batches per run before continue-as-new. */
  batchesPerRun: number;
  /** Results remembered for deduplication. */
  recentLimit: number;
  /** Completes after this long without pending items or replies. */
  idleCloseMs: number;
}

/** An item waiting for a batch, with everyone to answer. */
export interface PendingItem {
  item: BatchItem;
  replyTo: string[];
}

export interface BatcherInput {
  kind: BatchKind;
  key: string;
  settings: BatcherSettings;
  /** Carried across continue-as-new. */
  carried?: {
    seq: number;
    recent: [string, BatchItemResult][];
    pending: PendingItem[];
  };
}

export interface BatcherStatus {
  kind: BatchKind;
  key: string;
  /** Item keys waiting for the next batch. */
  pending: string[];
  inFlight: { batchId: string; itemKeys: string[] } | null;
  /** Batches executed by this batcher over all runs. */
  seq: number;
  batchesThisRun: number;
  remembered: number;
}

const batch = proxyActivities<BatchActivities>(CHAIN_WRITE);

const SSV_KINDS: readonly BatchKind[] = ['ssv.register', 'ssv.remove'];

/** Coalesces items of one (kind, key) into transactions; see the file header. */
export async function batcher(input: BatcherInput): Promise<{ batches: number }> {
  const { kind, key, settings } = input;
  const workflowId = workflowInfo().workflowId;
  const recent = new Map<string, BatchItemResult>(input.carried?.recent ?? []);
  const pending: PendingItem[] = (input.carried?.pending ?? []).map((p) => ({
    item: p.item,
    replyTo: [...p.replyTo],
  }));
  const outbox: { replyTo: string; result: BatchItemResult }[] = [];
  let inFlight: (BatcherStatus['inFlight'] & { waiters: Map<string, string[]> }) | null = null;
  let seq = input.carried?.seq ?? 0;
  let batchesThisRun = 0;
  let windowOpenedAt = pending.length > 0 ? Date.now() : 0;

  setHandler(batchSubmit, (submission) => {
    const problem = invalidSubmission(kind, submission);
    const replyTo = typeof submission?.replyTo === 'string' ? submission.replyTo : '';
    const itemKey = typeof submission?.item?.itemKey === 'string' ? submission.item.itemKey : '';
    if (problem) {
      log.warn('rejected batch item', { kind, key, itemKey, problem });
      if (replyTo && itemKey) {
        outbox.push({
          replyTo,
          result: {
            itemKey,
            outcome: 'failed',
            error: { code: 'ERR_INVALID_INPUT', message: problem, retryable: false },
          },
        });
      }
      return;
    }
    const known = recent.get(itemKey);
    if (known) {
      outbox.push({ replyTo, result: known });
      return;
    }
    const waiting = pending.find((p) => p.item.itemKey === itemKey);
    const flying = inFlight?.waiters.get(itemKey);
    const targets = waiting?.replyTo ?? flying;
    if (targets) {
      if (!targets.includes(replyTo)) targets.push(replyTo);
      return;
    }
    if (pending.length === 0) windowOpenedAt = Date.now();
    pending.push({ item: submission.item, replyTo: [replyTo] });
  });

  setHandler(batcherStatus, () => ({
    kind,
    key,
    pending: pending.map((p) => p.item.itemKey),
    inFlight: inFlight && { batchId: inFlight.batchId, itemKeys: inFlight.itemKeys },
    seq,
    batchesThisRun,
    remembered: recent.size,
  }));

  async function flushReplies(): Promise<void> {
    const replies = outbox.splice(0, outbox.length);
    await Promise.all(
      replies.map(async ({ replyTo, result }) => {
        try {
          await getExternalWorkflowHandle(replyTo).signal(batchItemResult, result);
        } catch (error) {
          // The submitter is gone (completed or terminated); nobody is left to tell.
          log.warn('could not deliver batch result', {
            replyTo,
            itemKey: result.itemKey,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }),
    );
  }

  async function runBatch(): Promise<void> {
    const remaining = windowOpenedAt + settings.windowMs - Date.now();
    if (pending.length < settings.maxBatchSize && remaining > 0) {
      await condition(() => pending.length >= settings.maxBatchSize, remaining);
    }
    const taken = pending.splice(0, settings.maxBatchSize);
    if (pending.length > 0) windowOpenedAt = Date.now();
    seq++;
    const batchId = `${workflowId}/${seq}`;
    inFlight = {
      batchId,
      itemKeys: taken.map((p) => p.item.itemKey),
      waiters: new Map(taken.map((p) => [p.item.itemKey, p.replyTo])),
    };
    const items = taken.map((p) => p.item);
    log.info('executing batch', { kind, key, batchId, items: items.length });
    let results: BatchItemResult[];
    try {
      results = await summarized(batch.executeBatch, `${kind} batch of ${items.length}`, {
        kind,
        key,
        batchId,
        items,
      });
    } catch (error) {
      const failure = describeFailure(error);
      log.error('batch failed', { kind, key, batchId, code: failure.code });
      results = items.map((item) => ({ itemKey: item.itemKey, outcome: 'failed', error: failure }));
    }
    for (const [itemKey, replyTo] of inFlight.waiters) {
      const result: BatchItemResult = results.find((r) => r.itemKey === itemKey) ?? {
        itemKey,
        outcome: 'failed',
        error: {
          code: 'ERR_UPSTREAM_MALFORMED',
          message: `executeBatch returned no result for ${itemKey} in batch ${batchId}.`,
          retryable: true,
        },
      };
      if (!(result.outcome === 'failed' && result.error?.retryable !== false)) {
        recent.set(itemKey, result);
      }
      for (const target of replyTo) outbox.push({ replyTo: target, result });
    }
    while (recent.size > settings.recentLimit) {
      const oldest = recent.keys().next().value as string;
      recent.delete(oldest);
    }
    inFlight = null;
    batchesThisRun++;
  }

  const runIsLong = (): boolean =>
    batchesThisRun >= settings.batchesPerRun || workflowInfo().continueAsNewSuggested;

  for (;;) {
    const woke = await condition(
      () => pending.length > 0 || outbox.length > 0 || runIsLong(),
      settings.idleCloseMs,
    );
    await flushReplies();
    if (pending.length > 0) {
      await runBatch();
      await flushReplies();
      continue;
    }
    if (!woke || runIsLong()) {
      await condition(allHandlersFinished);
      if (pending.length > 0 || outbox.length > 0) continue;
      if (!woke) {
        log.info('batcher idle; completing', { kind, key, seq });
        return { batches: seq };
      }
      return continueAsNew<typeof batcher>({
        kind,
        key,
        settings,
        carried: { seq, recent: [...recent.entries()], pending: [] },
      });
    }
  }
}

function invalidSubmission(
  kind: BatchKind,
  submission: { item: BatchItem; replyTo: string } | undefined,
): string | null {
  const item = submission?.item;
  if (typeof submission?.replyTo !== 'string' || submission.replyTo === '') {
    return 'replyTo must be a workflow id';
  }
  if (!item || typeof item.itemKey !== 'string' || item.itemKey === '') {
    return 'item.itemKey must be a non-empty string';
  }
  if (!Number.isSafeInteger(item.keyIndex) || item.keyIndex < 0) {
    return 'item.keyIndex must be a non-negative integer';
  }
  if (typeof item.pubkey !== 'string' || !/^0x[0-9a-f]{96}$/.test(item.pubkey)) {
    return 'item.pubkey must be lower-case 0x-hex of 48 bytes';
  }
  if (
    SSV_KINDS.includes(kind) &&
    !(Array.isArray(item.operatorIds) && item.operatorIds.length > 0)
  ) {
    return `${kind} items need operatorIds`;
  }
  if (item.deadlineMs !== undefined && !isEpochMs(item.deadlineMs)) {
    return 'item.deadlineMs must be epoch milliseconds';
  }
  return null;
}

/** Turns a thrown failure into per-item error data. */
export function describeFailure(error: unknown): {
  code: string;
  message: string;
  retryable: boolean;
} {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    const code = cause.type ?? 'Error';
    const retryable =
      code in errorCodes ? errorCodes[code as DvtErrorCode].retryable : !cause.nonRetryable;
    return { code, message: cause.message, retryable: retryable && !cause.nonRetryable };
  }
  if (cause instanceof Error) return { code: cause.name, message: cause.message, retryable: true };
  return { code: 'Error', message: String(cause), retryable: true };
}
