/**
 * The activity contract of `validatorLifecycle` and `batcher` (workflows/validator-lifecycle.ts,
 * workflows/batcher.ts): interfaces only, implemented by the router activities and stubbed by the
 * time-skipping tests. Every input and output is JSON-safe public data — key indices, pubkeys,
 * operator ids, tx hashes, amounts as decimal strings — never a secret (DESIGN.md principle 2).
 *
 * Every method is idempotent (DESIGN.md principle 1): a write reads the chain first and reports
 * an effect that is already there as done, so Temporal may retry any call any number of times.
 * Failures leave as ApplicationFailures typed by a `DvtErrorCode` (activities/failure.ts);
 * retryable codes are retried by the caller's preset, non-retryable ones reach the workflow,
 * which halts the lifecycle with the failure's type and message.
 */
import type { PubkeyStatus } from '../../domain/plan/pubkey-status.js';

/** How a validator is exited (DESIGN.md §5, ejector). */
export type ExitPath = 'ssv' | 'voluntary' | 'eip7002';

/** Beacon-API validator status strings. */
export type BeaconValidatorStatus =
  | 'pending_initialized'
  | 'pending_queued'
  | 'active_ongoing'
  | 'active_exiting'
  | 'active_slashed'
  | 'exited_unslashed'
  | 'exited_slashed'
  | 'withdrawal_possible'
  | 'withdrawal_done';

/** The four coalescible writes (DESIGN.md principle 6). */
export type BatchKind = 'pool.deposit' | 'pool.stake' | 'ssv.register' | 'ssv.remove';

/**
 * One validator's part of a batch. The batch key says where it goes: the pool address for
 * `pool.*`; the SSV owner address for `ssv.register` (registrations consume the owner's nonces,
 * so one batcher per owner serializes them fleet-wide; items carry their cluster's operator ids
 * and a batch may span clusters); the cluster id `<owner>-<id>-<id>-…` for `ssv.remove`.
 */
export interface BatchItem {
  /**
   * Unique per intended effect, `<lifecycleWorkflowId>/<step>` (e.g. `…/deposit`,
   * `…/register/1`); the batcher deduplicates by it.
   */
  itemKey: string;
  keyIndex: number;
  /** Lower-case 0x-hex. */
  pubkey: string;
  /** Ascending operator ids of the cluster; required for `ssv.*` kinds. */
  operatorIds?: number[];
  /**
   * Time-critical items only: after this instant (epoch ms) the item's transaction goes out even
   * when gas is above the fee cap. A batch takes the earliest deadline of its items.
   */
  deadlineMs?: number;
}

/** A failure as data (for per-item results, which cannot throw). */
export interface BatchItemError {
  /** A `DvtErrorCode` when known, else the failure type. */
  code: string;
  message: string;
  retryable: boolean;
}

/** What happened to one item of a batch. */
export interface BatchItemResult {
  itemKey: string;
  /**
   * `done`: this batch's transaction did it; `already-done`: the chain showed the effect before
   * sending (left out of the transaction); `failed`: see `error`.
   */
  outcome: 'done' | 'already-done' | 'failed';
  txHash?: string;
  error?: BatchItemError;
}

/** Parameters of {@link BatchActivities.executeBatch}. */
export interface ExecuteBatchParameters {
  kind: BatchKind;
  /** Pool address (`pool.*`) or cluster id (`ssv.*`). */
  key: string;
  /** `<batcherWorkflowId>/<seq>` (or `<lifecycleWorkflowId>/<step>` unbatched): the tx idempotency key. */
  batchId: string;
  /** 1..max batch size items, distinct item keys. */
  items: BatchItem[];
}

/** Parameters of {@link LifecycleActivities.submitBatchItem}. */
export interface SubmitBatchItemParameters {
  kind: BatchKind;
  key: string;
  item: BatchItem;
  /** Workflow id the batcher signals `batchItemResult` to (the calling lifecycle). */
  replyTo: string;
}

/** What {@link LifecycleActivities.selectOperators} returns. */
export type SelectOperatorsResult =
  | {
      ok: true;
      /** Ascending operator ids. */
      operatorIds: number[];
      /** `<owner>-<id>-<id>-…`, lower-case owner. */
      clusterId: string;
    }
  | {
      ok: false;
      /** Why no cluster could be chosen (e.g. "only 3 eligible operators"); shown in status. */
      reason: string;
    };

/** What the beacon node says about a pubkey; `found: false` before the deposit is processed. */
export interface BeaconValidatorView {
  found: boolean;
  /** Validator index, decimal string. */
  index?: string;
  status?: BeaconValidatorStatus;
  /**
   * The beacon chain would accept an exit now: active, no exit initiated, and the current epoch
   * is at least activation epoch + SHARD_COMMITTEE_PERIOD. An exit asked for earlier is dropped
   * silently on the SSV path (the operators' exit is refused), so lifecycles wait for this.
   */
  exitEligible?: boolean;
}

/** Activities `validatorLifecycle` calls. */
export interface LifecycleActivities {
  /**
   * Derives the validator pubkey of `keyIndex` from the key store. Pure derivation: idempotent.
   * Errors: `ERR_KEYSTORE` (permanent), `ERR_INVALID_INPUT` (bad index, permanent).
   */
  deriveValidatorPubkey(params: { keyIndex: number }): Promise<{ pubkey: string }>;

  /**
   * The pool's status of `pubkey` (StaFi `getSuperNodePubkeyStatus`): `uninitial` (not deposited),
   * `initial` (deposited, vote pending), `match`, `unmatch`, `staking`. Read-only.
   * Errors: `ERR_UPSTREAM_UNAVAILABLE` (retryable), `ERR_NETWORK_MISMATCH` (permanent).
   */
  readPubkeyStatus(params: { pool: string; pubkey: string }): Promise<{ status: PubkeyStatus }>;

  /**
   * Chooses operators for a validator (SSV API + on-chain operator data through the pure
   * `domain/operators/select-operators.ts`), never any id in `avoidOperatorIds`. Read-only.
   * "No acceptable cluster" is an answer (`ok: false`), not a failure.
   * Errors: `ERR_UPSTREAM_UNAVAILABLE` / `ERR_UPSTREAM_MALFORMED` (SSV API down or bad; retryable).
   */
  selectOperators(params: {
    keyIndex: number;
    pubkey: string;
    avoidOperatorIds: number[];
  }): Promise<SelectOperatorsResult>;

  /**
   * The validator as the beacon node reports it. Read-only.
   * Errors: `ERR_UPSTREAM_UNAVAILABLE` (retryable), `ERR_UPSTREAM_MALFORMED` (retryable).
   */
  readValidatorOnBeacon(params: { pubkey: string }): Promise<BeaconValidatorView>;

  /**
   * Starts the validator's exit by `path`: SSV `exitValidator` (operators sign), a voluntary exit
   * signed in the activity and posted to the beacon node, or an EIP-7002 request. Idempotent: when
   * the beacon already shows the validator exiting or exited it returns `alreadyDone: true`
   * without sending; transactions go through `submitTransaction` keyed `<workflowId>/exit`.
   * A beacon refusal because the validator is too young to exit (SHARD_COMMITTEE_PERIOD) is
   * retryable (`ERR_UPSTREAM_UNAVAILABLE`).
   * Errors: `ERR_VOLUNTARY_EXIT_REJECTED`, `ERR_TX_REVERTED` (permanent), `ERR_UPSTREAM_UNAVAILABLE`.
   */
  submitExit(params: {
    keyIndex: number;
    pubkey: string;
    validatorIndex: string;
    operatorIds: number[];
    path: ExitPath;
    /** `<workflowId>/exit`. */
    idempotencyKey: string;
  }): Promise<{ alreadyDone: boolean; txHash?: string }>;

  /**
   * Wakes the cluster's keeper (signal-with-start of `wakeClusterKeeper` on
   * `workflowIds.cluster(owner, operatorIds)`), after validators joined or left it. Idempotent.
   * Errors: `ERR_UPSTREAM_UNAVAILABLE` (Temporal unreachable; retryable).
   */
  notifyClusterKeeper(params: { owner: string; operatorIds: number[] }): Promise<void>;

  /**
   * Hands `item` to the batcher of (`kind`, `key`): signal-with-start of `batchSubmit` on
   * `workflowIds.batcher(kind, key)` (starting it with the worker's batcher settings). Returns at
   * once; the result arrives later as the `batchItemResult` signal on `replyTo`. Idempotent: the
   * batcher deduplicates by `item.itemKey` and re-sends a known result.
   * Errors: `ERR_UPSTREAM_UNAVAILABLE` (retryable).
   */
  submitBatchItem(params: SubmitBatchItemParameters): Promise<void>;
}

/** Activities the `batcher` calls (and a lifecycle, directly, when batching is off). */
export interface BatchActivities {
  /**
   * Executes one batch as ONE transaction through `submitTransaction` keyed by `batchId`:
   * `pool.deposit` (1 ETH deposit data, derived per key index), `pool.stake` (31 ETH), or
   * `ssv.register` / `ssv.remove` (bulk register with fee funding / bulk remove on the cluster
   * `key`; consecutive owner nonces for the items' shares are assigned inside the activity).
   * Reads the chain first: items whose effect is already there are left out and reported
   * `already-done`; when all are, nothing is sent. Returns exactly one result per item, in input
   * order. Item-level permanent problems (e.g. an operator key that cannot encrypt shares) are
   * `failed` results; a failure of the whole call throws (retryable codes are retried by the
   * preset; a permanent one such as `ERR_TX_REVERTED` fails every item of the batch).
   */
  executeBatch(params: ExecuteBatchParameters): Promise<BatchItemResult[]>;
}

/** Everything the two workflows need from a worker. */
export type LifecycleActivitiesImpl = LifecycleActivities & BatchActivities;
