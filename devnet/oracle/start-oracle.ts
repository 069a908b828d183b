/**
 * The devnet's trusted-node oracle: watches StafiSuperNode `Deposited` events and, for each pubkey
 * still in status 1 (initial), votes `voteWithdrawCredentials` MATCH or UNMATCH by StaFi's rules
 * (specs/stafi-pool.md §8.2) from every trusted-node key it holds, skipping pubkeys a key already
 * voted (`getPubkeyVoted`), in batches of at most 30. `stalled` holds the votes back so tests can
 * observe a pubkey waiting for its vote.
 */
import { Contract, Interface, type BaseWallet } from 'ethers';

import { devnetProvider } from '../chain.js';
import { DEPOSIT_EVENT_TOPIC, decodeDepositLog } from '../beacon-sim/chain-logs.js';
import { decideCredentialVote } from './credential-vote.js';

/** Largest `voteWithdrawCredentials` batch (StaFi's oracle uses 30). */
export const MAX_VOTE_BATCH = 30;
/** `PUBKEY_STATUS_INITIAL`: deposited, waiting for the credential vote. */
const STATUS_INITIAL = 1n;

const superNodeInterface = new Interface([
  'event Deposited(address node, bytes pubkey, bytes validatorSignature)',
  'function getSuperNodePubkeyStatus(bytes pubkey) view returns (uint256)',
  'function getPubkeyVoted(bytes pubkey, address user) view returns (bool)',
  'function voteWithdrawCredentials(bytes[] pubkeys, bool[] matchs)',
]);
const settingsInterface = new Interface([
  'function getWithdrawalCredentials() view returns (bytes)',
]);
const DEPOSITED_TOPIC = superNodeInterface.getEvent('Deposited')!.topicHash;

/** Options of {@link startOracle}. */
export interface OracleOptions {
  rpcUrl: string;
  chainId: number;
  /** Trusted-node accounts that vote (each must be registered trusted in NodeManager). */
  trustedNodeKeys: readonly BaseWallet[];
  superNode: string;
  depositContract: string;
  networkSettings: string;
  /** Beacon node for rule 2 (and `GENESIS_FORK_VERSION` when not given). */
  beaconUrl?: string | undefined;
  /** The deposit domain's fork version; default read from the beacon node's config spec. */
  genesisForkVersion?: string | undefined;
  /** Milliseconds between passes; 0 disables polling (call `voteNow()`). */
  pollMs: number;
  /** Start with votes held back. */
  stalled?: boolean | undefined;
  /** First block to scan; default 0. */
  fromBlock?: number | undefined;
  /** Blocks to stay behind the head, as a beacon node follows the execution chain (a reorg shallower than this is never seen); default 0. */
  followBlocks?: number | undefined;
}

/** One vote sent. */
export interface OracleVote {
  voter: string;
  pubkey: string;
  match: boolean;
  reasons: string[];
  transactionHash: string;
}

/** A running oracle. */
export interface Oracle {
  /** Stops polling; waits for a pass in flight. Safe to call twice. */
  stop(): Promise<void>;
  /** Holds (true) or releases (false) the votes; scanning continues. */
  setStalled(stalled: boolean): void;
  /** Runs one pass now (after any pass in flight) and returns the votes it sent. */
  voteNow(): Promise<OracleVote[]>;
  /** Every vote sent so far. */
  votes(): readonly OracleVote[];
  /** The last pass's error, or null. */
  lastError(): string | null;
}

interface Candidate {
  pubkey: string;
  signature: string;
}

/**
 * Starts the oracle. Errors of a pass (RPC, beacon, a reverted vote) are kept in `lastError()` and
 * the pass is retried on the next poll; `voteNow()` rejects with them.
 */
export function startOracle(options: OracleOptions): Oracle {
  const provider = devnetProvider(options.rpcUrl, options.chainId);
  const superNode = new Contract(options.superNode, superNodeInterface, provider);
  const settings = new Contract(options.networkSettings, settingsInterface, provider);
  const wallets = options.trustedNodeKeys.map((key) => key.connect(provider));
  const superNodeAddress = options.superNode.toLowerCase();
  const depositAddress = options.depositContract.toLowerCase();
  const depositCredentials = new Map<string, string[]>();
  const candidates = new Map<string, Candidate>();
  const sent: OracleVote[] = [];
  let cursor = options.fromBlock ?? 0;
  let stalled = options.stalled ?? false;
  let stopped = false;
  let lastError: string | null = null;
  let genesisForkVersion = options.genesisForkVersion?.toLowerCase() as `0x${string}` | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function beaconJson(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${options.beaconUrl}${path}`);
    const body: unknown = response.status === 200 ? await response.json() : await response.text();
    return { status: response.status, body };
  }

  async function forkVersion(): Promise<`0x${string}`> {
    if (genesisForkVersion !== undefined) return genesisForkVersion;
    if (options.beaconUrl === undefined) {
      throw new Error('oracle needs genesisForkVersion or beaconUrl to compute the deposit domain');
    }
    const { status, body } = await beaconJson('/eth/v1/config/spec');
    const version = (body as { data?: { GENESIS_FORK_VERSION?: unknown } }).data
      ?.GENESIS_FORK_VERSION;
    if (status !== 200 || typeof version !== 'string') {
      throw new Error(`beacon config spec unavailable (HTTP ${status})`);
    }
    genesisForkVersion = version.toLowerCase() as `0x${string}`;
    return genesisForkVersion;
  }

  async function beaconCredentials(pubkey: string): Promise<string | null> {
    if (options.beaconUrl === undefined) return null;
    const { status, body } = await beaconJson(`/eth/v1/beacon/states/head/validators/${pubkey}`);
    if (status === 404) return null;
    const credentials = (body as { data?: { validator?: { withdrawal_credentials?: unknown } } })
      .data?.validator?.withdrawal_credentials;
    if (status !== 200 || typeof credentials !== 'string') {
      throw new Error(`beacon validator lookup for ${pubkey} failed (HTTP ${status})`);
    }
    return credentials;
  }

  async function scan(): Promise<void> {
    const head = (await provider.getBlockNumber()) - (options.followBlocks ?? 0);
    if (cursor > head) return;
    const logs = await provider.getLogs({
      address: [options.superNode, options.depositContract],
      fromBlock: cursor,
      toBlock: head,
    });
    const ordered = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    for (const log of ordered) {
      const address = log.address.toLowerCase();
      if (address === depositAddress && log.topics[0] === DEPOSIT_EVENT_TOPIC) {
        const deposit = decodeDepositLog(log);
        if (deposit === null) continue;
        const list = depositCredentials.get(deposit.pubkey) ?? [];
        list.push(deposit.withdrawalCredentials);
        depositCredentials.set(deposit.pubkey, list);
      } else if (address === superNodeAddress && log.topics[0] === DEPOSITED_TOPIC) {
        const parsed = superNodeInterface.parseLog(log);
        if (parsed === null) continue;
        const [, pubkey, signature] = parsed.args.toArray() as [string, string, string];
        candidates.set(pubkey.toLowerCase(), { pubkey: pubkey.toLowerCase(), signature });
      }
    }
    cursor = head + 1;
  }

  async function pass(): Promise<OracleVote[]> {
    await scan();
    if (stalled || candidates.size === 0) return [];
    const version = await forkVersion();
    const poolCredentials = (await settings
      .getFunction('getWithdrawalCredentials')
      .staticCall()) as string;
    const decisions = new Map<string, { match: boolean; reasons: string[] }>();
    for (const candidate of candidates.values()) {
      const status = (await superNode
        .getFunction('getSuperNodePubkeyStatus')
        .staticCall(candidate.pubkey)) as bigint;
      if (status !== STATUS_INITIAL) {
        candidates.delete(candidate.pubkey);
        continue;
      }
      decisions.set(
        candidate.pubkey,
        decideCredentialVote({
          pubkey: candidate.pubkey,
          poolCredentials,
          depositEventCredentials: depositCredentials.get(candidate.pubkey) ?? [],
          beaconCredentials: await beaconCredentials(candidate.pubkey),
          depositSignature: candidate.signature,
          genesisForkVersion: version,
        }),
      );
    }
    const votes: OracleVote[] = [];
    for (const wallet of wallets) {
      const todo: string[] = [];
      for (const pubkey of decisions.keys()) {
        const voted = (await superNode
          .getFunction('getPubkeyVoted')
          .staticCall(pubkey, wallet.address)) as boolean;
        if (!voted) todo.push(pubkey);
      }
      for (let start = 0; start < todo.length; start += MAX_VOTE_BATCH) {
        const batch = todo.slice(start, start + MAX_VOTE_BATCH);
        const matches = batch.map((pubkey) => decisions.get(pubkey)!.match);
        const tx = await (superNode.connect(wallet) as Contract)
          .getFunction('voteWithdrawCredentials')
          .send(batch, matches);
        const receipt = await tx.wait();
        if (receipt === null || receipt.status !== 1) {
          throw new Error(`voteWithdrawCredentials from ${wallet.address} failed (tx ${tx.hash})`);
        }
        for (const pubkey of batch) {
          const decision = decisions.get(pubkey)!;
          votes.push({ voter: wallet.address, pubkey, ...decision, transactionHash: tx.hash });
        }
      }
    }
    sent.push(...votes);
    return votes;
  }

  function runPass(): Promise<OracleVote[]> {
    const run = queue.then(pass, pass);
    queue = run.then(
      () => {
        lastError = null;
      },
      (error: unknown) => {
        lastError = error instanceof Error ? error.message : String(error);
      },
    );
    return run;
  }

  const poll = (): void => {
    timer = setTimeout(() => {
      runPass()
        .catch(() => undefined) // kept in lastError; the next pass retries
        .finally(() => {
          if (!stopped) poll();
        });
    }, options.pollMs);
  };
  if (options.pollMs > 0) poll();

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await queue;
      provider.destroy();
    },
    setStalled(value) {
      stalled = value;
    },
    voteNow: runPass,
    votes: () => sent,
    lastError: () => lastError,
  };
}
