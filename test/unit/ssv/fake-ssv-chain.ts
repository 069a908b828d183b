// An in-memory chain for the owner-index tests: blocks with hashes and ABI-encoded SSVNetwork logs
// of one owner, answered through the few Provider methods the index sync uses, with every
// eth_getLogs range recorded. `reorg` replaces the blocks from a height on, as a fork would.
import { Interface, id, zeroPadValue, type Log, type Provider } from 'ethers';
import { SSV_NETWORK_EVENTS_ABI } from '../../../activities/abi/ssv-network.js';

export const OWNER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const OTHER_OWNER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
export const SSV_NETWORK = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
export const CHAIN_ID = 31337;

const iface = new Interface(SSV_NETWORK_EVENTS_ABI);

/** One event to put in a block (owner indexed as topic1). */
export interface FakeEvent {
  name: 'ValidatorAdded' | 'ClusterDeposited' | 'ValidatorRemoved';
  args: unknown[];
}

/** A 48-byte public key made from a number. */
export const pubkey = (n: number): string => `0x${n.toString(16).padStart(96, '0')}`;

/** The cluster struct tuple `(validatorCount, networkFeeIndex, index, active, balance)`. */
export const struct = (validators: number, balance: bigint, index = 0n): unknown[] => [
  validators,
  0n,
  index,
  true,
  balance,
];

export const validatorAdded = (
  operatorIds: number[],
  key: number,
  cluster: unknown[],
  owner = OWNER,
): FakeEvent => ({
  name: 'ValidatorAdded',
  args: [owner, operatorIds.map(BigInt), pubkey(key), '0x', cluster],
});

export const clusterDeposited = (
  operatorIds: number[],
  value: bigint,
  cluster: unknown[],
  owner = OWNER,
): FakeEvent => ({
  name: 'ClusterDeposited',
  args: [owner, operatorIds.map(BigInt), value, cluster],
});

interface FakeBlock {
  hash: string;
  logs: Log[];
}

/** The chain; block 0 is genesis, every later block is mined by `mine`. */
export class FakeSsvChain {
  readonly blocks: FakeBlock[] = [];
  /** `[fromBlock, toBlock]` of every eth_getLogs call, in order. */
  readonly logRanges: [number, number][] = [];
  private fork = 'main';

  constructor() {
    this.blocks.push({ hash: this.hashOf(0), logs: [] });
  }

  get head(): number {
    return this.blocks.length - 1;
  }

  private hashOf(blockNumber: number): string {
    return id(`${this.fork}/${blockNumber}`);
  }

  /** Mines one block holding `events` (in log order); returns its number. */
  mine(...events: FakeEvent[]): number {
    const blockNumber = this.blocks.length;
    const hash = this.hashOf(blockNumber);
    const logs = events.map((event, index) => {
      const fragment = iface.getEvent(event.name);
      if (!fragment) throw new Error(`no event ${event.name}`);
      const encoded = iface.encodeEventLog(fragment, event.args);
      return {
        address: SSV_NETWORK.toLowerCase(),
        blockNumber,
        blockHash: hash,
        index,
        transactionIndex: index,
        removed: false,
        topics: [...encoded.topics],
        data: encoded.data,
      } as unknown as Log;
    });
    this.blocks.push({ hash, logs });
    return blockNumber;
  }

  /** Mines `count` empty blocks. */
  mineEmpty(count: number): void {
    for (let i = 0; i < count; i++) this.mine();
  }

  /** Drops the blocks from `fromBlock` on; blocks mined next belong to fork `name`. */
  reorg(fromBlock: number, name: string): void {
    this.blocks.length = fromBlock;
    this.fork = name;
  }

  hash(blockNumber: number): string {
    const block = this.blocks[blockNumber];
    if (!block) throw new Error(`no block ${blockNumber}`);
    return block.hash;
  }

  readonly provider = {
    getBlockNumber: () => Promise.resolve(this.head),
    getBlock: (tag: number | 'latest') => {
      const blockNumber = tag === 'latest' ? this.head : tag;
      const block = this.blocks[blockNumber];
      return Promise.resolve(block ? { number: blockNumber, hash: block.hash } : null);
    },
    getLogs: (filter: {
      address: string;
      topics: [string[], string];
      fromBlock: number;
      toBlock: number;
    }) => {
      this.logRanges.push([filter.fromBlock, filter.toBlock]);
      const [topic0s, ownerTopic] = filter.topics;
      const logs = this.blocks
        .slice(filter.fromBlock, filter.toBlock + 1)
        .flatMap((block) => block.logs)
        .filter(
          (log) =>
            log.address === filter.address.toLowerCase() &&
            topic0s.includes(log.topics[0] ?? '') &&
            log.topics[1] === ownerTopic,
        );
      return Promise.resolve(logs);
    },
  } as unknown as Provider;
}

/** topic1 of `owner`, for checks. */
export const ownerTopic = (owner: string): string => zeroPadValue(owner, 32).toLowerCase();
