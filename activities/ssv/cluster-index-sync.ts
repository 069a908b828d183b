/**
 * Keeps the SSV owner index (domain/ssv/cluster-index.ts) in step with the chain: fetches the
 * SSVNetwork logs whose topic1 is the owner — our own registrations and removals, and third
 * parties' deposits, liquidations and balance updates into our clusters, which all index the
 * cluster owner — by block ranges, decodes them and folds them strictly in (block, logIndex)
 * order.
 *
 * Durable: the result is plain JSON. The caller stores `state` (e.g. in workflow history or a
 * continue-as-new input) and passes it back; resuming from a stored state gives the same index as
 * a full scan, because blocks are scanned exactly once and the fold rejects anything at or before
 * its cursor. Read-only, so any retry is safe.
 * Errors: `ERR_UPSTREAM_UNAVAILABLE` (RPC, after shrinking the range to one block),
 * `ERR_INVALID_INPUT` (a stored state of another owner, or events that do not fit the index).
 *
 * `makeOwnerIndex` is the worker's copy: folded to the head for the newest cluster structs, with a
 * confirmed checkpoint `confirmations` blocks behind it that is snapshotted to an
 * `IndexSnapshotStore` (index-snapshot-store.ts) and that a reorg rolls back to.
 */
import { getAddress, zeroPadValue, type Block, type Log, type Provider } from 'ethers';
import { DvtError } from '../../domain/errors.js';
import {
  createClusterIndex,
  foldClusterEvents,
  isAfter,
  type ClusterIndexState,
  type EventPosition,
  type SsvOwnerEvent,
} from '../../domain/ssv/cluster-index.js';
import { readChain } from '../chain/chain-read.js';
import { SSV_OWNER_EVENT_TOPICS, decodeSsvOwnerLog } from './decode-ssv-log.js';
import type {
  IndexSnapshot,
  IndexSnapshotKey,
  IndexSnapshotStore,
} from './index-snapshot-store.js';
import type { FieldLogger } from '../field-logger.js';

/** What the caller stores between syncs (JSON). */
export interface ClusterIndexSyncState {
  index: ClusterIndexState;
  /** Last block whose logs are folded into `index`; null before the first sync. */
  scannedToBlock: number | null;
}

/** Dependencies of {@link makeClusterIndexSync}. */
export interface ClusterIndexSyncDeps {
  provider: Provider;
  ssvNetwork: string;
  owner: string;
  /** First block to scan: the SSVNetwork deployment block (mainnet 17,507,487). */
  fromBlock: number;
  /** First block of v2 logic (mainnet upgrade block; a v2-only devnet: 0). Default 0. */
  v2UpgradeBlock?: number;
  /** Blocks per `eth_getLogs`; default 10,000. Halved on failure, down to one block. */
  blockRange?: number;
  /** Blocks behind the head left unscanned (reorg safety); default 0. */
  confirmations?: number;
}

/** What {@link ClusterIndexSync.sync} returns. */
export interface ClusterIndexSyncResult {
  state: ClusterIndexSyncState;
  /** Events folded by this call. */
  eventsApplied: number;
  /** Those events, in fold order. */
  events: SsvOwnerEvent[];
  /** Blocks scanned by this call (fromBlock > toBlock when there was nothing new). */
  fromBlock: number;
  toBlock: number;
  /** `eth_getLogs` calls made (pagination visible to callers and tests). */
  requests: number;
}

/** Makes an index synchroniser for one owner. */
export function makeClusterIndexSync(deps: ClusterIndexSyncDeps) {
  const { provider } = deps;
  const ssvNetwork = getAddress(deps.ssvNetwork);
  const owner = getAddress(deps.owner);
  const ownerTopic = zeroPadValue(owner, 32).toLowerCase();
  const maxRange = deps.blockRange ?? 10_000;
  const confirmations = deps.confirmations ?? 0;
  if (!Number.isSafeInteger(maxRange) || maxRange < 1) {
    throw new DvtError('ERR_CONFIG', 'blockRange must be a positive integer.', {
      details: { blockRange: String(deps.blockRange) },
    });
  }

  /** An empty state that starts scanning at `fromBlock`. */
  function initialState(): ClusterIndexSyncState {
    return {
      index: createClusterIndex({ owner, v2UpgradeBlock: deps.v2UpgradeBlock ?? 0 }),
      scannedToBlock: null,
    };
  }

  /** What the index is built from: the snapshot identity besides the chain id. */
  const scope = Object.freeze({
    ssvNetwork,
    owner,
    fromBlock: deps.fromBlock,
    v2UpgradeBlock: deps.v2UpgradeBlock ?? 0,
  });

  async function getBlock(tag: number | 'latest'): Promise<Block | null> {
    return readChain(
      {
        what: 'eth_getBlockByNumber',
        details: { block: tag === 'latest' ? 'latest' : tag },
      },
      () => provider.getBlock(tag),
    );
  }

  /** Number and hash (lower-case) of the head block. */
  async function head(): Promise<{ number: number; hash: string }> {
    const block = await getBlock('latest');
    if (block?.hash == null) {
      throw new DvtError('ERR_UPSTREAM_UNAVAILABLE', 'The RPC returned no head block.', {
        hint: 'Check the execution RPC endpoint; the call is retried.',
      });
    }
    return { number: block.number, hash: block.hash.toLowerCase() };
  }

  /** Hash (lower-case) of canonical block `blockNumber`, or null when the node has none. */
  async function blockHash(blockNumber: number): Promise<string | null> {
    const block = await getBlock(blockNumber);
    return block?.hash?.toLowerCase() ?? null;
  }

  async function getLogs(fromBlock: number, toBlock: number): Promise<Log[]> {
    return readChain({ what: 'SSVNetwork eth_getLogs', details: { fromBlock, toBlock } }, () =>
      provider.getLogs({
        address: ssvNetwork,
        topics: [[...SSV_OWNER_EVENT_TOPICS], ownerTopic],
        fromBlock,
        toBlock,
      }),
    );
  }

  /**
   * Scans from the block after `state.scannedToBlock` (or `fromBlock`) up to `toBlock` (default:
   * head − confirmations) and folds the events. Pass null/undefined for a full scan.
   */
  async function sync(
    stored?: ClusterIndexSyncState | null,
    options: { toBlock?: number } = {},
  ): Promise<ClusterIndexSyncResult> {
    const start = stored ?? initialState();
    if (start.index.owner !== owner.toLowerCase()) {
      throw new DvtError('ERR_INVALID_INPUT', 'The stored SSV index belongs to another owner.', {
        details: { storedOwner: start.index.owner, owner },
      });
    }
    const head =
      options.toBlock ??
      (await readChain({ what: 'eth_blockNumber' }, () => provider.getBlockNumber())) -
        confirmations;
    const fromBlock = start.scannedToBlock === null ? deps.fromBlock : start.scannedToBlock + 1;
    let index = start.index;
    const applied: SsvOwnerEvent[] = [];
    let requests = 0;
    let range = maxRange;
    let from = fromBlock;
    while (from <= head) {
      const to = Math.min(head, from + range - 1);
      let logs: Log[];
      try {
        requests++;
        logs = await getLogs(from, to);
      } catch (error) {
        // Providers cap ranges or result sizes; shrink the window before giving up.
        if (range > 1 && error instanceof DvtError && error.code === 'ERR_UPSTREAM_UNAVAILABLE') {
          range = Math.max(1, Math.floor(range / 2));
          continue;
        }
        throw error;
      }
      const events = logs
        .map(decodeSsvOwnerLog)
        .filter((event): event is SsvOwnerEvent => event !== null)
        .filter((event) => index.cursor === null || isAfter(event, index.cursor))
        .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
      index = foldClusterEvents(index, events);
      applied.push(...events);
      from = to + 1;
    }
    return {
      state: { index, scannedToBlock: head >= fromBlock ? head : start.scannedToBlock },
      eventsApplied: applied.length,
      events: applied,
      fromBlock,
      toBlock: head,
      requests,
    };
  }

  return { scope, initialState, sync, head, blockHash };
}

/** An owner-index synchroniser. */
export type ClusterIndexSync = ReturnType<typeof makeClusterIndexSync>;

/** The owner index kept in memory and synced to the head on every call. */
export type OwnerIndex = () => Promise<ClusterIndexState>;

/** Options of {@link makeOwnerIndex}. */
export interface OwnerIndexOptions {
  /** Chain id of the provider; part of the snapshot identity. Required with a `store`. */
  chainId?: number;
  /** Where the confirmed checkpoint is snapshotted; none: kept in memory only. */
  store?: IndexSnapshotStore | null;
  /**
   * Follow distance of the confirmed checkpoint (and so of the snapshot): only blocks at least
   * this deep are folded into it. Default 1.
   */
  confirmations?: number;
  /**
   * A snapshot is written whenever the checkpoint gained events, and otherwise once it moved this
   * many blocks past the last one written (an idle owner does not rewrite the file per block).
   * Default 100.
   */
  snapshotEveryBlocks?: number;
  /** Start-up and reorg lines; none: silent. */
  logger?: FieldLogger | null;
}

/** A sync state and the hash of its last scanned block, read before the logs up to it. */
interface Checkpoint {
  state: ClusterIndexSyncState & { scannedToBlock: number };
  blockHash: string;
}

/**
 * The owner's cluster index, kept per process and brought up to the chain head before every use
 * (the chain stays the truth; the cache only saves rescanning old blocks). Syncs never overlap.
 * Build one per worker and share it: every consumer of a separate one rescans from the deploy
 * block.
 *
 * Two checkpoints are kept. The tip is folded up to the head, so callers get the newest cluster
 * structs. The confirmed checkpoint trails it by at least `confirmations` blocks; it is what the
 * `store` receives, and what a reorg rolls back to. Every sync first checks that the tip's block
 * hash is still canonical; if not (a reorg, logged), the tip is dropped and rebuilt from the
 * confirmed checkpoint, and if that block was replaced too, from the last stored snapshot whose
 * block is still canonical, else from the first block. Without a tip (a previous sync or rollback
 * failed half-way, e.g. on an RPC error) the confirmed checkpoint's own hash is checked the same
 * way; until a check of it succeeded after a reorg, nothing is built on it and no snapshot is
 * written. On the first sync the stored snapshot is loaded when it was built for this chain id,
 * SSVNetwork, owner, first block and v2 upgrade block and its block is canonical; otherwise the
 * log says why and the index rescans. A snapshot that cannot be read or written is a warning,
 * never an error.
 *
 * What a confirmed checkpoint (and so a snapshot) guarantees: its block hash was read before the
 * logs up to it were fetched and read again, with the same answer, after them — right after the
 * scan when it is the scan target, by the next sync's tip check when it is a promoted tip — and
 * the checkpoint it was built on was found canonical in between. A block hash commits to every
 * block below it, so a reorg at or below the checkpoint block while its logs were read is detected
 * (a changed target hash keeps the previous checkpoint and fails the sync with the retryable
 * `ERR_UPSTREAM_UNAVAILABLE`), unless the chain left that branch and came back between the two
 * reads. `eth_getLogs` answers carry no block hash, so logs served from a node on another branch
 * than both hash reads (a load balancer over nodes that disagree) are not detected.
 */
export function makeOwnerIndex(
  indexSync: ClusterIndexSync,
  options: OwnerIndexOptions = {},
): OwnerIndex {
  const confirmations = options.confirmations ?? 1;
  const snapshotEveryBlocks = options.snapshotEveryBlocks ?? 100;
  const store = options.store ?? null;
  const logger = options.logger ?? null;
  for (const [name, value, min] of [
    ['confirmations', confirmations, 0],
    ['snapshotEveryBlocks', snapshotEveryBlocks, 1],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < min) {
      throw new DvtError('ERR_CONFIG', `${name} must be an integer of at least ${min}.`, {
        details: { [name]: String(value) },
      });
    }
  }
  const { scope } = indexSync;
  let key: IndexSnapshotKey | null = null;
  if (store !== null) {
    if (options.chainId === undefined || !Number.isSafeInteger(options.chainId)) {
      throw new DvtError('ERR_CONFIG', 'An SSV index snapshot store needs the chain id.', {
        hint: 'Pass chainId to makeOwnerIndex with the store.',
      });
    }
    key = { chainId: options.chainId, ssvNetwork: scope.ssvNetwork, owner: scope.owner };
  }
  const where = {
    ssvNetwork: scope.ssvNetwork,
    owner: scope.owner,
    ...(store !== null ? { snapshotStore: store.location } : {}),
  };
  const beforeFirst = scope.fromBlock - 1;

  let loaded = false;
  let confirmed: Checkpoint | null = null;
  let tip: Checkpoint | null = null;
  /** Events folded into the tip after the confirmed checkpoint, in order. */
  let pending: SsvOwnerEvent[] = [];
  /**
   * Tips scanned since the confirmed checkpoint, oldest first; only promoted after the next sync's
   * hash check confirmed the newest of them (and so every earlier one).
   */
  let tips: { blockNumber: number; blockHash: string }[] = [];
  /** Block and cursor of the snapshot in the store, to skip rewriting an unchanged one. */
  let stored: { blockNumber: number; cursor: EventPosition | null } | null = null;
  /**
   * Set from the moment a reorg is seen until the confirmed checkpoint's hash was read again and
   * matched (or the checkpoint was replaced): its block may be orphaned, so nothing is built on it
   * and it is not snapshotted. A failed read leaves it set, and the next sync checks again.
   */
  let unverified = false;

  const blockOf = (checkpoint: Checkpoint | null): number =>
    checkpoint === null ? beforeFirst : checkpoint.state.scannedToBlock;

  /** The stored snapshot when it is usable; logs why not otherwise. */
  async function loadSnapshot(): Promise<Checkpoint | null> {
    stored = null;
    if (store === null || key === null) return null;
    let result: Awaited<ReturnType<IndexSnapshotStore['load']>>;
    try {
      result = await store.load(key);
    } catch (error) {
      result = {
        status: 'corrupt',
        reason: error instanceof Error ? error.message : String(error),
      };
    }
    if (result.status === 'missing') {
      logger?.info(
        { ...where, fromBlock: scope.fromBlock },
        'No SSV index snapshot; scanning from the first block',
      );
      return null;
    }
    if (result.status === 'corrupt') {
      logger?.warn(
        { ...where, reason: result.reason, fromBlock: scope.fromBlock },
        'SSV index snapshot unreadable; ignoring it and scanning from the first block',
      );
      return null;
    }
    const { snapshot } = result;
    const expected = {
      chainId: key.chainId,
      ssvNetwork: key.ssvNetwork.toLowerCase(),
      owner: key.owner.toLowerCase(),
      fromBlock: scope.fromBlock,
      v2UpgradeBlock: scope.v2UpgradeBlock,
    };
    const differs = (Object.keys(expected) as (keyof typeof expected)[]).filter(
      (field) => snapshot[field] !== expected[field],
    );
    if (differs.length > 0) {
      logger?.warn(
        {
          ...where,
          differs,
          snapshot: Object.fromEntries(differs.map((field) => [field, snapshot[field]])),
          expected: Object.fromEntries(differs.map((field) => [field, expected[field]])),
        },
        'SSV index snapshot was built for another configuration; scanning from the first block',
      );
      return null;
    }
    const canonical = await indexSync.blockHash(snapshot.blockNumber);
    if (canonical !== snapshot.blockHash) {
      logger?.warn(
        {
          ...where,
          blockNumber: snapshot.blockNumber,
          snapshotHash: snapshot.blockHash,
          canonicalHash: canonical,
        },
        'SSV index snapshot block is no longer canonical (reorg); scanning from the first block',
      );
      return null;
    }
    stored = { blockNumber: snapshot.blockNumber, cursor: snapshot.state.index.cursor };
    logger?.info(
      {
        ...where,
        blockNumber: snapshot.blockNumber,
        ownerNonce: snapshot.state.index.ownerNonce,
        clusters: Object.keys(snapshot.state.index.clusters).length,
      },
      'SSV index snapshot loaded; scanning from the block after it',
    );
    return { state: snapshot.state, blockHash: snapshot.blockHash };
  }

  async function saveSnapshot(checkpoint: Checkpoint): Promise<void> {
    if (store === null || key === null) return;
    const { blockNumber, cursor } = {
      blockNumber: checkpoint.state.scannedToBlock,
      cursor: checkpoint.state.index.cursor,
    };
    const sameEvents = JSON.stringify(cursor) === JSON.stringify(stored?.cursor ?? null);
    if (
      stored !== null &&
      sameEvents &&
      (blockNumber <= stored.blockNumber || blockNumber - stored.blockNumber < snapshotEveryBlocks)
    ) {
      return;
    }
    const snapshot: IndexSnapshot = {
      version: 1,
      chainId: key.chainId,
      ssvNetwork: key.ssvNetwork.toLowerCase(),
      owner: key.owner.toLowerCase(),
      fromBlock: scope.fromBlock,
      v2UpgradeBlock: scope.v2UpgradeBlock,
      blockNumber,
      blockHash: checkpoint.blockHash,
      state: checkpoint.state,
    };
    try {
      await store.save(snapshot);
      stored = { blockNumber, cursor };
    } catch (error) {
      logger?.warn(
        { ...where, blockNumber, reason: error instanceof Error ? error.message : String(error) },
        'SSV index snapshot not written; the index stays in memory',
      );
    }
  }

  /** Forgets the tip and everything scanned after the confirmed checkpoint. */
  function dropTip(): void {
    tip = null;
    pending = [];
    tips = [];
  }

  /**
   * Checks that the confirmed checkpoint's block is still canonical, and replaces the checkpoint
   * by the last canonical snapshot (else the first block) when it is not. Clears `unverified` only
   * once that is settled: when a read throws, the checkpoint stays suspect for the next sync.
   */
  async function verifyConfirmed(): Promise<void> {
    if (confirmed !== null) {
      const confirmedHash = await indexSync.blockHash(confirmed.state.scannedToBlock);
      if (confirmedHash !== confirmed.blockHash) {
        logger?.warn(
          {
            ...where,
            blockNumber: confirmed.state.scannedToBlock,
            indexedHash: confirmed.blockHash,
            canonicalHash: confirmedHash,
          },
          'SSV index reorg replaced the confirmed checkpoint; resuming from the last canonical snapshot',
        );
        confirmed = await loadSnapshot();
      }
    }
    unverified = false;
  }

  /** Drops the tip after a reorg, and the confirmed checkpoint too when its block was replaced. */
  async function rollBack(replaced: { blockNumber: number; hash: string }, actual: string | null) {
    unverified = true;
    dropTip();
    logger?.warn(
      {
        ...where,
        blockNumber: replaced.blockNumber,
        indexedHash: replaced.hash,
        canonicalHash: actual,
      },
      'SSV index reorg detected; rolling back to the confirmed checkpoint',
    );
    await verifyConfirmed();
  }

  /**
   * Fails the sync when the block hash at `blockNumber` is no longer `expected`: the chain moved
   * under a scan (a reorg, or RPC nodes that disagree). The tip is dropped and the confirmed
   * checkpoint is checked again by the next sync.
   */
  async function expectHash(blockNumber: number, expected: string, step: string): Promise<void> {
    const actual = await indexSync.blockHash(blockNumber);
    if (actual === expected) return;
    unverified = true;
    dropTip();
    throw new DvtError(
      'ERR_UPSTREAM_UNAVAILABLE',
      `SSV index block ${blockNumber} changed ${step} (a reorg, or RPC nodes that disagree); the scan was discarded.`,
      {
        details: { blockNumber, expectedHash: expected, canonicalHash: actual },
        hint: 'The index keeps its previous checkpoint and rescans from it; the call is retried. If this repeats without reorgs, point the execution RPC at a single node.',
      },
    );
  }

  async function syncOnce(): Promise<ClusterIndexState> {
    /** Whether the confirmed checkpoint was found canonical during this call. */
    let checked = false;
    if (!loaded) {
      confirmed = await loadSnapshot(); // checks the snapshot's block hash
      loaded = true;
      checked = true;
    }
    const head = await indexSync.head();
    if (tip !== null && !unverified) {
      const tipBlock = tip.state.scannedToBlock;
      const actual = tipBlock === head.number ? head.hash : await indexSync.blockHash(tipBlock);
      if (actual !== tip.blockHash) {
        await rollBack({ blockNumber: tipBlock, hash: tip.blockHash }, actual);
        checked = true;
      }
    }
    // No tip vouches for the confirmed checkpoint (a failed scan or rollback left none): check it
    // itself before building on it, or a replaced block's events would stay folded for good.
    if (!checked && (tip === null || unverified)) {
      dropTip();
      await verifyConfirmed();
    }

    let base = tip ?? confirmed;
    const target = head.number - confirmations;
    if (target > blockOf(base)) {
      // The tip is behind the follow distance: scan up to it as the new confirmed checkpoint,
      // its hash read before its logs and again after them.
      const targetHash = target === head.number ? head.hash : await indexSync.blockHash(target);
      if (targetHash === null) {
        throw new DvtError(
          'ERR_UPSTREAM_UNAVAILABLE',
          `The RPC has no block ${target} below its head ${head.number}.`,
          {
            details: { blockNumber: target, head: head.number },
            hint: 'Check the execution RPC endpoint (a lagging node behind a balancer?); the call is retried.',
          },
        );
      }
      // The base was found canonical before the target hash was read; check it again after, so
      // that a reorg below it in between cannot pass unnoticed.
      if (base !== null) {
        await expectHash(blockOf(base), base.blockHash, 'as the scan after it started');
      }
      const result = await indexSync.sync(base?.state ?? null, { toBlock: target });
      // A changed hash means the logs may come from another branch than the hash: keep the
      // previous checkpoint rather than pair them.
      await expectHash(target, targetHash, 'while its logs were read');
      confirmed = { state: { ...result.state, scannedToBlock: target }, blockHash: targetHash };
      // The old tip is folded into it; a failed scan below must not leave a tip behind it.
      base = confirmed;
      dropTip();
    } else {
      // The tip already covers the follow distance: the newest earlier tip at least
      // `confirmations` deep becomes the confirmed checkpoint, with the events up to it.
      const promote = tips
        .filter((t) => t.blockNumber <= target && t.blockNumber > blockOf(confirmed))
        .at(-1);
      if (promote !== undefined) {
        const moving = pending.filter((event) => event.blockNumber <= promote.blockNumber);
        confirmed = {
          state: {
            index: foldClusterEvents(
              confirmed?.state.index ?? indexSync.initialState().index,
              moving,
            ),
            scannedToBlock: promote.blockNumber,
          },
          blockHash: promote.blockHash,
        };
        pending = pending.filter((event) => event.blockNumber > promote.blockNumber);
        tips = tips.filter((t) => t.blockNumber > promote.blockNumber);
      }
    }
    if (confirmed !== null && !unverified) await saveSnapshot(confirmed);

    if (head.number > blockOf(base)) {
      const result = await indexSync.sync(base?.state ?? null, { toBlock: head.number });
      tip = { state: { ...result.state, scannedToBlock: head.number }, blockHash: head.hash };
      pending.push(...result.events);
      tips.push({ blockNumber: head.number, blockHash: head.hash });
    } else {
      tip = base;
    }
    return tip?.state.index ?? indexSync.initialState().index;
  }

  let queue: Promise<unknown> = Promise.resolve();
  return () => {
    const run = queue.then(syncOnce);
    queue = run.catch(() => undefined);
    return run;
  };
}
