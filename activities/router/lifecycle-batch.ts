/**
 * `executeBatch` of the router (activities/router/lifecycle-contract.ts): one transaction per
 * batch through the account's signer, keyed by the batch id (DESIGN.md principles 1, 3, 6).
 *
 * Per kind: read the chain for every item first (deposited, staked, registered, removed) and
 * report those `already-done`; build one request for the rest; submit; map the signer's answer to
 * per-item results. A simulation or a mined transaction that reverts because the cluster struct
 * went stale (`ERR_TX_STATE_CHANGED`) is rebuilt once from a re-synced index, under the key
 * `<batchId>/resync` (the signer answers a known key with its first outcome).
 */
import { formatEther } from 'ethers';
import { DvtError } from '../../domain/errors.js';
import { deadlineField, earliestDeadline, isEpochMs } from '../../domain/tx/fee-policy.js';
import { clusterIdOf, normalizeOperatorIds } from '../../domain/ssv/cluster.js';
import { getIndexedCluster, type ClusterIndexState } from '../../domain/ssv/cluster-index.js';
import { registrationDeposit, type FeeParameters } from '../../domain/ssv/runway.js';
import type { TxRequest } from '../chain/tx-engine.js';
import type { DepositBatchItem } from '../pool/pool-adapter.js';
import { parseOperatorPublicKey, type ShareOperator } from '../keys/operator-public-key.js';
import type { PreparedSsvCall } from '../ssv/ssv-network-client.js';
import type {
  BatchItem,
  BatchItemError,
  BatchItemResult,
  BatchKind,
  ExecuteBatchParameters,
} from './lifecycle-contract.js';
import { errorData, itemError, makeLock, type LifecycleActivityDeps } from './lifecycle-deps.js';

const KINDS: readonly BatchKind[] = ['pool.deposit', 'pool.stake', 'ssv.register', 'ssv.remove'];
const PUBKEY = /^0x[0-9a-f]{96}$/;

/** What sending one request came to. */
type SendOutcome =
  { ok: true; txHash: string } | { ok: false; error: BatchItemError; stateChanged: boolean };

/** Per-item results under construction, answered in input order at the end. */
class Results {
  private readonly byKey = new Map<string, BatchItemResult>();

  constructor(private readonly items: readonly BatchItem[]) {}

  set(item: BatchItem, result: Omit<BatchItemResult, 'itemKey'>): void {
    this.byKey.set(item.itemKey, { itemKey: item.itemKey, ...result });
  }

  open(): BatchItem[] {
    return this.items.filter((item) => !this.byKey.has(item.itemKey));
  }

  list(): BatchItemResult[] {
    return this.items.map(
      (item) =>
        this.byKey.get(item.itemKey) ?? {
          itemKey: item.itemKey,
          outcome: 'failed',
          error: itemError('ERR_UPSTREAM_MALFORMED', `No result was produced for ${item.itemKey}.`),
        },
    );
  }
}

/** Makes `executeBatch` over the lifecycle deps; `freshIndex` syncs the owner index to the head. */
export function makeExecuteBatch(
  deps: LifecycleActivityDeps,
  freshIndex: () => Promise<ClusterIndexState>,
): (params: ExecuteBatchParameters) => Promise<BatchItemResult[]> {
  const { pool, ssv, ssvApi, keys, submit, settings } = deps;
  const owner = ssv.owner.toLowerCase();
  // Owner nonces are per owner, not per cluster: two registrations built in parallel would sign
  // the same nonce. One registration at a time per process (one worker per owner; see report).
  const registrationLock = makeLock();

  async function send(request: TxRequest): Promise<SendOutcome> {
    let result;
    try {
      result = await submit(request);
    } catch (error) {
      const data = errorData(error);
      if (data === null) {
        throw new DvtError(
          'ERR_UPSTREAM_UNAVAILABLE',
          `Could not hand ${request.kind} ${request.idempotencyKey} to the signer of ${request.from}.`,
          {
            details: { kind: request.kind, idempotencyKey: request.idempotencyKey },
            cause: error,
          },
        );
      }
      return { ok: false, error: data, stateChanged: data.code === 'ERR_TX_STATE_CHANGED' };
    }
    if (result.status === 'failed') {
      return {
        ok: false,
        stateChanged: result.code === 'ERR_TX_STATE_CHANGED',
        error: { code: result.code, message: result.message, retryable: result.retryable },
      };
    }
    if (result.status === 'mined') return { ok: true, txHash: result.hash };
    const name = result.revert?.name ?? 'unknown';
    return {
      ok: false,
      stateChanged: name === 'IncorrectClusterState',
      error: itemError(
        'ERR_TX_REVERTED',
        `${request.kind} transaction ${result.hash} reverted: ${result.revert?.summary ?? 'no reason'}.`,
      ),
    };
  }

  function checkBatch({ kind, key, batchId, items }: ExecuteBatchParameters): void {
    const bad = (message: string): never => {
      throw new DvtError('ERR_INVALID_INPUT', message, { details: { kind, key, batchId } });
    };
    if (!KINDS.includes(kind)) bad(`Unknown batch kind ${String(kind)}.`);
    if (typeof batchId !== 'string' || batchId === '') bad('batchId must be a non-empty string.');
    if (!Array.isArray(items) || items.length === 0) bad(`Batch ${batchId} has no items.`);
    if (new Set(items.map((item) => item.itemKey)).size !== items.length) {
      bad(`Batch ${batchId} repeats an item key.`);
    }
    if (new Set(items.map((item) => item.pubkey)).size !== items.length) {
      bad(`Batch ${batchId} repeats a pubkey.`);
    }
    for (const item of items) {
      if (typeof item.pubkey !== 'string' || !PUBKEY.test(item.pubkey)) {
        bad(`Item ${item.itemKey} has no lower-case 48-byte pubkey.`);
      }
      if (item.deadlineMs !== undefined && !isEpochMs(item.deadlineMs)) {
        bad(`Item ${item.itemKey} has a deadline that is not epoch milliseconds.`);
      }
    }
    if (kind.startsWith('pool.')) {
      if (key.toLowerCase() !== settings.pool.toLowerCase()) {
        bad(`Batch key ${key} is not the pool ${settings.pool} this worker serves.`);
      }
      return;
    }
    if (kind === 'ssv.register') {
      if (key.toLowerCase() !== owner.toLowerCase()) {
        bad(`Registration batch key ${key} is not the owner ${owner} this worker serves.`);
      }
      for (const item of items) {
        if ((item.operatorIds ?? []).length === 0) bad(`Item ${item.itemKey} has no operator ids.`);
      }
      return;
    }
    for (const item of items) {
      const ids = item.operatorIds ?? [];
      if (ids.length === 0 || clusterIdOf(owner, ids) !== key.toLowerCase()) {
        bad(`Item ${item.itemKey} does not belong to cluster ${key} of owner ${owner}.`);
      }
    }
  }

  /** Signs deposit data per item; an item whose key index derives another pubkey fails alone. */
  async function depositData(
    items: readonly BatchItem[],
    amountGwei: string,
    results: Results,
  ): Promise<{ item: BatchItem; data: DepositBatchItem }[]> {
    const withdrawalCredentials = await pool.getWithdrawalCredentials();
    const signed: { item: BatchItem; data: DepositBatchItem }[] = [];
    for (const item of items) {
      const data = await keys.signDepositData({
        keyIndex: item.keyIndex,
        withdrawalCredentials,
        amountGwei,
      });
      if (data.pubkey.toLowerCase() !== item.pubkey) {
        results.set(item, { outcome: 'failed', error: mismatch(item) });
        continue;
      }
      signed.push({ item, data });
    }
    return signed;
  }

  async function poolBatch(params: ExecuteBatchParameters, results: Results): Promise<void> {
    const stake = params.kind === 'pool.stake';
    const open = results.open();
    const statuses = await pool.getPubkeyStatuses(open.map((item) => item.pubkey));
    const ready: BatchItem[] = [];
    for (const item of open) {
      const status = statuses[item.pubkey];
      if (!stake) {
        if (status === 'uninitial') ready.push(item);
        else results.set(item, { outcome: 'already-done' });
      } else if (status === 'staking') {
        results.set(item, { outcome: 'already-done' });
      } else if (status === 'match') {
        ready.push(item);
      } else {
        results.set(item, {
          outcome: 'failed',
          error:
            status === 'initial'
              ? itemError(
                  'ERR_TX_STATE_CHANGED',
                  `Pubkey ${item.pubkey} waits for its credentials vote; it cannot be staked yet.`,
                )
              : itemError(
                  'ERR_INVALID_INPUT',
                  `Pubkey ${item.pubkey} has pool status ${status ?? 'unknown'}; only matched keys are staked.`,
                ),
        });
      }
    }
    if (ready.length === 0) return;
    const amount = stake ? settings.stakeAmountGwei : settings.depositAmountGwei;
    const payable = await whatThePoolPays(
      ready,
      BigInt(amount) * 1_000_000_000n,
      stake ? 'stakes' : 'deposits',
      results,
    );
    if (payable.length === 0) return;
    const signed = await depositData(payable, amount, results);
    if (signed.length === 0) return;
    const batch = {
      items: signed.map((s) => s.data),
      idempotencyKey: params.batchId,
      ...deadlineField(earliestDeadline(signed.map((s) => s.item))),
    };
    const request = stake
      ? await pool.buildStakeRequest(batch)
      : await pool.buildDepositRequest(batch);
    if (request.from.toLowerCase() !== settings.superNodeAccount.toLowerCase()) {
      throw new DvtError(
        'ERR_CONFIG',
        `The pool adapter sends from ${request.from}, not the super node ${settings.superNodeAccount}.`,
        { details: { from: request.from } },
      );
    }
    const outcome = await send(request);
    for (const { item } of signed) {
      results.set(
        item,
        outcome.ok
          ? { outcome: 'done', txHash: outcome.txHash }
          : { outcome: 'failed', error: outcome.error },
      );
    }
  }

  /**
   * The items the pool can pay for now: a deposit or stake pulls its amount from the pool
   * (StaFi `withdrawExcessBalanceForSuperNode`), which reverts when the pool holds less. After
   * users withdrew (the pool below what the plan set aside), the first items that fit go now and
   * the rest fail retryably, so their lifecycles wait on a backoff until deposits refill the pool
   * instead of halting. The reserve is not held back here: it limits new validators (the plan),
   * and these were already deposited or planned against it.
   */
  async function whatThePoolPays(
    items: BatchItem[],
    amountWei: bigint,
    what: 'stakes' | 'deposits',
    results: Results,
  ): Promise<BatchItem[]> {
    const balance = BigInt((await pool.getBalance()).balanceWei);
    const fit = Number(balance / amountWei);
    for (const item of items.slice(fit)) {
      results.set(item, {
        outcome: 'failed',
        error: itemError(
          'ERR_TX_STATE_CHANGED',
          `The pool holds ${formatEther(balance)} ETH, enough for ${fit} of ${items.length} ${what} of ${formatEther(amountWei)} ETH; pubkey ${item.pubkey} waits for deposits to refill it.`,
        ),
      });
    }
    return items.slice(0, fit);
  }

  /** Operator RSA keys from the SSV API, each parsed; a bad or missing key fails the batch items. */
  async function operatorKeys(
    operatorIds: readonly number[],
  ): Promise<ShareOperator[] | BatchItemError> {
    const operators: ShareOperator[] = [];
    for (const id of operatorIds) {
      const operator = await ssvApi.getOperator(id);
      if (operator === null || operator.id !== id) {
        return itemError('ERR_UPSTREAM_MALFORMED', `The SSV API does not know operator ${id}.`);
      }
      const share = { id, publicKey: operator.public_key };
      try {
        parseOperatorPublicKey(share);
      } catch (error) {
        const data = errorData(error);
        if (data) return data;
        throw error;
      }
      operators.push(share);
    }
    return operators;
  }

  /** The ETH a registration of `newValidators` sends so the cluster keeps the target runway. */
  async function registrationValue(
    index: ClusterIndexState,
    operatorIds: number[],
    newValidators: number,
  ): Promise<string> {
    const entry = getIndexedCluster(index, operatorIds);
    const [networkFee, liquidation, operators] = await Promise.all([
      ssv.getNetworkFee(),
      ssv.getLiquidationParameters(),
      Promise.all(operatorIds.map((id) => ssv.getOperatorById(id))),
    ]);
    const fees: FeeParameters = {
      asset: entry?.version ?? 'eth',
      operatorFees: operators.map((operator) => BigInt(operator.fee)),
      networkFee: BigInt(networkFee),
      liquidationThresholdPeriod: liquidation.thresholdPeriodBlocks,
      minimumLiquidationCollateral: BigInt(liquidation.minimumCollateralWei),
    };
    const balance =
      entry !== undefined && entry.cluster.active
        ? BigInt(await ssv.getBalance(operatorIds, entry.cluster))
        : 0n;
    const deposit = registrationDeposit({
      balance,
      validatorCount: entry?.cluster.validatorCount ?? 0,
      newValidators,
      fees,
      targetRunwayDays: settings.targetRunwayDays,
    });
    return deposit.amount.toString();
  }

  /**
   * The SSV kinds: pre-check, build from a fresh index, send; rebuilt once on a stale struct.
   * `isDone` says whether the chain already shows an item's effect.
   */
  async function ssvBatch(
    params: ExecuteBatchParameters,
    results: Results,
    isDone: (pubkey: string) => Promise<boolean>,
    build: (
      index: ClusterIndexState,
      open: BatchItem[],
      idempotencyKey: string,
    ) => Promise<PreparedSsvCall | BatchItemError>,
  ): Promise<void> {
    const attempts = [params.batchId, `${params.batchId}/resync`];
    for (const [attempt, idempotencyKey] of attempts.entries()) {
      const last = attempt === attempts.length - 1;
      const open = results.open();
      const done = await Promise.all(open.map((item) => isDone(item.pubkey)));
      open.forEach((item, i) => {
        if (done[i]) results.set(item, { outcome: 'already-done' });
      });
      const remaining = results.open();
      if (remaining.length === 0) return;
      const index = await freshIndex();
      let prepared: PreparedSsvCall | BatchItemError;
      try {
        prepared = await build(index, remaining, idempotencyKey);
      } catch (error) {
        if (!last && error instanceof DvtError && error.code === 'ERR_TX_STATE_CHANGED') continue;
        throw error;
      }
      if (!('alreadyDone' in prepared)) {
        for (const item of remaining) results.set(item, { outcome: 'failed', error: prepared });
        return;
      }
      if (prepared.alreadyDone) {
        for (const item of remaining) results.set(item, { outcome: 'already-done' });
        return;
      }
      for (const item of remaining) {
        if (prepared.skipped.includes(item.pubkey)) results.set(item, { outcome: 'already-done' });
      }
      const sent = results.open();
      const outcome = await send(prepared.request);
      if (!outcome.ok && outcome.stateChanged && !last) continue;
      for (const item of sent) {
        results.set(
          item,
          outcome.ok
            ? { outcome: 'done', txHash: outcome.txHash }
            : { outcome: 'failed', error: outcome.error },
        );
      }
      return;
    }
  }

  async function register(params: ExecuteBatchParameters, results: Results): Promise<void> {
    const operatorIds = normalizeOperatorIds(params.items[0]?.operatorIds ?? []);
    // Shares are built for this key index; make sure it is the item's pubkey before signing.
    for (const item of results.open()) {
      const { pubkey } = await keys.deriveValidatorPubkey({ keyIndex: item.keyIndex });
      if (pubkey.toLowerCase() !== item.pubkey) {
        results.set(item, { outcome: 'failed', error: mismatch(item) });
      }
    }
    if (results.open().length === 0) return;
    const operators = await operatorKeys(operatorIds);
    await registrationLock(() =>
      ssvBatch(
        params,
        results,
        (pubkey) => ssv.isRegistered(pubkey),
        async (index, open, idempotencyKey) => {
          if (!Array.isArray(operators)) return operators;
          const ownerNonce = index.ownerNonce;
          const payloads = await keys.buildBulkSharesPayloads({
            keyIndexes: open.map((item) => item.keyIndex),
            operators,
            ownerNonce,
          });
          const common = {
            index,
            operatorIds,
            ownerNonce,
            valueWei: await registrationValue(index, operatorIds, open.length),
            idempotencyKey,
            ...deadlineField(earliestDeadline(open)),
          };
          const first = payloads[0];
          if (payloads.length === 1 && first) {
            return ssv.registerValidator({
              ...common,
              publicKey: first.publicKey,
              sharesData: first.sharesData,
            });
          }
          return ssv.bulkRegisterValidator({
            ...common,
            publicKeys: payloads.map((p) => p.publicKey),
            sharesData: payloads.map((p) => p.sharesData),
          });
        },
      ),
    );
  }

  async function remove(params: ExecuteBatchParameters, results: Results): Promise<void> {
    const operatorIds = normalizeOperatorIds(params.items[0]?.operatorIds ?? []);
    await ssvBatch(
      params,
      results,
      async (pubkey) => !(await ssv.isRegistered(pubkey)),
      (index, open, idempotencyKey) =>
        ssv.bulkRemoveValidator({
          index,
          operatorIds,
          publicKeys: open.map((item) => item.pubkey),
          idempotencyKey,
          ...deadlineField(earliestDeadline(open)),
        }),
    );
  }

  function groupByCluster(items: readonly BatchItem[]): Map<string, BatchItem[]> {
    const groups = new Map<string, BatchItem[]>();
    for (const item of items) {
      const id = clusterIdOf(owner, normalizeOperatorIds(item.operatorIds ?? []));
      groups.set(id, [...(groups.get(id) ?? []), item]);
    }
    return groups;
  }

  return async function executeBatch(params) {
    checkBatch(params);
    const results = new Results(params.items);
    switch (params.kind) {
      case 'pool.deposit':
      case 'pool.stake':
        await poolBatch(params, results);
        break;
      case 'ssv.register':
        // One owner, possibly several clusters: one registration per cluster, in turn, each
        // reading the owner nonce after the previous one was mined.
        for (const [clusterId, items] of groupByCluster(params.items)) {
          await register({ ...params, batchId: `${params.batchId}/${clusterId}`, items }, results);
        }
        break;
      case 'ssv.remove':
        await remove(params, results);
        break;
    }
    return results.list();
  };
}

function mismatch(item: BatchItem): BatchItemError {
  return itemError(
    'ERR_INVALID_INPUT',
    `Key index ${item.keyIndex} does not derive pubkey ${item.pubkey} (item ${item.itemKey}).`,
  );
}
