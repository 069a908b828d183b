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
 */
import { getAddress, zeroPadValue, type Log, type Provider } from 'ethers';
import { DvtError } from '../../domain/errors.js';
import {
  createClusterIndex,
  foldClusterEvents,
  isAfter,
  type ClusterIndexState,
  type SsvOwnerEvent,
} from '../../domain/ssv/cluster-index.js';
import { readChain } from '../chain/chain-read.js';
import { SSV_OWNER_EVENT_TOPICS, decodeSsvOwnerLog } from './decode-ssv-log.js';

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
    let eventsApplied = 0;
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
      eventsApplied += events.length;
      from = to + 1;
    }
    return {
      state: { index, scannedToBlock: head >= fromBlock ? head : start.scannedToBlock },
      eventsApplied,
      fromBlock,
      toBlock: head,
      requests,
    };
  }

  return { initialState, sync };
}

/** An owner-index synchroniser. */
export type ClusterIndexSync = ReturnType<typeof makeClusterIndexSync>;

/** The owner index kept in memory and synced to the head on every call. */
export type OwnerIndex = () => Promise<ClusterIndexState>;

/**
 * The owner's cluster index, kept per process and brought up to the chain head before every use
 * (the chain stays the truth; the cache only saves rescanning old blocks). Syncs never overlap.
 * Build one per worker and share it: every consumer of a separate one rescans from the deploy
 * block.
 */
export function makeOwnerIndex(indexSync: ClusterIndexSync): OwnerIndex {
  let state: ClusterIndexSyncState | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  return () => {
    const run = queue.then(async () => {
      const result = await indexSync.sync(state);
      state = result.state;
      return state.index;
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
