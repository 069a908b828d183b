/**
 * Dependencies and settings of the router's lifecycle activities (`createLifecycleActivities`),
 * plus the small shared helpers both of its files use: the owner index kept in memory, a
 * per-process lock, and failures as per-item data.
 */
import { ApplicationFailure } from '@temporalio/common';
import { DvtError, errorCodes, type DvtErrorCode } from '../../domain/errors.js';
import type { ClusterSize } from '../../domain/ssv/cluster.js';
import type { BatcherSettings } from '../../workflows/batcher.js';
import type { ClusterKeeperSettings } from '../../workflows/cluster-keeper.js';
import type { BeaconClient } from '../beacon/beacon-client.js';
import type { SubmitTransaction } from '../chain/submit.js';
import type { KeysActivities } from '../keys/index.js';
import type { PoolAdapter } from '../pool/pool-adapter.js';
import type { SsvApiClient } from '../ssv/ssv-api-client.js';
import type { ClusterIndexSync, OwnerIndex } from '../ssv/cluster-index-sync.js';
import type { SsvNetworkClient } from '../ssv/ssv-network-client.js';
import type { BatchItemError } from './lifecycle-contract.js';

/** Operator policy of new clusters (domain/operators/eligibility.ts). */
export interface OperatorPolicySettings {
  /** Highest acceptable operator fee, wei per block per 32-ETH unit, decimal string. */
  feeCapWei: string;
  /** Slots kept free under the per-operator validator cap; default 5. */
  capacityHeadroom?: number;
  /** When non-empty, only these operators are considered. */
  allowList?: readonly number[];
  /** Never these operators. */
  denyList?: readonly number[];
}

/** What the router's lifecycle activities are configured with (plain data, no secrets). */
export interface LifecycleActivitySettings {
  /** The pool address lifecycles name (StaFi: the StafiStorage address); any case. */
  pool: string;
  /** The SSV cluster owner; must equal the SSV client's and the keys' owner. */
  ownerAddress: string;
  /** The pool's super-node account: sender of deposit and stake batches. */
  superNodeAccount: string;
  clusterSize: ClusterSize;
  operatorPolicy: OperatorPolicySettings;
  /** Days of runway a registration funds its cluster for (at the burn rate after it). */
  targetRunwayDays: number;
  /** Pre-deposit per key, gwei decimal string (StaFi: `1000000000`). */
  depositAmountGwei: string;
  /** Stake per key, gwei decimal string (StaFi: `31000000000`). */
  stakeAmountGwei: string;
  /** Task queue of the batcher and cluster keepers started from here; default `TASK_QUEUE`. */
  taskQueue?: string;
  /** Input of batchers started by `submitBatchItem`. */
  batcher: BatcherSettings;
  /** Input of cluster keepers started by `notifyClusterKeeper`. */
  clusterKeeper: ClusterKeeperSettings;
  /** Dry-run mode: a voluntary exit is signed nowhere and posted nowhere (`ERR_DRY_RUN`). */
  dryRun?: boolean;
}

/**
 * Clients the activities use, each the type of its `makeX` factory (STYLE.md rule 4). Fees are
 * always read from chain through `ssv`'s views, operator keys from `ssvApi`.
 */
export interface LifecycleActivityDeps {
  pool: PoolAdapter;
  ssv: SsvNetworkClient;
  /**
   * Syncs the owner index; use `confirmations: 0` so a registration sees the latest owner nonce.
   * The synced state is kept in memory and brought up to the head before each use.
   */
  indexSync: ClusterIndexSync;
  /** The worker's shared owner index (`makeOwnerIndex`); one of its own when omitted. */
  ownerIndex?: OwnerIndex;
  ssvApi: SsvApiClient;
  beacon: BeaconClient;
  /** The keys activities, called as plain functions (key material never leaves them). */
  keys: KeysActivities;
  /** Sends through the account's signer (`makeSignerSubmit`); called inside an activity. */
  submit: SubmitTransaction;
  settings: LifecycleActivitySettings;
}

/** Runs tasks one after the other (per process); a failed task does not block the next. */
export function makeLock(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** A per-item error from a code, its retry class taken from the code. */
export function itemError(code: DvtErrorCode, message: string): BatchItemError {
  return { code, message, retryable: errorCodes[code].retryable };
}

/** A DvtError (or an ApplicationFailure anywhere in the cause chain) as per-item error data. */
export function errorData(error: unknown): BatchItemError | null {
  if (error instanceof DvtError) {
    return { code: error.code, message: error.message, retryable: error.retryable };
  }
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof ApplicationFailure) {
      const code = current.type ?? 'Error';
      const retryable =
        code in errorCodes
          ? errorCodes[code as DvtErrorCode].retryable && !current.nonRetryable
          : !current.nonRetryable;
      return { code, message: current.message, retryable };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
