/**
 * Chain activities: the durable steps of the transaction engine, driven by the `signer` workflow
 * (workflows/signer.ts), which is the single writer per account. Each activity is safe to retry:
 * planning and signing have no side effect, broadcasting the same bytes twice is harmless, and
 * awaiting only reads.
 */
import { heartbeat, log, sleep } from '@temporalio/activity';
import { DvtError } from '../../domain/errors.js';
import { withFailures } from '../failure.js';
import type {
  BroadcastResult,
  SignedTx,
  TxCheck,
  TxEngine,
  TxPlan,
  TxRequest,
} from './tx-engine.js';

export interface AwaitTransactionInput {
  request: TxRequest;
  nonce: number;
  /** Every version signed at this nonce, oldest first. */
  versions: readonly Pick<SignedTx, 'hash' | 'raw'>[];
  confirmations: number;
  /** Report `stuck` when no version is mined after this long. */
  stuckAfterMs: number;
  pollMs: number;
}

export type AwaitTransactionResult =
  Exclude<TxCheck, { status: 'pending' }> | { status: 'stuck'; waitedMs: number };

/** Consecutive failed polls (each already retried in-process) before awaiting gives up. */
const MAX_POLL_FAILURES = 20;

export interface ChainActivityDeps {
  engine: TxEngine;
  now?: () => number;
  /**
   * Dry-run (view) mode: every transaction is planned and simulated as usual and logged, and
   * signing refuses with `ERR_DRY_RUN`, so nothing is ever signed or sent.
   */
  dryRun?: boolean;
}

export function createChainActivities({
  engine,
  now = Date.now,
  dryRun = false,
}: ChainActivityDeps) {
  return withFailures({
    /** Simulates `request` and decides fees; a would-be revert fails with its decoded name. */
    async planTransaction(request: TxRequest): Promise<TxPlan> {
      const plan = await engine.plan(request);
      if (dryRun) {
        log.info('dry run: transaction simulated', {
          kind: request.kind,
          idempotencyKey: request.idempotencyKey,
          from: request.from,
          to: request.to,
          valueWei: request.valueWei,
          gasLimit: plan.gasLimit,
          decision: plan.decision.action,
        });
      }
      return plan;
    },

    /** The account's next nonce including its mempool transactions. */
    async readPendingNonce(account: string): Promise<number> {
      return engine.pendingNonce(account);
    },

    /** Signs without sending; the workflow records the result before broadcasting it. */
    async signTransaction(input: {
      request: TxRequest;
      nonce: number;
      maxFeePerGas: string;
      maxPriorityFeePerGas: string;
      gasLimit: string;
    }): Promise<SignedTx> {
      if (dryRun) {
        throw new DvtError(
          'ERR_DRY_RUN',
          `Dry run: ${input.request.kind} simulated successfully and would be sent now; ` +
            'nothing is signed in dry-run mode.',
          {
            details: { kind: input.request.kind, idempotencyKey: input.request.idempotencyKey },
            hint: 'Turn dry-run off (DVT_DRY_RUN=false, router.dryRun: false) to send it.',
          },
        );
      }
      return engine.sign(input.request, input.nonce, input, input.gasLimit);
    },

    /** Sends recorded bytes; a node that already has them counts as success. */
    async broadcastTransaction(raw: string): Promise<BroadcastResult> {
      return engine.broadcast(raw);
    },

    /**
     * Waits until a version is mined with enough confirmations (or reverted), the nonce is taken
     * by a foreign transaction, or `stuckAfterMs` passes. Re-broadcasts the newest version when
     * the node dropped every version. Heartbeats each poll, so a lost worker is noticed quickly.
     */
    async awaitTransaction(input: AwaitTransactionInput): Promise<AwaitTransactionResult> {
      const started = now();
      const hashes = input.versions.map((v) => v.hash);
      const newest = input.versions[input.versions.length - 1];
      let failures = 0;
      for (;;) {
        let check: TxCheck;
        try {
          check = await engine.check(input.request, input.nonce, hashes, input.confirmations);
          failures = 0;
        } catch (error) {
          // A poll that fails is retried by the next poll; only a long outage fails the activity.
          if (!(error instanceof DvtError) || !error.retryable || ++failures >= MAX_POLL_FAILURES) {
            throw error;
          }
          heartbeat({ nonce: input.nonce, hashes, status: 'rpc-unavailable', failures });
          await sleep(input.pollMs);
          continue;
        }
        heartbeat({ nonce: input.nonce, hashes, status: check.status });
        if (check.status === 'nonce-taken') return check;
        if (check.status === 'mined' || check.status === 'reverted') {
          if (check.confirmations >= input.confirmations) return check;
        } else {
          if (!check.inMempool && newest) await engine.broadcast(newest.raw);
          const waitedMs = now() - started;
          if (waitedMs >= input.stuckAfterMs) return { status: 'stuck', waitedMs };
        }
        await sleep(input.pollMs);
      }
    },
  });
}

export type ChainActivities = ReturnType<typeof createChainActivities>;
