/**
 * The interface between the router and a liquid-staking pool (DESIGN.md §6). Adapters read pool
 * state and BUILD transaction requests; they never sign or send (every write goes through the
 * transaction engine as a `TxRequest`). Amounts are decimal strings of wei; pubkeys lower-case
 * 0x-hex. StaFi's contracts are the first implementation (`makeStafiPoolAdapter`).
 */
import type { PubkeyStatus } from '../../domain/plan/pubkey-status.js';
import type { TxRequest } from '../chain/tx-engine.js';

/** The pool balance the router budgets from, and the reserve it never spends. */
export interface PoolBalance {
  /** What the pool holds now (StaFi: `StafiUserDeposit.getBalance()`). */
  balanceWei: string;
  /** Kept for withdrawals by off-chain policy (SIP-7); no on-chain reservation exists. */
  reserveWei: string;
  /** `max(0, balance − reserve)`. */
  usableWei: string;
}

/** One validator's deposit data in a deposit or stake batch. */
export interface DepositBatchItem {
  pubkey: string;
  signature: string;
  depositDataRoot: string;
}

/** Parameters of the batch request builders. */
export interface BuildBatchRequestParameters {
  items: readonly DepositBatchItem[];
  /** `<workflowId>/<step>` of the batch; the engine sends one transaction per key. */
  idempotencyKey: string;
  deadlineMs?: number;
}

/** Ejections a pool asks for, per withdraw cycle, by branch. */
export type PoolExitRequests =
  | {
      /** StaFi `main`: beacon validator indices stored per cycle. */
      flavour: 'main';
      currentCycle: number;
      fromCycle: number;
      /** Cycles with at least one ejection, ascending. */
      cycles: { cycle: number; validatorIndices: string[] }[];
    }
  | {
      /** StaFi `pectra`: the contract sent EIP-7002 requests for these pubkeys itself. */
      flavour: 'pectra';
      currentCycle: number;
      fromCycle: number;
      cycles: { cycle: number; pubkeys: string[] }[];
    };

/** The reads the router plans from, all answered at one block (see {@link PoolAdapter.atBlock}). */
export type PoolPlanReads = Pick<
  PoolAdapter,
  'getBalance' | 'getPubkeyStatuses' | 'getPubkeyCount' | 'getPubkeyLimit' | 'getDepositEnabled'
>;

/** What the router needs from a pool. */
export interface PoolAdapter {
  /** Pool balance, reserve and usable amount. */
  getBalance(): Promise<PoolBalance>;
  /** The 32-byte credentials every deposit must be signed for (0x-hex, lower case). */
  getWithdrawalCredentials(): Promise<string>;
  /** Status of each pubkey (keys: lower-case pubkeys, in input order). */
  getPubkeyStatuses(pubkeys: readonly string[]): Promise<Record<string, PubkeyStatus>>;
  /** Lifetime number of pubkeys the router's node account has deposited. */
  getPubkeyCount(): Promise<number>;
  /** Lifetime pubkey limit per node account. */
  getPubkeyLimit(): Promise<number>;
  /** Whether new deposits are accepted. */
  getDepositEnabled(): Promise<boolean>;
  /** Whether `voter` has voted on `pubkey`'s withdrawal credentials. */
  getPubkeyVoted(pubkey: string, voter: string): Promise<boolean>;
  /** Request of the 1 ETH deposit batch. */
  buildDepositRequest(params: BuildBatchRequestParameters): Promise<TxRequest>;
  /** Request of the 31 ETH stake batch. */
  buildStakeRequest(params: BuildBatchRequestParameters): Promise<TxRequest>;
  /** The pubkeys not yet deposited (status uninitial), input order kept. */
  filterNotDeposited(pubkeys: readonly string[]): Promise<string[]>;
  /** The pubkeys that may be staked now (status match), input order kept. */
  filterStakeable(pubkeys: readonly string[]): Promise<string[]>;
  /** Ejections per cycle from `fromCycle` (default: the pool's own start) to the current cycle. */
  getExitRequests(params?: { fromCycle?: number }): Promise<PoolExitRequests>;
  /** Where SSV validators' execution rewards must go (the SSV fee recipient). */
  getFeePoolAddress(): Promise<string>;
  /**
   * The plan's reads pinned to `blockNumber`: a balance and pubkey statuses read at different
   * heads could count one stake both as pool ETH and as done, and plan a validator the pool
   * cannot pay for.
   */
  atBlock(blockNumber: number): PoolPlanReads;
}
