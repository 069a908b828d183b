/**
 * Folds the SSVNetwork events of one cluster owner into an index (ssv-network-v2.md §4, §6;
 * ssv-api-and-shares.md §4): the latest cluster struct per operator set — whoever wrote it, e.g. a
 * third party's deposit or an oracle balance update —, the owner nonce, our validators per cluster,
 * the fee recipient, and whether each cluster is on the v2 ETH or the legacy SSV ledger.
 *
 * Events must arrive strictly in (blockNumber, logIndex) order; the state carries a cursor, is
 * plain JSON, and is never mutated, so folding can stop and resume anywhere. The index must be
 * built from the SSVNetwork deployment block (or from a state that was): an event that refers to a
 * cluster or validator the index never saw means events were missed, and is rejected.
 */
import { DvtError } from '../errors.js';
import { assertNonNegativeInteger, parseAmount } from '../amounts.js';
import {
  NEW_CLUSTER,
  clusterFromJson,
  clusterIdOf,
  clusterToJson,
  normalizeAddress,
  normalizeOperatorIds,
} from './cluster.js';
import type { Cluster, ClusterJson, ClusterVersion } from './cluster.js';

/** Position of a log on chain; events are ordered by this pair, never by block alone. */
export interface EventPosition {
  blockNumber: number;
  logIndex: number;
}

interface ClusterEventBase extends EventPosition {
  /** The cluster owner (topic1), not the sender: a third party's deposit carries our address. */
  owner: string;
  operatorIds: number[];
}

/** `ValidatorAdded(owner, operatorIds, publicKey, shares, cluster)`; shares are not needed here. */
export interface ValidatorAddedEvent extends ClusterEventBase {
  name: 'ValidatorAdded';
  publicKey: string;
  cluster: ClusterJson;
}

/** `ValidatorRemoved(owner, operatorIds, publicKey, cluster)`. */
export interface ValidatorRemovedEvent extends ClusterEventBase {
  name: 'ValidatorRemoved';
  publicKey: string;
  cluster: ClusterJson;
}

/** `ValidatorExited(owner, operatorIds, publicKey)`: no struct, no state change on chain. */
export interface ValidatorExitedEvent extends ClusterEventBase {
  name: 'ValidatorExited';
  publicKey: string;
}

/** `ClusterLiquidated` / `ClusterReactivated(owner, operatorIds, cluster)`. */
export interface ClusterStateEvent extends ClusterEventBase {
  name: 'ClusterLiquidated' | 'ClusterReactivated';
  cluster: ClusterJson;
}

/** `ClusterDeposited` / `ClusterWithdrawn(owner, operatorIds, value, cluster)`. */
export interface ClusterFundsEvent extends ClusterEventBase {
  name: 'ClusterDeposited' | 'ClusterWithdrawn';
  /** Amount in wei (SSV wei for v1 events), decimal string. */
  value: string;
  cluster: ClusterJson;
}

/** `ClusterMigratedToETH(owner, operatorIds, ethDeposited, ssvRefunded, effectiveBalance, cluster)`. */
export interface ClusterMigratedToEthEvent extends ClusterEventBase {
  name: 'ClusterMigratedToETH';
  ethDeposited: string;
  ssvRefunded: string;
  /** Whole ETH for the whole cluster. */
  effectiveBalance: number;
  cluster: ClusterJson;
}

/** `ClusterBalanceUpdated(owner, operatorIds, blockNum, effectiveBalance, cluster)` (oracle). */
export interface ClusterBalanceUpdatedEvent extends ClusterEventBase {
  name: 'ClusterBalanceUpdated';
  /** The `blockNum` argument: the oracle root's block, not the log's block. */
  oracleBlockNumber: number;
  /** Whole ETH for the whole cluster. */
  effectiveBalance: number;
  cluster: ClusterJson;
}

/** `FeeRecipientAddressUpdated(owner, recipientAddress)`. */
export interface FeeRecipientAddressUpdatedEvent extends EventPosition {
  name: 'FeeRecipientAddressUpdated';
  owner: string;
  recipientAddress: string;
}

/** Every SSVNetwork event the owner index folds, JSON-safe. */
export type SsvOwnerEvent =
  | ValidatorAddedEvent
  | ValidatorRemovedEvent
  | ValidatorExitedEvent
  | ClusterStateEvent
  | ClusterFundsEvent
  | ClusterMigratedToEthEvent
  | ClusterBalanceUpdatedEvent
  | FeeRecipientAddressUpdatedEvent;

/** What the index knows about one of the owner's clusters. */
export interface ClusterIndexEntry {
  /** `<owner>-<id>-<id>-…`. */
  clusterId: string;
  operatorIds: number[];
  version: ClusterVersion;
  /** The struct of the latest event: the only one the contract accepts next. */
  cluster: ClusterJson;
  /** Public keys (lower-case 0x-hex) registered in this cluster now, in registration order. */
  validators: string[];
  /** Registered public keys for which `ValidatorExited` was emitted. */
  exitRequested: string[];
  /**
   * Whole-cluster effective balance (ETH) last reported by `ClusterBalanceUpdated` or
   * `ClusterMigratedToETH`; null while implicit (32 ETH per validator). Later registrations and
   * removals change the contract's vUnits without reporting them, so read `getEffectiveBalance`
   * on chain when exact vUnits matter.
   */
  reportedEffectiveBalance: number | null;
  /** Position of the event that last touched this entry. */
  updatedAt: EventPosition;
}

/** The owner index; plain JSON, safe to pass through workflow history. */
export interface ClusterIndexState {
  /** Lower-case owner address. */
  owner: string;
  /** First block of v2 logic: clusters created before it are on the legacy SSV ledger. */
  v2UpgradeBlock: number;
  /** Last applied event; null before the first. */
  cursor: EventPosition | null;
  /** Next owner nonce = every `ValidatorAdded` ever emitted for the owner (valid or not). */
  ownerNonce: number;
  /** Lower-case address of the last `FeeRecipientAddressUpdated`, null if never set. */
  feeRecipient: string | null;
  /** Clusters by cluster id. */
  clusters: Record<string, ClusterIndexEntry>;
}

/** Parameters of {@link createClusterIndex}. */
export interface CreateClusterIndexParameters {
  owner: string;
  /**
   * Block where v2 logic took over (mainnet: the upgrade block; a v2-only devnet: 0). Clusters
   * whose first registration is earlier stay on the SSV ledger until `ClusterMigratedToETH`.
   */
  v2UpgradeBlock: number;
}

/** An empty index for `owner`. */
export function createClusterIndex({
  owner,
  v2UpgradeBlock,
}: CreateClusterIndexParameters): ClusterIndexState {
  assertNonNegativeInteger(v2UpgradeBlock, 'v2UpgradeBlock');
  return {
    owner: normalizeAddress(owner, 'owner'),
    v2UpgradeBlock,
    cursor: null,
    ownerNonce: 0,
    feeRecipient: null,
    clusters: {},
  };
}

/** True when position `a` comes strictly after position `b`. */
export function isAfter(a: EventPosition, b: EventPosition): boolean {
  return (
    a.blockNumber > b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex > b.logIndex)
  );
}

/**
 * Applies one event and returns the new state (the input is not changed). Throws
 * `ERR_INVALID_INPUT` for an event at or before the cursor, for another owner, with malformed
 * fields, or referring to a cluster or validator the index does not know.
 */
export function applyClusterEvent(
  state: ClusterIndexState,
  event: SsvOwnerEvent,
): ClusterIndexState {
  assertNonNegativeInteger(event.blockNumber, 'event.blockNumber');
  assertNonNegativeInteger(event.logIndex, 'event.logIndex');
  const position: EventPosition = { blockNumber: event.blockNumber, logIndex: event.logIndex };
  if (state.cursor !== null && !isAfter(position, state.cursor)) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      `SSV event ${event.name} at ${describe(position)} is not after the index cursor ${describe(state.cursor)}.`,
      {
        details: { event: event.name, ...position, owner: state.owner },
        hint: 'Apply events once each, ordered by (blockNumber, logIndex).',
      },
    );
  }
  if (normalizeAddress(event.owner, 'event.owner') !== state.owner) {
    throw new DvtError('ERR_INVALID_INPUT', `SSV event ${event.name} belongs to another owner.`, {
      details: { event: event.name, eventOwner: event.owner, owner: state.owner },
    });
  }

  if (event.name === 'FeeRecipientAddressUpdated') {
    return {
      ...state,
      cursor: position,
      feeRecipient: normalizeAddress(event.recipientAddress, 'recipientAddress'),
    };
  }

  const operatorIds = normalizeOperatorIds(event.operatorIds);
  const clusterId = clusterIdOf(state.owner, operatorIds);
  const existing = state.clusters[clusterId];
  const next = (entry: ClusterIndexEntry, ownerNonce = state.ownerNonce): ClusterIndexState => ({
    ...state,
    cursor: position,
    ownerNonce,
    clusters: { ...state.clusters, [clusterId]: entry },
  });

  if (event.name === 'ValidatorAdded') {
    const publicKey = normalizePublicKey(event.publicKey);
    const holder = findValidatorCluster(state, publicKey);
    if (holder !== undefined) {
      throw inconsistent(
        event,
        position,
        `validator ${publicKey} is already registered in ${holder}`,
      );
    }
    const base: ClusterIndexEntry = existing ?? {
      clusterId,
      operatorIds,
      version: event.blockNumber >= state.v2UpgradeBlock ? 'eth' : 'ssv',
      cluster: clusterToJson(NEW_CLUSTER),
      validators: [],
      exitRequested: [],
      reportedEffectiveBalance: null,
      updatedAt: position,
    };
    return next(
      {
        ...base,
        cluster: parseStruct(event.cluster),
        validators: [...base.validators, publicKey],
        updatedAt: position,
      },
      // The SSV nodes count every ValidatorAdded, even one they reject as malformed.
      state.ownerNonce + 1,
    );
  }

  if (existing === undefined) {
    throw inconsistent(event, position, `cluster ${clusterId} was never registered`);
  }

  switch (event.name) {
    case 'ValidatorRemoved': {
      const publicKey = normalizePublicKey(event.publicKey);
      if (!existing.validators.includes(publicKey)) {
        throw inconsistent(event, position, `validator ${publicKey} is not in ${clusterId}`);
      }
      return next({
        ...existing,
        cluster: parseStruct(event.cluster),
        validators: existing.validators.filter((key) => key !== publicKey),
        exitRequested: existing.exitRequested.filter((key) => key !== publicKey),
        updatedAt: position,
      });
    }
    case 'ValidatorExited': {
      const publicKey = normalizePublicKey(event.publicKey);
      if (!existing.validators.includes(publicKey)) {
        throw inconsistent(event, position, `validator ${publicKey} is not in ${clusterId}`);
      }
      const exitRequested = existing.exitRequested.includes(publicKey)
        ? existing.exitRequested
        : [...existing.exitRequested, publicKey];
      return next({ ...existing, exitRequested, updatedAt: position });
    }
    case 'ClusterLiquidated':
    case 'ClusterReactivated':
      return next({ ...existing, cluster: parseStruct(event.cluster), updatedAt: position });
    case 'ClusterDeposited':
    case 'ClusterWithdrawn':
      parseAmount(event.value, `${event.name}.value`);
      return next({ ...existing, cluster: parseStruct(event.cluster), updatedAt: position });
    case 'ClusterMigratedToETH':
      parseAmount(event.ethDeposited, 'ClusterMigratedToETH.ethDeposited');
      parseAmount(event.ssvRefunded, 'ClusterMigratedToETH.ssvRefunded');
      assertNonNegativeInteger(event.effectiveBalance, 'ClusterMigratedToETH.effectiveBalance');
      return next({
        ...existing,
        version: 'eth',
        cluster: parseStruct(event.cluster),
        reportedEffectiveBalance: event.effectiveBalance,
        updatedAt: position,
      });
    case 'ClusterBalanceUpdated':
      assertNonNegativeInteger(event.oracleBlockNumber, 'ClusterBalanceUpdated.oracleBlockNumber');
      assertNonNegativeInteger(event.effectiveBalance, 'ClusterBalanceUpdated.effectiveBalance');
      return next({
        ...existing,
        cluster: parseStruct(event.cluster),
        reportedEffectiveBalance: event.effectiveBalance,
        updatedAt: position,
      });
  }
}

/** Applies `events` in order with {@link applyClusterEvent}; all or nothing (throws on the first bad one). */
export function foldClusterEvents(
  state: ClusterIndexState,
  events: readonly SsvOwnerEvent[],
): ClusterIndexState {
  return events.reduce(applyClusterEvent, state);
}

/** The index entry for an operator set, or undefined if the owner never registered in it. */
export function getIndexedCluster(
  state: ClusterIndexState,
  operatorIds: readonly number[],
): ClusterIndexEntry | undefined {
  return state.clusters[clusterIdOf(state.owner, operatorIds)];
}

/**
 * The struct to pass to the next call on this operator set: the latest event's struct, or the
 * new-cluster struct `{0, 0, 0, true, 0}` when the cluster does not exist yet.
 */
export function currentClusterStruct(
  state: ClusterIndexState,
  operatorIds: readonly number[],
): Cluster {
  const entry = getIndexedCluster(state, operatorIds);
  return entry === undefined ? { ...NEW_CLUSTER } : clusterFromJson(entry.cluster);
}

/** The cluster id that holds `publicKey` now, or undefined. */
export function findValidatorCluster(
  state: ClusterIndexState,
  publicKey: string,
): string | undefined {
  const key = normalizePublicKey(publicKey);
  return Object.values(state.clusters).find((entry) => entry.validators.includes(key))?.clusterId;
}

const PUBLIC_KEY = /^0x[0-9a-fA-F]{96}$/;

function normalizePublicKey(publicKey: string): string {
  if (typeof publicKey !== 'string' || !PUBLIC_KEY.test(publicKey)) {
    throw new DvtError('ERR_INVALID_INPUT', 'Validator public key is not 48 bytes of 0x-hex.', {
      details: { publicKey: String(publicKey).slice(0, 100) },
    });
  }
  return publicKey.toLowerCase();
}

function parseStruct(json: ClusterJson): ClusterJson {
  return clusterToJson(clusterFromJson(json));
}

function describe(position: EventPosition): string {
  return `block ${position.blockNumber} log ${position.logIndex}`;
}

function inconsistent(event: SsvOwnerEvent, position: EventPosition, why: string): DvtError {
  return new DvtError(
    'ERR_INVALID_INPUT',
    `SSV event ${event.name} at ${describe(position)} does not fit the index: ${why}.`,
    {
      details: { event: event.name, ...position, owner: event.owner },
      hint: 'Rebuild the index from the SSVNetwork deployment block; events were missed or duplicated.',
    },
  );
}
