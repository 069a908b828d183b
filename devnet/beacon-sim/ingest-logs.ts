/**
 * Execution-layer ingestion: reads logs from a block cursor, in block and log order, and hands
 * each decoded deposit, EIP-7002 request and SSV exit to the state. Pays the withdrawal sweep's
 * balances to the credentials' addresses with `hardhat_setBalance` (an addition, not a transfer).
 */
import type { JsonRpcProvider } from 'ethers';

import type { BeaconState } from './beacon-state.js';
import {
  DEPOSIT_EVENT_TOPIC,
  VALIDATOR_EXITED_TOPIC,
  decodeDepositLog,
  decodeSsvExitLog,
  decodeWithdrawalRequestLog,
  type RawLog,
} from './chain-logs.js';
import type { SimClock } from './sim-clock.js';

/** Where ingestion reads and what it feeds. */
export interface LogIngesterParameters {
  provider: JsonRpcProvider;
  state: BeaconState;
  clock: SimClock;
  depositContract: string;
  eip7002Address: string;
  ssvNetwork?: string;
  fromBlock: number;
  /** Blocks to stay behind the head, as a beacon node follows the execution chain (a reorg shallower than this is never seen); default 0. */
  followBlocks?: number;
  payWithdrawals: boolean;
  /** Block ranges per `eth_getLogs` call. */
  maxBlockRange?: number;
}

/** What one ingestion pass did. */
export interface IngestResult {
  fromBlock: number;
  toBlock: number;
  deposits: number;
  withdrawalRequests: number;
  ssvExits: number;
}

export type LogIngester = ReturnType<typeof makeLogIngester>;

/** Ingestion with a cursor; passes are serialised, so concurrent calls queue. */
export function makeLogIngester(p: LogIngesterParameters) {
  let cursor = p.fromBlock;
  let lastError: string | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const depositContract = p.depositContract.toLowerCase();
  const eip7002 = p.eip7002Address.toLowerCase();
  const ssvNetwork = p.ssvNetwork?.toLowerCase();
  const addresses = [depositContract, eip7002, ...(ssvNetwork === undefined ? [] : [ssvNetwork])];
  const range = p.maxBlockRange ?? 2000;

  async function pass(): Promise<IngestResult> {
    const head = (await p.provider.getBlockNumber()) - (p.followBlocks ?? 0);
    const result: IngestResult = {
      fromBlock: cursor,
      toBlock: head,
      deposits: 0,
      withdrawalRequests: 0,
      ssvExits: 0,
    };
    while (cursor <= head) {
      const toBlock = Math.min(head, cursor + range - 1);
      const logs = await p.provider.getLogs({ address: addresses, fromBlock: cursor, toBlock });
      const ordered = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
      for (const log of ordered) handle(log, result);
      cursor = toBlock + 1;
    }
    p.state.processTo(p.clock.currentEpoch());
    if (p.payWithdrawals) await pay();
    return result;
  }

  function handle(log: RawLog, result: IngestResult): void {
    const address = log.address.toLowerCase();
    const slot = p.clock.currentSlot();
    const epoch = p.clock.epochOf(slot);
    if (address === depositContract && log.topics[0] === DEPOSIT_EVENT_TOPIC) {
      const deposit = decodeDepositLog(log);
      if (deposit === null) return;
      p.state.enqueueDeposit(deposit, slot);
      result.deposits += 1;
    } else if (address === eip7002) {
      const request = decodeWithdrawalRequestLog(log);
      if (request === null) return;
      p.state.processTo(epoch);
      p.state.applyWithdrawalRequest(request, epoch);
      result.withdrawalRequests += 1;
    } else if (address === ssvNetwork && log.topics[0] === VALIDATOR_EXITED_TOPIC) {
      const exit = decodeSsvExitLog(log);
      if (exit === null) return;
      p.state.processTo(epoch);
      p.state.applySsvExit(exit, epoch);
      result.ssvExits += 1;
    }
  }

  async function pay(): Promise<void> {
    for (const payout of p.state.takePayouts()) {
      const balance = await p.provider.getBalance(payout.address);
      const added = balance + payout.amountGwei * 1_000_000_000n;
      await p.provider.send('hardhat_setBalance', [payout.address, `0x${added.toString(16)}`]);
    }
  }

  return {
    /** Runs one pass after any pass in flight; rejects with the RPC error of this pass. */
    ingest(): Promise<IngestResult> {
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
    },
    /** The next block to read. */
    cursor: (): number => cursor,
    /** The last pass's error, or null when it succeeded. */
    lastError: (): string | null => lastError,
  };
}
