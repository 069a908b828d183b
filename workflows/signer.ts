/**
 * signer — the single writer of one account (DESIGN.md principle 3). One workflow per
 * (chain, account), `signer/<chainId>/<account>`, so transactions of an account are serialized
 * across the whole fleet by workflow identity, not by locks.
 *
 * Per request: plan (simulate + fees) → sign at the account's next nonce → record the signed
 * bytes in history → broadcast → await receipt; when stuck, sign a fee-bumped replacement at the
 * same nonce and await any version. A retry after any crash re-sends recorded bytes, never a new
 * transaction. Requests arrive as the `submitTx` update, deduplicated by idempotency key.
 * Continues as new after a bounded number of requests, carrying the nonce and recent results.
 *
 * Gas: requests are served in arrival order, except that a time-critical request whose deadline
 * has passed goes first. While gas is above the fee cap, a request waits (re-planning every
 * `feeWaitMs`, and at its deadline); a request past its deadline is sent at the current quote
 * above the cap (up to the past-deadline ceiling), and a stuck transaction is replaced at the
 * market quote above the cap once it or a request queued behind it is past its deadline. This
 * workflow's clock decides what is past its deadline: the planner is told so, whatever its own
 * clock says. Every such decision is logged with its reason.
 */
import {
  ApplicationFailure,
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { bumpFees, type GasPolicy } from '../domain/tx/fee-policy.js';
import { errorCodes, type DvtErrorCode } from '../domain/errors.js';
import type { ChainActivities } from '../activities/chain/index.js';
import type { SignedTx, TxPlan, TxRequest } from '../activities/chain/tx-engine.js';
import { AWAIT_TX, BROADCAST, PLAN, READ, summarized } from './activity-presets.js';
import { signerStatus, submitTx } from './definitions.js';

export interface SignerSettings {
  confirmations: number;
  stuckAfterMs: number;
  pollMs: number;
  /** How long to wait before re-planning when fees are above the cap. */
  feeWaitMs: number;
  /** Replacement bump; the rest of the policy is applied by the planning activity. */
  replacementBumpBps: number;
  maxFeeCapWei: string;
  /**
   * Ceiling of a replacement's max fee once the transaction (or one waiting behind its nonce) is
   * past its deadline; absent: no ceiling. The planning activity applies the same ceiling.
   */
  maxFeePastDeadlineWei?: string;
}

export interface SignerInput {
  chainId: number;
  account: string;
  settings: SignerSettings;
  /** Carried across continue-as-new. */
  nextNonce?: number;
  recent?: [string, TxResult][];
}

export type TxResult =
  | {
      status: 'mined' | 'reverted';
      idempotencyKey: string;
      kind: string;
      hash: string;
      nonce: number;
      blockNumber: number;
      gasUsed: string;
      effectiveGasPrice: string;
      /** How many replacements were signed before one was mined. */
      replacements: number;
      aboveCap: boolean;
      revert?: { name: string; summary: string };
    }
  | {
      status: 'failed';
      idempotencyKey: string;
      kind: string;
      code: string;
      message: string;
      retryable: boolean;
    };

export interface SignerStatus {
  account: string;
  nextNonce: number | null;
  queued: string[];
  current: { idempotencyKey: string; kind: string; nonce: number; hashes: string[] } | null;
  processed: number;
}

const RECENT_LIMIT = 500;
const REQUESTS_PER_RUN = 200;

const read = proxyActivities<ChainActivities>(READ);
const planner = proxyActivities<ChainActivities>(PLAN);
const send = proxyActivities<ChainActivities>(BROADCAST);
const wait = proxyActivities<ChainActivities>(AWAIT_TX);

export async function signer(input: SignerInput): Promise<void> {
  const { settings } = input;
  const account = input.account.toLowerCase();
  const results = new Map<string, TxResult>(input.recent ?? []);
  const queue: TxRequest[] = [];
  let nextNonce = input.nextNonce;
  let current: SignerStatus['current'] = null;
  let processed = 0;

  setHandler(
    submitTx,
    async (request) => {
      const key = request.idempotencyKey;
      const known = results.get(key);
      if (known?.status === 'failed' && known.retryable) results.delete(key);
      if (!results.has(key) && current?.idempotencyKey !== key) {
        if (!queue.some((q) => q.idempotencyKey === key)) queue.push(request);
      }
      await condition(() => results.has(key));
      const result = results.get(key) as TxResult;
      if (result.status === 'failed') {
        throw ApplicationFailure.create({
          type: result.code,
          message: result.message,
          nonRetryable: !result.retryable,
        });
      }
      return result;
    },
    {
      validator: (request: TxRequest) => {
        if (request.from.toLowerCase() !== account) {
          throw new Error(`request from ${request.from} sent to the signer of ${account}`);
        }
        if (!request.idempotencyKey || !request.kind) {
          throw new Error('request needs a kind and an idempotencyKey');
        }
        if (!/^0x[0-9a-fA-F]*$/.test(request.data) || !/^\d+$/.test(request.valueWei)) {
          throw new Error('request data must be 0x-hex and valueWei a decimal string');
        }
      },
    },
  );

  setHandler(signerStatus, () => ({
    account,
    nextNonce: nextNonce ?? null,
    queued: queue.map((q) => q.idempotencyKey),
    current,
    processed,
  }));

  /** Another queued request whose deadline has passed while `request` waits for fees. */
  const urgentBehind = (request: TxRequest): TxRequest | undefined =>
    queue.find((q) => q !== request && pastDeadline(q));

  /** Plans `request`, as past its deadline when this workflow's clock or `urgent` says so. */
  const planAt = (request: TxRequest, summary: string, urgent = false): Promise<TxPlan> =>
    summarized(
      planner.planTransaction,
      summary,
      urgent || pastDeadline(request) ? asPastDeadline(request) : request,
    );

  /**
   * Plans `request`, waiting while fees are above the cap. Returns null (the request stays
   * queued) when a time-critical request behind it is past its deadline and should go first.
   */
  async function plan(
    request: TxRequest,
  ): Promise<(TxPlan & { decision: { action: 'send' } }) | null> {
    for (;;) {
      const planned = await planAt(request, `simulate ${request.kind}`);
      if (planned.decision.action === 'send') {
        if (planned.decision.aboveCap) {
          log.warn('sending above the fee cap', {
            kind: request.kind,
            idempotencyKey: request.idempotencyKey,
            reason: planned.decision.reason,
          });
        }
        return planned as TxPlan & { decision: { action: 'send' } };
      }
      log.info('waiting for lower fees', {
        kind: request.kind,
        reason: planned.decision.reason,
      });
      // Re-plan after `feeWaitMs`, at the earliest queued deadline, or at once when a request
      // past its deadline arrives (then it goes first and this one waits behind it).
      const deadlines = queue
        .map((q) => q.deadlineMs)
        .filter((d): d is number => d !== undefined && d > Date.now());
      const wakeInMs = Math.min(settings.feeWaitMs, ...deadlines.map((d) => d - Date.now()));
      // A request past its own deadline keeps its place (it waits above the past-deadline
      // ceiling); only one that is not yet makes way.
      await condition(
        () => !pastDeadline(request) && urgentBehind(request) !== undefined,
        wakeInMs,
      );
      const urgent = urgentBehind(request);
      if (urgent && !pastDeadline(request)) {
        log.info('a time-critical request goes first', {
          waiting: request.idempotencyKey,
          first: urgent.idempotencyKey,
        });
        return null;
      }
    }
  }

  async function execute(request: TxRequest, attemptsLeft = 2): Promise<TxResult | null> {
    const planned = await plan(request);
    if (planned === null) return null;
    const nonce =
      nextNonce ?? (await summarized(read.readPendingNonce, 'read the pending nonce', account));
    let fees = {
      maxFeePerGas: planned.decision.maxFeePerGas,
      maxPriorityFeePerGas: planned.decision.maxPriorityFeePerGas,
    };
    const versions: SignedTx[] = [];
    const signNew = async (): Promise<void> => {
      versions.push(
        await summarized(read.signTransaction, `sign ${request.kind} nonce ${nonce}`, {
          request,
          nonce,
          ...fees,
          gasLimit: planned.gasLimit,
        }),
      );
      current = {
        idempotencyKey: request.idempotencyKey,
        kind: request.kind,
        nonce,
        hashes: versions.map((v) => v.hash),
      };
    };
    await signNew();
    for (;;) {
      const newest = versions[versions.length - 1] as SignedTx;
      await summarized(
        send.broadcastTransaction,
        `broadcast ${request.kind} nonce ${nonce} v${versions.length}`,
        newest.raw,
      );
      const outcome = await summarized(
        wait.awaitTransaction,
        `await ${request.kind} nonce ${nonce}`,
        {
          request,
          nonce,
          versions: versions.map(({ hash, raw }) => ({ hash, raw })),
          confirmations: settings.confirmations,
          stuckAfterMs: settings.stuckAfterMs,
          pollMs: settings.pollMs,
        },
      );
      if (outcome.status === 'mined' || outcome.status === 'reverted') {
        nextNonce = nonce + 1;
        return {
          status: outcome.status,
          idempotencyKey: request.idempotencyKey,
          kind: request.kind,
          hash: outcome.hash,
          nonce,
          blockNumber: outcome.blockNumber,
          gasUsed: outcome.gasUsed,
          effectiveGasPrice: outcome.effectiveGasPrice,
          replacements: versions.length - 1,
          aboveCap: planned.decision.aboveCap,
          ...(outcome.status === 'reverted'
            ? { revert: { name: outcome.revert.name, summary: outcome.revert.summary } }
            : {}),
        };
      }
      if (outcome.status === 'nonce-taken') {
        // Another process signed with this key. Re-plan: the simulation tells whether the
        // intended effect still makes sense; give up after one more try.
        nextNonce = outcome.accountNonce;
        log.error('account nonce used by a transaction dvt-router did not send', {
          account,
          nonce,
          accountNonce: outcome.accountNonce,
        });
        if (attemptsLeft <= 1) {
          throw ApplicationFailure.create({
            type: 'ERR_NONCE_CONFLICT',
            message:
              `Nonce ${nonce} of ${account} was used by a transaction dvt-router did not send. ` +
              'Make sure no other process signs with this key.',
            nonRetryable: true,
          });
        }
        return execute(request, attemptsLeft - 1);
      }
      // Stuck: replace at the same nonce with higher fees, within the cap; above it only for a
      // time-critical request past its deadline (this one, or one waiting behind this nonce),
      // then at the market quote up to the past-deadline ceiling. Else keep waiting.
      const blocked = urgentBehind(request);
      const urgentNow = pastDeadline(request) || blocked !== undefined;
      const fresh = await planAt(
        request,
        `re-plan stuck ${request.kind} nonce ${nonce}`,
        blocked !== undefined,
      );
      const quote =
        fresh.decision.action === 'send'
          ? {
              maxFeePerGas: BigInt(fresh.decision.maxFeePerGas),
              maxPriorityFeePerGas: BigInt(fresh.decision.maxPriorityFeePerGas),
            }
          : { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n };
      const bumped = bumpFees(
        {
          maxFeePerGas: BigInt(fees.maxFeePerGas),
          maxPriorityFeePerGas: BigInt(fees.maxPriorityFeePerGas),
        },
        quote,
        {
          maxFeeCapWei: BigInt(settings.maxFeeCapWei),
          priorityFeeWei: 0n,
          baseFeeMultiplierBps: 10_000,
          replacementBumpBps: settings.replacementBumpBps,
        } satisfies GasPolicy,
      );
      const limit = urgentNow ? settings.maxFeePastDeadlineWei : settings.maxFeeCapWei;
      if (limit !== undefined && bumped.maxFeePerGas > BigInt(limit)) {
        log.warn(
          urgentNow
            ? 'transaction stuck but a replacement would exceed the past-deadline ceiling; waiting'
            : 'transaction stuck but a replacement would exceed the fee cap; waiting',
          { kind: request.kind, nonce },
        );
        continue;
      }
      if (bumped.maxFeePerGas > BigInt(settings.maxFeeCapWei)) {
        log.warn('replacing a stuck transaction above the fee cap', {
          kind: request.kind,
          nonce,
          reason: pastDeadline(request)
            ? 'its deadline has passed'
            : `${blocked?.idempotencyKey ?? 'a request'} is past its deadline and waits for this nonce`,
        });
      }
      fees = {
        maxFeePerGas: bumped.maxFeePerGas.toString(),
        maxPriorityFeePerGas: bumped.maxPriorityFeePerGas.toString(),
      };
      log.info('replacing stuck transaction', { kind: request.kind, nonce, ...fees });
      await signNew();
    }
  }

  for (;;) {
    await condition(
      () =>
        queue.length > 0 || processed >= REQUESTS_PER_RUN || workflowInfo().continueAsNewSuggested,
    );
    const request = queue.find(pastDeadline) ?? queue[0];
    if (!request) {
      await condition(allHandlersFinished);
      if (queue.length > 0) continue;
      const recent = [...results.entries()].slice(-RECENT_LIMIT);
      return continueAsNew<typeof signer>({
        ...input,
        ...(nextNonce === undefined ? {} : { nextNonce }),
        recent,
      });
    }
    let result: TxResult | null;
    try {
      result = await execute(request);
    } catch (error) {
      result = failureResult(request, error);
    }
    if (result === null) {
      current = null; // deferred behind a time-critical request; nothing signed for it yet
      continue;
    }
    queue.splice(queue.indexOf(request), 1);
    current = null;
    results.set(request.idempotencyKey, result);
    processed++;
  }
}

/** Whether `request` is time-critical and its deadline has passed (workflow time). */
function pastDeadline(request: TxRequest): boolean {
  return request.deadlineMs !== undefined && Date.now() >= request.deadlineMs;
}

/**
 * `request` as the planner must see it once this workflow decided it is past its deadline: a
 * deadline at the epoch, so a worker whose clock lags the workflow's cannot answer "wait" (which
 * would re-plan at once, in a loop without a timer).
 */
function asPastDeadline(request: TxRequest): TxRequest {
  return { ...request, deadlineMs: 0 };
}

function failureResult(request: TxRequest, error: unknown): TxResult {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  const type = cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : 'Error';
  const message = cause instanceof Error ? cause.message : String(cause);
  const retryable =
    type in errorCodes
      ? errorCodes[type as DvtErrorCode].retryable
      : !(cause instanceof ApplicationFailure && cause.nonRetryable);
  return {
    status: 'failed',
    idempotencyKey: request.idempotencyKey,
    kind: request.kind,
    code: type,
    message,
    retryable,
  };
}
