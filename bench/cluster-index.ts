/**
 * Figure 6 — cluster index sync: SSVNetwork events folded per second by the owner index.
 *
 * The history is generated, not mined: a consistent sequence of the router owner's events
 * (ValidatorAdded, ClusterDeposited, ValidatorExited, ValidatorRemoved over 40 four-operator
 * clusters, a few events per block) is ABI-encoded with the real SSVNetwork event ABI into logs,
 * and fed to the real code in two ways:
 * - `sync`: `makeClusterIndexSync` (activities/ssv/cluster-index-sync.ts) over a provider that
 *   answers `eth_getLogs` from those logs by block range (10,000-block pages, as against a node):
 *   decode + order + fold, as a worker's first scan does (RPC latency excluded);
 * - `fold`: `foldClusterEvents` (domain/ssv/cluster-index.ts) over the already decoded events.
 */
import { Interface, zeroPadValue, type Log, type Provider } from 'ethers';
import { SSV_NETWORK_EVENTS_ABI } from '../activities/abi/ssv-network.js';
import { decodeSsvOwnerLog } from '../activities/ssv/decode-ssv-log.js';
import { makeClusterIndexSync } from '../activities/ssv/cluster-index-sync.js';
import {
  createClusterIndex,
  foldClusterEvents,
  type SsvOwnerEvent,
} from '../domain/ssv/cluster-index.js';
import { summarize, type Summary } from './stats.js';

const OWNER = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const SSV_NETWORK = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const CLUSTERS = 40;
const EVENTS_PER_BLOCK = 4;

export interface ClusterIndexResults {
  events: number;
  eventMix: Record<string, number>;
  validatorsAtEnd: number;
  /** Decode + fold through makeClusterIndexSync, events per second. */
  syncEventsPerSecond: Summary;
  /** Fold only, events per second. */
  foldEventsPerSecond: Summary;
}

/** A consistent owner history of `count` logs (ABI-encoded) in chain order. */
export function generateHistory(count: number): { logs: Log[]; mix: Record<string, number> } {
  const iface = new Interface(SSV_NETWORK_EVENTS_ABI);
  const ownerTopic = zeroPadValue(OWNER, 32);
  const clusters = Array.from({ length: CLUSTERS }, (_, c) => ({
    ids: [1 + (c % 13), 14 + (c % 7), 21 + (c % 11), 32 + c].map(BigInt),
    validators: [] as string[],
    exited: new Set<string>(),
    index: 0n,
    balance: 0n,
  }));
  const mix: Record<string, number> = {};
  const logs: Log[] = [];
  let nextKey = 0;
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let i = 0; i < count; i++) {
    const cluster = clusters[Math.floor(random() * CLUSTERS)] as (typeof clusters)[number];
    const roll = random();
    let name: string;
    let args: unknown[];
    const struct = (): unknown[] => [
      cluster.validators.length,
      BigInt(i),
      cluster.index,
      true,
      cluster.balance,
    ];
    cluster.index += 1n;
    if (cluster.validators.length === 0 || roll < 0.45) {
      const publicKey = `0x${(nextKey++).toString(16).padStart(96, '0')}`;
      cluster.validators.push(publicKey);
      cluster.balance += 10n ** 16n;
      name = 'ValidatorAdded';
      args = [OWNER, cluster.ids, publicKey, '0x', struct()];
    } else if (roll < 0.75) {
      cluster.balance += 10n ** 17n;
      name = 'ClusterDeposited';
      args = [OWNER, cluster.ids, 10n ** 17n, struct()];
    } else if (roll < 0.85) {
      const publicKey = cluster.validators[Math.floor(random() * cluster.validators.length)];
      cluster.exited.add(publicKey as string);
      name = 'ValidatorExited';
      args = [OWNER, cluster.ids, publicKey];
    } else {
      const at = Math.floor(random() * cluster.validators.length);
      const [publicKey] = cluster.validators.splice(at, 1);
      cluster.exited.delete(publicKey as string);
      name = 'ValidatorRemoved';
      args = [OWNER, cluster.ids, publicKey, struct()];
    }
    mix[name] = (mix[name] ?? 0) + 1;
    const fragment = iface.getEvent(name);
    if (!fragment) throw new Error(`no event ${name}`);
    const encoded = iface.encodeEventLog(fragment, args);
    const topics = [...encoded.topics];
    topics[1] = ownerTopic;
    logs.push({
      address: SSV_NETWORK,
      blockNumber: 1 + Math.floor(i / EVENTS_PER_BLOCK),
      index: i % EVENTS_PER_BLOCK,
      transactionIndex: i % EVENTS_PER_BLOCK,
      removed: false,
      topics,
      data: encoded.data,
    } as unknown as Log);
  }
  return { logs, mix };
}

/** A provider that answers getLogs (by block range) and getBlockNumber from `logs`. */
function logsProvider(logs: readonly Log[]): Provider {
  const head = logs.at(-1)?.blockNumber ?? 0;
  return {
    getBlockNumber: () => Promise.resolve(head),
    getLogs: (filter: { fromBlock: number; toBlock: number }) => {
      // Logs are in block order: binary search the range.
      const lower = (block: number): number => {
        let lo = 0;
        let hi = logs.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((logs[mid] as Log).blockNumber < block) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      return Promise.resolve(logs.slice(lower(filter.fromBlock), lower(filter.toBlock + 1)));
    },
  } as unknown as Provider;
}

export async function measureClusterIndex(options: {
  events: number;
  runs: number;
}): Promise<ClusterIndexResults> {
  const { logs, mix } = generateHistory(options.events);
  const decoded = logs
    .map(decodeSsvOwnerLog)
    .filter((event): event is SsvOwnerEvent => event !== null);
  const sync: number[] = [];
  const fold: number[] = [];
  let validatorsAtEnd = 0;
  for (let run = 0; run < options.runs; run++) {
    const indexSync = makeClusterIndexSync({
      provider: logsProvider(logs),
      ssvNetwork: SSV_NETWORK,
      owner: OWNER,
      fromBlock: 0,
    });
    let start = performance.now();
    const result = await indexSync.sync(null);
    sync.push(result.eventsApplied / ((performance.now() - start) / 1000));

    start = performance.now();
    const state = foldClusterEvents(
      createClusterIndex({ owner: OWNER, v2UpgradeBlock: 0 }),
      decoded,
    );
    fold.push(decoded.length / ((performance.now() - start) / 1000));
    validatorsAtEnd = Object.values(state.clusters).reduce((n, c) => n + c.validators.length, 0);
    if (result.eventsApplied !== decoded.length) {
      throw new Error(`sync applied ${result.eventsApplied} of ${decoded.length} events`);
    }
  }
  return {
    events: decoded.length,
    eventMix: mix,
    validatorsAtEnd,
    syncEventsPerSecond: summarize(sync, 'events/s', { digits: 0 }),
    foldEventsPerSecond: summarize(fold, 'events/s', { digits: 0 }),
  };
}
