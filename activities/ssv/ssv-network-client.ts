/**
 * SSVNetwork v2 for one cluster owner (specs/ssv-network-v2.md): request builders for every
 * owner write and the views the router needs. Builders never sign or send; they return a
 * `TxRequest` for the transaction engine, or `{ alreadyDone: true }` when the chain already shows
 * the effect (principle 1), so a retried step returns the same outcome without a second write.
 *
 * Cluster structs always come from the caller's freshly synced owner index (the latest event is
 * the only struct the contract accepts); by default each builder also checks the struct against
 * the contract with an `eth_call`, so a struct made stale by a third party fails early with the
 * retryable `ERR_TX_STATE_CHANGED` (re-sync, rebuild) instead of a reverted transaction.
 *
 * Errors: `ERR_INVALID_INPUT` (bad arguments, a call the cluster's state forbids),
 * `ERR_TX_STATE_CHANGED` (stale struct or owner nonce, a bulk call partly done),
 * `ERR_SHARES_PAYLOAD` (wrong sharesData length), `ERR_TX_REVERTED`, `ERR_UPSTREAM_UNAVAILABLE`.
 */
import { Contract, Interface, getAddress, isHexString, type Provider } from 'ethers';
import { DvtError } from '../../domain/errors.js';
import { formatAmount, parseAmount } from '../../domain/amounts.js';
import {
  clusterFromJson,
  clusterIdOf,
  clusterToJson,
  normalizeOperatorIds,
  type Cluster,
  type ClusterJson,
} from '../../domain/ssv/cluster.js';
import {
  currentClusterStruct,
  getIndexedCluster,
  type ClusterIndexEntry,
  type ClusterIndexState,
} from '../../domain/ssv/cluster-index.js';
import { SSV_NETWORK_ABI, SSV_TRANSIENT_REVERTS } from '../abi/ssv-network.js';
import { makeRevertDecoder } from '../chain/revert.js';
import type { TxRequest } from '../chain/tx-engine.js';
import { mapConcurrent, readChain } from '../chain/chain-read.js';

/** Dependencies of {@link makeSsvNetworkClient}. */
export interface SsvNetworkClientDeps {
  provider: Provider;
  /** The SSVNetwork proxy (views answer there too). */
  ssvNetwork: string;
  /** The cluster owner: sender of every owner write. */
  owner: string;
  /** Parallel `eth_call`s for many keys; default 8. */
  concurrency?: number;
}

/** A builder's answer: a request to send, or proof the effect is already on chain. */
export type PreparedSsvCall =
  | {
      alreadyDone: false;
      request: TxRequest;
      /** The cluster struct encoded into the request (null for calls without one). */
      cluster: ClusterJson | null;
      /** Keys left out of a bulk call because their effect is already on chain. */
      skipped: string[];
    }
  | { alreadyDone: true; reason: string };

/** Fields every builder takes. */
export interface BuildCommon {
  /** `<workflowId>/<step>`. */
  idempotencyKey: string;
  deadlineMs?: number;
  /** Check the struct against the contract first (default true). */
  verifyCluster?: boolean;
}

/** Operator data from `getOperatorById`; amounts as decimal strings. */
export interface OnChainOperator {
  id: number;
  owner: string;
  /** ETH fee, wei per block per 32-ETH unit. */
  fee: string;
  validatorCount: number;
  whitelistedAddress: string;
  isPrivate: boolean;
  isActive: boolean;
}

/** Makes the client. */
export function makeSsvNetworkClient(deps: SsvNetworkClientDeps) {
  const { provider } = deps;
  const ssvNetwork = getAddress(deps.ssvNetwork);
  const owner = getAddress(deps.owner);
  const concurrency = deps.concurrency ?? 8;
  const iface = new Interface(SSV_NETWORK_ABI);
  const contract = new Contract(ssvNetwork, SSV_NETWORK_ABI, provider);
  const decodeRevert = makeRevertDecoder([SSV_NETWORK_ABI]);

  function call<T>(
    method: string,
    args: unknown[],
    details: Record<string, string | number> = {},
  ): Promise<T> {
    return readChain(
      {
        what: `SSVNetwork.${method}`,
        details,
        decodeRevert,
        transientReverts: SSV_TRANSIENT_REVERTS,
      },
      () => contract.getFunction(method).staticCall(...args) as Promise<T>,
    );
  }

  const tuple = (cluster: Cluster): unknown[] => [
    cluster.validatorCount,
    cluster.networkFeeIndex,
    cluster.index,
    cluster.active,
    cluster.balance,
  ];

  function request(
    kind: string,
    method: string,
    args: unknown[],
    common: BuildCommon,
    valueWei = '0',
  ): TxRequest {
    if (typeof common.idempotencyKey !== 'string' || common.idempotencyKey.length === 0) {
      throw new DvtError('ERR_INVALID_INPUT', 'idempotencyKey must be a non-empty string.');
    }
    return {
      kind,
      idempotencyKey: common.idempotencyKey,
      from: owner,
      to: ssvNetwork,
      data: iface.encodeFunctionData(method, args),
      valueWei: formatAmount(parseAmount(valueWei, 'valueWei')),
      ...(common.deadlineMs !== undefined ? { deadlineMs: common.deadlineMs } : {}),
    };
  }

  function checkIndex(index: ClusterIndexState): void {
    if (index.owner !== owner.toLowerCase()) {
      throw new DvtError('ERR_INVALID_INPUT', 'The SSV index belongs to another owner.', {
        details: { indexOwner: index.owner, owner },
      });
    }
  }

  /** The index entry for an existing cluster; throws when the index never saw it. */
  function existing(index: ClusterIndexState, operatorIds: readonly number[]): ClusterIndexEntry {
    const entry = getIndexedCluster(index, operatorIds);
    if (entry === undefined) {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `Cluster ${clusterIdOf(owner, operatorIds)} is not in the index.`,
        {
          details: { cluster: clusterIdOf(owner, operatorIds) },
          hint: 'Sync the index first; the cluster may not exist yet.',
        },
      );
    }
    return entry;
  }

  /** eth_call `isLiquidated`: reverts IncorrectClusterState when the struct is stale. */
  async function verify(
    operatorIds: number[],
    cluster: Cluster,
    entry: ClusterIndexEntry | undefined,
    common: BuildCommon,
  ): Promise<void> {
    if (entry === undefined || common.verifyCluster === false) return;
    await call('isLiquidated', [owner, operatorIds, tuple(cluster)], {
      cluster: entry.clusterId,
    });
  }

  async function isRegistered(publicKey: string): Promise<boolean> {
    return call<boolean>('getValidator', [owner, publicKey], { publicKey });
  }

  async function registeredMap(publicKeys: readonly string[]): Promise<boolean[]> {
    return mapConcurrent(publicKeys, concurrency, (key) => isRegistered(key));
  }

  // --- registration ---------------------------------------------------------------------------

  /** Parameters of the registration builders. */
  interface RegisterParameters extends BuildCommon {
    index: ClusterIndexState;
    operatorIds: readonly number[];
    /** The owner nonce the shares were signed for (key j of a bulk call: nonce + j). */
    ownerNonce: number;
    /** ETH added to the cluster balance, decimal wei. */
    valueWei: string;
  }

  async function prepareRegistration(
    params: RegisterParameters,
    publicKeys: string[],
    sharesData: string[],
  ): Promise<
    | { done: true; reason: string }
    | { done: false; operatorIds: number[]; cluster: Cluster; keys: string[]; shares: string[] }
  > {
    checkIndex(params.index);
    const operatorIds = normalizeOperatorIds(params.operatorIds);
    if (publicKeys.length === 0 || publicKeys.length !== sharesData.length) {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        'Give one sharesData per public key (at least one).',
        {
          details: { publicKeys: publicKeys.length, sharesData: sharesData.length },
        },
      );
    }
    const keys = publicKeys.map((key) => checkBytes(key, 48, 'publicKey'));
    if (new Set(keys).size !== keys.length) {
      throw new DvtError('ERR_INVALID_INPUT', 'A bulk registration repeats a public key.');
    }
    const expectedShares = 96 + 304 * operatorIds.length;
    const shares = sharesData.map((data, i) => {
      if (!isHexString(data, expectedShares)) {
        throw new DvtError(
          'ERR_SHARES_PAYLOAD',
          `sharesData of ${keys[i]} is not ${expectedShares} bytes for ${operatorIds.length} operators.`,
          { details: { publicKey: keys[i] ?? null } },
        );
      }
      return data.toLowerCase();
    });
    const registered = await registeredMap(keys);
    const count = registered.filter(Boolean).length;
    if (count === keys.length) {
      return { done: true, reason: `already registered for owner ${owner}` };
    }
    if (count > 0) {
      throw new DvtError(
        'ERR_TX_STATE_CHANGED',
        `${count} of ${keys.length} keys of the bulk registration are already registered.`,
        {
          details: { registered: keys.filter((_, i) => registered[i]).join(',') },
          hint: 'Rebuild the shares of the remaining keys with the current owner nonce.',
        },
      );
    }
    if (params.ownerNonce !== params.index.ownerNonce) {
      throw new DvtError(
        'ERR_TX_STATE_CHANGED',
        `The shares were signed for owner nonce ${params.ownerNonce}, but the index is at ${params.index.ownerNonce}.`,
        {
          details: { signedNonce: params.ownerNonce, indexNonce: params.index.ownerNonce },
          hint: 'Sync the index and rebuild the shares; SSV nodes ignore shares with a wrong nonce.',
        },
      );
    }
    const entry = getIndexedCluster(params.index, operatorIds);
    if (entry?.version === 'ssv') {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `Cluster ${entry.clusterId} is on the legacy SSV ledger.`,
        {
          details: { cluster: entry.clusterId },
          hint: 'Migrate it with migrateClusterToETH before registering into it.',
        },
      );
    }
    const cluster = currentClusterStruct(params.index, operatorIds);
    if (!cluster.active) {
      throw new DvtError('ERR_INVALID_INPUT', `Cluster ${entry?.clusterId ?? ''} is liquidated.`, {
        details: { cluster: entry?.clusterId ?? null },
        hint: 'Reactivate the cluster before registering into it.',
      });
    }
    await verify(operatorIds, cluster, entry, params);
    return { done: false, operatorIds, cluster, keys, shares };
  }

  async function registerValidator(
    params: RegisterParameters & { publicKey: string; sharesData: string },
  ): Promise<PreparedSsvCall> {
    const prepared = await prepareRegistration(params, [params.publicKey], [params.sharesData]);
    if (prepared.done) return { alreadyDone: true, reason: prepared.reason };
    const { operatorIds, cluster, keys, shares } = prepared;
    return {
      alreadyDone: false,
      request: request(
        'ssv.registerValidator',
        'registerValidator',
        [keys[0], operatorIds, shares[0], tuple(cluster)],
        params,
        params.valueWei,
      ),
      cluster: clusterToJson(cluster),
      skipped: [],
    };
  }

  async function bulkRegisterValidator(
    params: RegisterParameters & { publicKeys: readonly string[]; sharesData: readonly string[] },
  ): Promise<PreparedSsvCall> {
    const prepared = await prepareRegistration(
      params,
      [...params.publicKeys],
      [...params.sharesData],
    );
    if (prepared.done) return { alreadyDone: true, reason: prepared.reason };
    const { operatorIds, cluster, keys, shares } = prepared;
    return {
      alreadyDone: false,
      request: request(
        'ssv.bulkRegisterValidator',
        'bulkRegisterValidator',
        [keys, operatorIds, shares, tuple(cluster)],
        params,
        params.valueWei,
      ),
      cluster: clusterToJson(cluster),
      skipped: [],
    };
  }

  // --- removal and exit -----------------------------------------------------------------------

  interface KeysParameters extends BuildCommon {
    index: ClusterIndexState;
    operatorIds: readonly number[];
    publicKeys: readonly string[];
  }

  async function prepareRemoval(params: KeysParameters, bulk: boolean): Promise<PreparedSsvCall> {
    checkIndex(params.index);
    const operatorIds = normalizeOperatorIds(params.operatorIds);
    const keys = params.publicKeys.map((key) => checkBytes(key, 48, 'publicKey'));
    if (keys.length === 0) throw new DvtError('ERR_INVALID_INPUT', 'No public keys to remove.');
    const registered = await registeredMap(keys);
    const remaining = keys.filter((_, i) => registered[i]);
    if (remaining.length === 0)
      return { alreadyDone: true, reason: 'not registered for the owner' };
    const entry = existing(params.index, operatorIds);
    const cluster = clusterFromJson(entry.cluster);
    await verify(operatorIds, cluster, entry, params);
    const skipped = keys.filter((_, i) => !registered[i]);
    const single = !bulk || remaining.length === 1;
    return {
      alreadyDone: false,
      request: single
        ? request(
            'ssv.removeValidator',
            'removeValidator',
            [remaining[0], operatorIds, tuple(cluster)],
            params,
          )
        : request(
            'ssv.bulkRemoveValidator',
            'bulkRemoveValidator',
            [remaining, operatorIds, tuple(cluster)],
            params,
          ),
      cluster: entry.cluster,
      skipped,
    };
  }

  async function prepareExit(params: KeysParameters, bulk: boolean): Promise<PreparedSsvCall> {
    checkIndex(params.index);
    const operatorIds = normalizeOperatorIds(params.operatorIds);
    const keys = params.publicKeys.map((key) => checkBytes(key, 48, 'publicKey'));
    if (keys.length === 0) throw new DvtError('ERR_INVALID_INPUT', 'No public keys to exit.');
    const registered = await registeredMap(keys);
    const unknown = keys.filter((_, i) => !registered[i]);
    if (unknown.length > 0) {
      throw new DvtError(
        'ERR_INVALID_INPUT',
        `${unknown.length} validator(s) are not registered on SSV for the owner.`,
        {
          details: { publicKeys: unknown.join(',') },
          hint: 'SSV operators only exit registered validators; sign a voluntary exit instead.',
        },
      );
    }
    const entry = existing(params.index, operatorIds);
    const remaining = keys.filter((key) => !entry.exitRequested.includes(key));
    if (remaining.length === 0)
      return { alreadyDone: true, reason: 'ValidatorExited already emitted' };
    const skipped = keys.filter((key) => entry.exitRequested.includes(key));
    const single = !bulk || remaining.length === 1;
    return {
      alreadyDone: false,
      request: single
        ? request('ssv.exitValidator', 'exitValidator', [remaining[0], operatorIds], params)
        : request('ssv.bulkExitValidator', 'bulkExitValidator', [remaining, operatorIds], params),
      cluster: null,
      skipped,
    };
  }

  // --- cluster funds and state ----------------------------------------------------------------

  interface ClusterParameters extends BuildCommon {
    index: ClusterIndexState;
    operatorIds: readonly number[];
  }

  async function liveBalance(operatorIds: number[], entry: ClusterIndexEntry): Promise<bigint> {
    const cluster = clusterFromJson(entry.cluster);
    if (!cluster.active) return cluster.balance;
    return call<bigint>('getBalance', [owner, operatorIds, tuple(cluster)], {
      cluster: entry.clusterId,
    });
  }

  return {
    owner,
    ssvNetwork,

    /**
     * `registerValidator` with the index's struct. Already done when `getValidator(owner, key)`
     * is true. Rejects shares signed for another nonce than the index's (`ERR_TX_STATE_CHANGED`).
     */
    registerValidator,

    /** `bulkRegisterValidator`; all keys registered → already done; some → `ERR_TX_STATE_CHANGED`. */
    bulkRegisterValidator,

    /** `removeValidator`; already done when the key is no longer registered for the owner. */
    removeValidator: (params: Omit<KeysParameters, 'publicKeys'> & { publicKey: string }) =>
      prepareRemoval({ ...params, publicKeys: [params.publicKey] }, false),

    /** `bulkRemoveValidator` for the keys still registered (the others are `skipped`). */
    bulkRemoveValidator: (params: KeysParameters) => prepareRemoval(params, true),

    /** `exitValidator`; already done when the index holds its `ValidatorExited`. */
    exitValidator: (params: Omit<KeysParameters, 'publicKeys'> & { publicKey: string }) =>
      prepareExit({ ...params, publicKeys: [params.publicKey] }, false),

    /** `bulkExitValidator` for the keys without a `ValidatorExited` yet. */
    bulkExitValidator: (params: KeysParameters) => prepareExit(params, true),

    /**
     * `deposit(owner, ids, struct)` with `amountWei`. A deposit adds up, so it is idempotent only
     * against a target: with `targetBalanceWei`, already done when the live balance reaches it.
     */
    async deposit(
      params: ClusterParameters & { amountWei: string; targetBalanceWei?: string },
    ): Promise<PreparedSsvCall> {
      checkIndex(params.index);
      const operatorIds = normalizeOperatorIds(params.operatorIds);
      const entry = existing(params.index, operatorIds);
      if (entry.version !== 'eth') {
        throw new DvtError(
          'ERR_INVALID_INPUT',
          `Cluster ${entry.clusterId} is on the legacy SSV ledger.`,
          {
            details: { cluster: entry.clusterId },
            hint: 'Migrate it with migrateClusterToETH; ETH deposits need an ETH cluster.',
          },
        );
      }
      const cluster = clusterFromJson(entry.cluster);
      await verify(operatorIds, cluster, entry, params);
      if (params.targetBalanceWei !== undefined) {
        const target = parseAmount(params.targetBalanceWei, 'targetBalanceWei');
        const balance = await liveBalance(operatorIds, entry);
        if (balance >= target) {
          return {
            alreadyDone: true,
            reason: `cluster balance ${balance} wei reaches the target ${target} wei`,
          };
        }
      }
      return {
        alreadyDone: false,
        request: request(
          'ssv.deposit',
          'deposit',
          [owner, operatorIds, tuple(cluster)],
          params,
          params.amountWei,
        ),
        cluster: entry.cluster,
        skipped: [],
      };
    },

    /**
     * `withdraw(ids, amount, struct)`. Already done when the cluster is empty (no validators, zero
     * balance). A retry of a sent request cannot withdraw twice: its struct is stale afterwards.
     */
    async withdraw(params: ClusterParameters & { amountWei: string }): Promise<PreparedSsvCall> {
      checkIndex(params.index);
      const operatorIds = normalizeOperatorIds(params.operatorIds);
      const amount = parseAmount(params.amountWei, 'amountWei');
      const entry = existing(params.index, operatorIds);
      const cluster = clusterFromJson(entry.cluster);
      if (cluster.validatorCount === 0 && cluster.balance === 0n) {
        return { alreadyDone: true, reason: 'cluster has no validators and no balance' };
      }
      await verify(operatorIds, cluster, entry, params);
      return {
        alreadyDone: false,
        request: request('ssv.withdraw', 'withdraw', [operatorIds, amount, tuple(cluster)], params),
        cluster: entry.cluster,
        skipped: [],
      };
    },

    /** `reactivate(ids, struct)` paying `valueWei`; already done when the cluster is active. */
    async reactivate(params: ClusterParameters & { valueWei: string }): Promise<PreparedSsvCall> {
      checkIndex(params.index);
      const operatorIds = normalizeOperatorIds(params.operatorIds);
      const entry = existing(params.index, operatorIds);
      const cluster = clusterFromJson(entry.cluster);
      await verify(operatorIds, cluster, entry, params);
      if (cluster.active) return { alreadyDone: true, reason: 'cluster is active' };
      return {
        alreadyDone: false,
        request: request(
          'ssv.reactivate',
          'reactivate',
          [operatorIds, tuple(cluster)],
          params,
          params.valueWei,
        ),
        cluster: entry.cluster,
        skipped: [],
      };
    },

    /**
     * `migrateClusterToETH(ids, struct)` paying `valueWei`; already done when the index or
     * `getClusterAssetType` shows an ETH cluster.
     */
    async migrateClusterToETH(
      params: ClusterParameters & { valueWei: string },
    ): Promise<PreparedSsvCall> {
      checkIndex(params.index);
      const operatorIds = normalizeOperatorIds(params.operatorIds);
      const entry = existing(params.index, operatorIds);
      const assetType = await call<bigint>('getClusterAssetType', [owner, operatorIds], {
        cluster: entry.clusterId,
      });
      if (entry.version === 'eth' || assetType === 1n) {
        return { alreadyDone: true, reason: 'cluster is on the ETH ledger' };
      }
      const cluster = clusterFromJson(entry.cluster);
      return {
        alreadyDone: false,
        request: request(
          'ssv.migrateClusterToETH',
          'migrateClusterToETH',
          [operatorIds, tuple(cluster)],
          params,
          params.valueWei,
        ),
        cluster: entry.cluster,
        skipped: [],
      };
    },

    /**
     * `setFeeRecipientAddress(recipient)`; already done when the owner's last
     * `FeeRecipientAddressUpdated` in the index names it (nothing is stored on chain).
     */
    setFeeRecipientAddress(
      params: BuildCommon & { index: ClusterIndexState; recipient: string },
    ): Promise<PreparedSsvCall> {
      checkIndex(params.index);
      const recipient = getAddress(params.recipient);
      if (params.index.feeRecipient === recipient.toLowerCase()) {
        return Promise.resolve({
          alreadyDone: true,
          reason: `fee recipient is already ${recipient}`,
        });
      }
      return Promise.resolve({
        alreadyDone: false,
        request: request(
          'ssv.setFeeRecipientAddress',
          'setFeeRecipientAddress',
          [recipient],
          params,
        ),
        cluster: null,
        skipped: [],
      });
    },

    // --- views --------------------------------------------------------------------------------

    /** `getVersion()`: "v2.0.0" on a v2 network. */
    getVersion: () => call<string>('getVersion', []),

    /** `getValidator(owner, publicKey)`: registered for our owner. */
    isRegistered: (publicKey: string) => isRegistered(checkBytes(publicKey, 48, 'publicKey')),

    /** `getOperatorById(id)`. */
    async getOperatorById(id: number): Promise<OnChainOperator> {
      const data = await call<[string, bigint, bigint, string, boolean, boolean]>(
        'getOperatorById',
        [id],
        {
          operatorId: id,
        },
      );
      const [operatorOwner, fee, validatorCount, whitelistedAddress, isPrivate, isActive] = data;
      return {
        id,
        owner: operatorOwner.toLowerCase(),
        fee: fee.toString(),
        validatorCount: Number(validatorCount),
        whitelistedAddress: whitelistedAddress.toLowerCase(),
        isPrivate,
        isActive,
      };
    },

    /** `getWhitelistedOperators(sortedIds, address)` (default: our owner). */
    async getWhitelistedOperators(
      operatorIds: readonly number[],
      address: string = owner,
    ): Promise<number[]> {
      const ids = [...operatorIds].sort((a, b) => a - b);
      const result = await call<bigint[]>('getWhitelistedOperators', [ids, getAddress(address)]);
      return result.map(Number);
    },

    /** `getNetworkFee()`, wei per block per 32-ETH unit. */
    getNetworkFee: async () => (await call<bigint>('getNetworkFee', [])).toString(),

    /** Liquidation parameters: minimum collateral (wei) and threshold period (blocks). */
    async getLiquidationParameters(): Promise<{
      minimumCollateralWei: string;
      thresholdPeriodBlocks: number;
    }> {
      const [collateral, period] = await Promise.all([
        call<bigint>('getMinimumLiquidationCollateral', []),
        call<bigint>('getLiquidationThresholdPeriod', []),
      ]);
      return { minimumCollateralWei: collateral.toString(), thresholdPeriodBlocks: Number(period) };
    },

    /** `getValidatorsPerOperatorLimit()`. */
    getValidatorsPerOperatorLimit: async () =>
      Number(await call<bigint>('getValidatorsPerOperatorLimit', [])),

    /** Live cluster balance in wei (`getBalance`); reverts `ClusterIsLiquidated` when inactive. */
    getBalance: async (operatorIds: readonly number[], cluster: ClusterJson) =>
      (
        await call<bigint>('getBalance', [
          owner,
          normalizeOperatorIds(operatorIds),
          tuple(clusterFromJson(cluster)),
        ])
      ).toString(),

    /** Cluster burn rate in wei per block (`getBurnRate`). */
    getBurnRate: async (operatorIds: readonly number[], cluster: ClusterJson) =>
      (
        await call<bigint>('getBurnRate', [
          owner,
          normalizeOperatorIds(operatorIds),
          tuple(clusterFromJson(cluster)),
        ])
      ).toString(),

    /** `isLiquidatable`. */
    isLiquidatable: (operatorIds: readonly number[], cluster: ClusterJson) =>
      call<boolean>('isLiquidatable', [
        owner,
        normalizeOperatorIds(operatorIds),
        tuple(clusterFromJson(cluster)),
      ]),

    /** `isLiquidated`; also the cheapest check that a struct is current (stale → `ERR_TX_STATE_CHANGED`). */
    isLiquidated: (operatorIds: readonly number[], cluster: ClusterJson) =>
      call<boolean>('isLiquidated', [
        owner,
        normalizeOperatorIds(operatorIds),
        tuple(clusterFromJson(cluster)),
      ]),
  };
}

/** The SSV network client of one owner. */
export type SsvNetworkClient = ReturnType<typeof makeSsvNetworkClient>;

function checkBytes(value: string, length: number, field: string): string {
  if (!isHexString(value, length)) {
    throw new DvtError('ERR_INVALID_INPUT', `${field} is not ${length} bytes of 0x-hex.`, {
      details: { field, value: String(value).slice(0, 100) },
    });
  }
  return value.toLowerCase();
}
