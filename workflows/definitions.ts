/**
 * The one place for names both sides of Temporal share (STYLE.md rule 6): task queue, workflow-ID
 * builders and search-attribute keys. Imported by workflows, the worker, the CLI and the devnet.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TxRequest } from '../activities/chain/tx-engine.js';
import type { SignerStatus, TxResult } from './signer.js';

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
