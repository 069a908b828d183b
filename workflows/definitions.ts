/**
 * The one place for names both sides of Temporal share (STYLE.md rule 6): task queue, workflow-ID
 * builders and search-attribute keys. Imported by workflows, the worker, the CLI and the devnet.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
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
} as const;

/** Hands a transaction to an account's signer and resolves with its mined result. */
export const submitTx = defineUpdate<TxResult, [TxRequest]>('submitTx');
/** A signer's queue, nonce and in-flight transaction. */
export const signerStatus = defineQuery<SignerStatus>('status');
