// An in-memory chain for the owner-index tests: blocks with hashes and ABI-encoded SSVNetwork logs
// of one owner, answered through the few Provider methods the index sync uses, with every
// eth_getLogs range recorded. `reorg` replaces the blocks from a height on, as a fork would;
// `beforeBlockRead` and `beforeLogsOf` run a hook (a reorg, or a failure as an RPC error would
// give) just before a block read or an eth_getLogs call is answered.
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

/** What a failing RPC call rejects with (ethers would give a network or server error). */
export class FakeRpcError extends Error {
  override readonly name = 'FakeRpcError';
}

interface LogFilter {
  address: string;
  topics: [string[], string];
  fromBlock: number;
  toBlock: number;
}

interface BlockHook {
  blockNumber: number;
  /** Reads of the block still to come before the hook runs (1: the next). */
  nth: number;
  hook: () => void;
}

interface LogsHook {
  blockNumber: number;
  hook: () => void;
  remaining: number;
}

/** Runs `hook`; what it throws becomes the rejection of the call it stands before. */
function runHook<T>(hook: () => void, answer: () => T): Promise<T> {
  try {
    hook();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
  return Promise.resolve(answer());
}

/** The chain; block 0 is genesis, every later block is mined by `mine`. */
export class FakeSsvChain {
  readonly blocks: FakeBlock[] = [];
  /** `[fromBlock, toBlock]` of every eth_getLogs call, in order. */
  readonly logRanges: [number, number][] = [];
  private fork = 'main';
  private readonly blockHooks: BlockHook[] = [];
  private readonly logsHooks: LogsHook[] = [];

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

  /**
   * Runs `hook` once, as the `nth` next eth_getBlockByNumber read of `blockNumber` by number
   * (1: the very next) arrives; the read answers from the chain as the hook left it, and fails
   * with what the hook throws.
   */
  beforeBlockRead(blockNumber: number, hook: () => void, nth = 1): void {
    this.blockHooks.push({ blockNumber, nth, hook });
  }

  /**
   * Makes one read of `blockNumber` by number fail, as a down RPC would: the `nth` next read and
   * the `tries − 1` after it (readChain tries a read 3 times before it gives up).
   */
  failBlockRead(blockNumber: number, nth = 1, tries = 3): void {
    for (let i = 0; i < tries; i++) {
      this.beforeBlockRead(
        blockNumber,
        () => {
          throw new FakeRpcError(`connection reset reading block ${blockNumber}`);
        },
        nth + i,
      );
    }
  }

  /**
   * Runs `hook` as each of the next `times` eth_getLogs calls whose range holds `blockNumber`
   * arrives, before it is answered; the call answers from the chain as the hook left it, and fails
   * with what the hook throws.
   */
  beforeLogsOf(blockNumber: number, hook: () => void, times = 1): void {
    this.logsHooks.push({ blockNumber, hook, remaining: times });
  }

  hash(blockNumber: number): string {
    const block = this.blocks[blockNumber];
    if (!block) throw new Error(`no block ${blockNumber}`);
    return block.hash;
  }

  readonly provider = {
    getBlockNumber: () => Promise.resolve(this.head),
    getBlock: (tag: number | 'latest') => {
      const due = tag === 'latest' ? [] : this.dueBlockHooks(tag);
      return runHook(
        () => {
          for (const entry of due) entry.hook();
        },
        () => {
          const blockNumber = tag === 'latest' ? this.head : tag;
          const block = this.blocks[blockNumber];
          return block ? { number: blockNumber, hash: block.hash } : null;
        },
      );
    },
    getLogs: (filter: LogFilter) => {
      this.logRanges.push([filter.fromBlock, filter.toBlock]);
      const due = this.logsHooks.find(
        (entry) =>
          entry.remaining > 0 &&
          entry.blockNumber >= filter.fromBlock &&
          entry.blockNumber <= filter.toBlock,
      );
      if (due !== undefined) due.remaining--;
      return runHook(due?.hook ?? (() => undefined), () => this.logsFor(filter));
    },
  } as unknown as Provider;

  /** Counts a read of `blockNumber` against its hooks; returns those due now, and forgets them. */
  private dueBlockHooks(blockNumber: number): BlockHook[] {
    const due: BlockHook[] = [];
    for (const entry of this.blockHooks) {
      if (entry.blockNumber === blockNumber && --entry.nth === 0) due.push(entry);
    }
    const waiting = this.blockHooks.filter((entry) => entry.nth > 0);
    this.blockHooks.splice(0, this.blockHooks.length, ...waiting);
    return due;
  }

  private logsFor(filter: LogFilter): Log[] {
    const [topic0s, ownerTopic] = filter.topics;
    return this.blocks
      .slice(filter.fromBlock, filter.toBlock + 1)
      .flatMap((block) => block.logs)
      .filter(
        (log) =>
          log.address === filter.address.toLowerCase() &&
          topic0s.includes(log.topics[0] ?? '') &&
          log.topics[1] === ownerTopic,
      );
  }
}

/** topic1 of `owner`, for checks. */
export const ownerTopic = (owner: string): string => zeroPadValue(owner, 32).toLowerCase();
