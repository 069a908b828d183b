/**
 * The one place for names both sides of Temporal share (STYLE.md rule 6): task queue, workflow-ID
 * builders and search-attribute keys. Imported by workflows, the worker, the CLI and the devnet.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TxRequest } from '../activities/chain/tx-engine.js';
import type { SignerStatus, TxResult } from './signer.js';
import type { BatchItem, BatchItemResult } from '../activities/router/lifecycle-contract.js';
import type { BatcherStatus } from './batcher.js';
import type { LifecycleStatus } from './validator-lifecycle.js';

/** Task queue every dvt-router worker polls. */
export const TASK_QUEUE = 'dvt-router';

/** Custom search attributes on every lifecycle (registered by the devnet and `temporal setup`). */
export const searchAttributes = {
  /** Stage name in lower case, e.g. `active`. */
  stage: defineSearchAttributeKey('DvtStage', SearchAttributeType.KEYWORD),
  /** Validator public key, 0x-hex. */
  pubkey: defineSearchAttributeKey('DvtPubkey', SearchAttributeType.KEYWORD),
  /** EIP-2334 key index of the validator. */
  keyIndex: defineSearchAttributeKey('DvtKeyIndex', SearchAttributeType.INT),
  /** Cluster id `<owner>-<id>-<id>-…`. */
  cluster: defineSearchAttributeKey('DvtCluster', SearchAttributeType.KEYWORD),
  /** Pool address (the Storage contract of the pool). */
  pool: defineSearchAttributeKey('DvtPool', SearchAttributeType.KEYWORD),
} as const;

/** Every custom search attribute, for registration on a server. */
export const ALL_SEARCH_ATTRIBUTES = Object.values(searchAttributes);

/**
 * The histogram the `validatorLifecycle` workflow records through the SDK's workflow metric meter;
 * the worker's runtime exports it under exactly this name (worker/telemetry.ts sets its buckets).
 */
export const STAGE_DURATION_METRIC = 'dvt_stage_duration_seconds';

/** Workflow IDs are business keys (DESIGN.md principle 5). */
export const workflowIds = {
  validator: (pool: string, keyIndex: number): string =>
    `validator/${pool.toLowerCase()}/${keyIndex}`,
  /** The single writer of an account (workflows/signer.ts). */
  signer: (chainId: number, account: string): string =>
    `signer/${chainId}/${account.toLowerCase()}`,
  cluster: (owner: string, operatorIds: readonly number[]): string =>
    `cluster/${owner.toLowerCase()}/${[...operatorIds].sort((a, b) => a - b).join('-')}`,
  /** Coalesces one kind of write (`pool.deposit`, `pool.stake`, `ssv.register`, …) per key. */
  batcher: (kind: string, key: string): string => `batcher/${kind}/${key.toLowerCase()}`,
  poolMonitor: (pool: string): string => `pool-monitor/${pool.toLowerCase()}`,
  /** The Temporal Schedule that starts poolMonitor runs. */
  poolMonitorSchedule: (pool: string): string => `pool-monitor-schedule/${pool.toLowerCase()}`,
  operatorWatch: (owner: string): string => `operator-watch/${owner.toLowerCase()}`,
  ejector: (pool: string): string => `ejector/${pool.toLowerCase()}`,
  feeRecipient: (owner: string): string => `fee-recipient/${owner.toLowerCase()}`,
  uptimeReporter: (pool: string): string => `uptime-reporter/${pool.toLowerCase()}`,
} as const;

/** Why an exit was asked for; shown in the UI and logs. */
export interface ExitRequest {
  reason: string;
  /** Who asked: `pool` (ejection list), `operator` (CLI), `migration`, … */
  source: string;
}

/**
 * Sources whose exit is already under way when the request arrives: the pool's own EIP-7002
 * request (StaFi `pectra` ejections) and an exit the beacon chain already shows. A lifecycle sends
 * nothing for these; it awaits the exit on the beacon chain and offboards.
 */
export const EXIT_STARTED_ELSEWHERE: readonly string[] = ['pool-eip7002', 'beacon'];

/** Asks a lifecycle to exit its validator; accepted once, later calls return the same answer. */
export const requestExit = defineUpdate<{ accepted: boolean; stage: string }, [ExitRequest]>(
  'requestExit',
);
/** Holds a lifecycle before its next transaction (never in the middle of one). */
export const pause = defineSignal<[{ reason: string }]>('pause');
/** Releases a pause, or retries the stage of a halted lifecycle. */
export const resume = defineSignal('resume');
/** Moves an active validator away from the given operators (remove, cool-down, re-register). */
export const migrate = defineSignal<[{ avoidOperatorIds: number[]; reason: string }]>('migrate');
/** Wakes a cluster keeper early (a lifecycle added or removed validators). */
export const wakeClusterKeeper = defineSignal('wakeClusterKeeper');

/** Hands a transaction to an account's signer and resolves with its mined result. */
export const submitTx = defineUpdate<TxResult, [TxRequest]>('submitTx');
/** A signer's queue, nonce and in-flight transaction. */
export const signerStatus = defineQuery<SignerStatus>('status');

// --- validatorLifecycle and batcher (workflows/validator-lifecycle.ts, workflows/batcher.ts) ---

/** A lifecycle's stage, identities, pause/halt state and stage history. */
export const lifecycleStatus = defineQuery<LifecycleStatus>('status');
/** Hands one item to a batcher; the result comes back as `batchItemResult` on `replyTo`. */
export const batchSubmit = defineSignal<[{ item: BatchItem; replyTo: string }]>('batchSubmit');
/** A batcher's answer for one item, signalled to the lifecycle that submitted it. */
export const batchItemResult = defineSignal<[BatchItemResult]>('batchItemResult');
/** A batcher's pending items, in-flight batch and counters. */
export const batcherStatus = defineQuery<BatcherStatus>('status');

// --- poolMonitor, clusterKeeper, operatorWatch, ejector, feeRecipient, uptimeReporter ---

/** What one poolMonitor run decided; also its result, shown in the UI. */
export interface PoolMonitorSummary {
  pool: string;
  phase: 'reading' | 'planning' | 'starting' | 'done';
  /** Decimal wei strings. */
  balance: string | null;
  reserve: string | null;
  usable: string | null;
  /** Indices used on chain (status ≠ uninitial), ascending. */
  usedOnChain: number[];
  /** Indices claimed by a running lifecycle but not on chain yet. */
  inFlight: number[];
  /** Indices claimed by a closed lifecycle that never deposited: used, never handed out again. */
  abandoned: number[];
  /** New validators this run: next key indices (gaps first, never reused). */
  newIndices: number[];
  /** Indices used on chain without a lifecycle, adopted this run. */
  adopted: number[];
  /** Matched keys the plan would stake now (their lifecycles stake them). */
  stakeIndices: number[];
  started: number[];
  alreadyRunning: number[];
  alreadyClosed: number[];
  /** The plan's reasons, in order, plus the monitor's own. */
  reasons: string[];
}
/** A poolMonitor run's progress. */
export const poolMonitorStatus = defineQuery<PoolMonitorSummary>('status');

/** A cluster keeper's last view of its cluster. */
export interface ClusterKeeperStatus {
  clusterId: string;
  rounds: number;
  asset: 'eth' | 'ssv' | null;
  validatorCount: number | null;
  liquidated: boolean | null;
  /** Live balance, decimal wei. */
  balance: string | null;
  /** Days above the liquidation threshold; null when nothing burns or not read yet. */
  runwayDays: number | null;
  lastAction: string | null;
  lastError: string | null;
  /** Workflow time (ms) of the last read. */
  lastCheckedAt: number | null;
}
export const clusterKeeperStatus = defineQuery<ClusterKeeperStatus>('status');

/** An operator inside a bad episode. */
export interface BadOperatorEpisode {
  operatorId: number;
  /** Workflow time (ms) the operator was first seen bad in this episode. */
  since: number;
  /** Migrations were signalled for this episode (at most once). */
  signalled: boolean;
  reasons: string[];
}
/** The operator watch's episodes and counters. */
export interface OperatorWatchStatus {
  rounds: number;
  operatorsWatched: number;
  episodes: BadOperatorEpisode[];
  migrationsSignalled: number;
  lastError: string | null;
}
export const operatorWatchStatus = defineQuery<OperatorWatchStatus>('status');

/** The ejector's handled cycles and requests. */
export interface EjectorStatus {
  rounds: number;
  currentCycle: number | null;
  handledCycles: number[];
  /** Lifecycle IDs asked to exit, with the cycle that asked. */
  requested: { workflowId: string; cycle: number; accepted: boolean | null }[];
  /** Entries not resolvable yet (their cycle is retried next round). */
  unresolved: string[];
  lastError: string | null;
}
export const ejectorStatus = defineQuery<EjectorStatus>('status');

/** The fee-recipient keeper's last check. */
export interface FeeRecipientStatus {
  rounds: number;
  recipient: string | null;
  lastAction: string | null;
  lastError: string | null;
}
export const feeRecipientStatus = defineQuery<FeeRecipientStatus>('status');

/** The uptime reporter's last post. */
export interface UptimeReporterStatus {
  enabled: boolean;
  rounds: number;
  lastReported: string[];
  lastOk: boolean | null;
  lastError: string | null;
}
export const uptimeReporterStatus = defineQuery<UptimeReporterStatus>('status');
