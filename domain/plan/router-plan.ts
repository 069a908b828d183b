/**
 * The router plan: StaFi SIP-7's algorithm (stafi-pool.md §11) with eth-ssv-client's batching rules
 * (§12), improved so deposits need not be serialised. One call decides, for one round of the pool
 * monitor, which matched keys get their 31 ETH and how many new SSV validators get their 1 ETH
 * deposit, and says why for every branch; operators read the reasons in the UI.
 *
 * Budget, in order:
 * 1. usable = pool balance − reserve (the reserve is off-chain policy for user withdrawals);
 * 2. stake matched, onboarded keys in key-index order while 31 ETH is left;
 * 3. reserve what in-flight keys still need: 32 ETH per planned deposit not yet on chain, 31 ETH per
 *    deposited key not staked yet (never spend it twice);
 * 4. new validators in 32 ETH steps (1 ETH now, 31 ETH later) from what is left, bounded by the
 *    lifetime pubkey limit, the batch size and the gas limit;
 * 5. report the SIP-7 solo-validator window and the trusted-validator backup (both informational).
 *
 * The split of a validator's 32 ETH into the pre-deposit and the stake is a parameter (1 + 31 ETH by
 * default, StaFi's super node); the amounts below name the defaults.
 *
 * Pure: every chain read is an input.
 */
import { DvtError } from '../errors.js';
import { ETHER, assertNonNegativeAmount, assertNonNegativeInteger, formatEth } from '../amounts.js';
import { nextKeyIndices } from './key-indices.js';
import type { PubkeyStatus } from './pubkey-status.js';

/** ETH a new validator takes from the pool in all: deposit + stake (1 + 31 ETH by default). */
export const VALIDATOR_AMOUNT = 32n * ETHER;
/** The default super-node deposit step (StaFi's super node pulls exactly this). */
export const DEPOSIT_AMOUNT = ETHER;
/** The default super-node stake step (StaFi's super node pulls exactly this). */
export const STAKE_AMOUNT = 31n * ETHER;
/** SIP-7's solo validator brings 12 ETH (the light-node deposit); the pool adds the rest. */
export const DEFAULT_SOLO_NODE_DEPOSIT = 12n * ETHER;
/** eth-ssv-client's gas model of a super-node deposit: fixed part … */
export const DEPOSIT_BASE_GAS = 268_921;
/** … and the part per key. */
export const DEPOSIT_GAS_PER_KEY = 162_917;

/** One key index the router has used, with its super-node status. */
export type RouterKey =
  | {
      keyIndex: number;
      /**
       * `uninitial`: claimed by a lifecycle, deposit not on chain yet. `initial`: awaiting the
       * credentials vote. `staking`: done. `unmatch`: terminal, never staked.
       */
      status: Exclude<PubkeyStatus, 'match'>;
    }
  | {
      keyIndex: number;
      status: 'match';
      /** Registered on SSV: the lifecycle onboards before it stakes. */
      onboarded: boolean;
    };

/** Whether new SSV validators can be created now. */
export type SsvPathStatus = { healthy: true } | { healthy: false; reason: string };

/** Parameters of {@link planRouterRound}. */
export interface PlanRouterRoundParameters {
  /** `StafiUserDeposit.getBalance()` in wei. */
  poolBalance: bigint;
  /** ETH kept for user withdrawals (eth-ssv-client's `poolReservedBalance`). */
  reserve: bigint;
  /** Every key index ever used by this router, with its status. */
  keys: readonly RouterKey[];
  /** `getSuperNodePubkeyLimit()`. */
  pubkeyLimit: number;
  /** `getSuperNodePubkeyCount(node)`: lifetime count of keys deposited on chain. */
  pubkeyCount: number;
  /** `getSuperNodeDepositEnabled()`. */
  depositEnabled: boolean;
  /** Configured maximum keys per deposit or stake transaction. */
  maxBatchSize: number;
  /** Configured gas limit per transaction. */
  gasLimit: number;
  /** Health of the SSV path (operators, API, clusters); when unhealthy no new SSV validators. */
  ssvPath: SsvPathStatus;
  /** Light-node deposit of SIP-7's solo validator; default 12 ETH. */
  soloNodeDeposit?: bigint;
  /**
   * A new validator's pre-deposit in wei (`router.depositAmountGwei`); default
   * {@link DEPOSIT_AMOUNT}. With `stakeAmount` it must make {@link VALIDATOR_AMOUNT}.
   */
  depositAmount?: bigint;
  /**
   * Its stake after the credentials vote in wei (`router.stakeAmountGwei`); default
   * {@link STAKE_AMOUNT}.
   */
  stakeAmount?: bigint;
}

/** Bounds on the number of new validators; the smallest one wins. */
export interface DepositBounds {
  byBalance: number;
  byPubkeyLimit: number;
  byBatchSize: number;
  byGasLimit: number;
}

/** The plan of one round. */
export interface RouterPlan {
  poolBalance: bigint;
  reserve: bigint;
  usable: bigint;
  /** Matched keys to stake now (the stake amount each, 31 ETH by default), ascending. */
  stake: { keyIndices: number[]; amount: bigint };
  /** ETH kept for in-flight keys after this round's stakes. */
  reserved: {
    amount: bigint;
    plannedDeposits: number;
    awaitingVote: number;
    awaitingStake: number;
  };
  /** New validators to deposit now (the deposit amount each; their stakes count as committed). */
  deposit: {
    keyIndices: number[];
    amount: bigint;
    /** Null when deposits are off for a reason other than a bound (SSV path, disabled flag). */
    bounds: DepositBounds | null;
    /** The bounds equal to the chosen count, when a bound decided it. */
    limitedBy: (keyof DepositBounds)[];
    /** Unused indices below the highest used one that this plan fills (should be empty). */
    filledGaps: number[];
  };
  /** ETH neither staked, deposited, nor reserved by this plan. */
  unallocated: bigint;
  /** SIP-7's solo-validator window: informational, a node operator acts manually. */
  soloWindow: {
    open: boolean;
    nodeDeposit: bigint;
    /** 32 ETH − node deposit: what the pool adds per solo validator (20 ETH for 12 ETH). */
    poolShare: bigint;
    /** Solo validators the unallocated ETH could fund now. */
    capacity: number;
    reason: string;
  };
  /** Trusted validators: only a backup when the SSV path is unavailable. */
  trustedBackup: { engaged: boolean; ethLeft: bigint; reason: string };
  /** Every decision, in order, in words. */
  reasons: string[];
}

/** Decides one round of the router; see the module comment for the order of the budget. */
export function planRouterRound(params: PlanRouterRoundParameters): RouterPlan {
  const { poolBalance, reserve, keys, pubkeyLimit, pubkeyCount, depositEnabled, ssvPath } = params;
  assertNonNegativeAmount(poolBalance, 'poolBalance');
  assertNonNegativeAmount(reserve, 'reserve');
  assertNonNegativeInteger(pubkeyLimit, 'pubkeyLimit');
  assertNonNegativeInteger(pubkeyCount, 'pubkeyCount');
  assertNonNegativeInteger(params.maxBatchSize, 'maxBatchSize');
  assertNonNegativeInteger(params.gasLimit, 'gasLimit');
  const soloNodeDeposit = params.soloNodeDeposit ?? DEFAULT_SOLO_NODE_DEPOSIT;
  if (soloNodeDeposit <= 0n || soloNodeDeposit >= VALIDATOR_AMOUNT) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      'soloNodeDeposit must be between 0 and 32 ETH, exclusive.',
      {
        details: { soloNodeDeposit: soloNodeDeposit.toString() },
      },
    );
  }
  const depositEach = params.depositAmount ?? DEPOSIT_AMOUNT;
  const stakeEach = params.stakeAmount ?? STAKE_AMOUNT;
  if (depositEach <= 0n || stakeEach <= 0n || depositEach + stakeEach !== VALIDATOR_AMOUNT) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      `depositAmount ${formatEth(depositEach)} + stakeAmount ${formatEth(stakeEach)} must be two positive amounts making 32 ETH, a validator's effective balance.`,
      {
        details: { depositAmount: depositEach.toString(), stakeAmount: stakeEach.toString() },
      },
    );
  }
  assertDistinctKeys(keys);

  const reasons: string[] = [];
  const usable = poolBalance > reserve ? poolBalance - reserve : 0n;
  reasons.push(
    poolBalance > reserve
      ? `Pool balance ${formatEth(poolBalance)} − reserve ${formatEth(reserve)} = usable ${formatEth(usable)}.`
      : `Pool balance ${formatEth(poolBalance)} does not exceed the reserve ${formatEth(reserve)}: nothing is usable.`,
  );

  const sorted = [...keys].sort((a, b) => a.keyIndex - b.keyIndex);
  const unmatched = sorted.filter((key) => key.status === 'unmatch');
  if (unmatched.length > 0) {
    reasons.push(
      `${count(unmatched.length, 'key was', 'keys were')} voted UNMATCH (${list(unmatched)}): terminal, never staked; the indices stay used.`,
    );
  }

  // 2. Stake.
  const gasBound = Math.max(
    0,
    Math.floor((params.gasLimit - DEPOSIT_BASE_GAS) / DEPOSIT_GAS_PER_KEY),
  );
  const txBound = Math.min(params.maxBatchSize, gasBound);
  const matched = sorted.filter((key) => key.status === 'match');
  const ready = matched.filter((key) => key.status === 'match' && key.onboarded);
  const notOnboarded = matched.filter((key) => key.status === 'match' && !key.onboarded);
  const byEth = Number(usable / stakeEach);
  const staked = ready.slice(0, Math.min(byEth, txBound));
  const stakeAmount = BigInt(staked.length) * stakeEach;
  if (staked.length > 0) {
    reasons.push(
      `Stake ${count(staked.length, 'matched key', 'matched keys')} at ${formatEth(stakeEach)} each (${formatEth(stakeAmount)}): key ${list(staked)}.`,
    );
  } else if (ready.length === 0) {
    reasons.push('No key is matched and onboarded on SSV: nothing to stake.');
  }
  const waiting = ready.length - staked.length;
  if (waiting > 0) {
    reasons.push(
      byEth < txBound
        ? `${count(waiting, 'matched key waits', 'matched keys wait')} for ${formatEth(stakeEach)} each: only ${formatEth(usable - stakeAmount)} usable left.`
        : `${count(waiting, 'matched key waits', 'matched keys wait')} for the next round: a stake transaction takes at most ${txBound} keys (batch size ${params.maxBatchSize}, gas limit ${params.gasLimit}).`,
    );
  }
  if (notOnboarded.length > 0) {
    reasons.push(
      `${count(notOnboarded.length, 'matched key is', 'matched keys are')} not onboarded on SSV yet (${list(notOnboarded)}): staked after registration.`,
    );
  }

  // 3. Reserve what in-flight keys still need.
  const planned = sorted.filter((key) => key.status === 'uninitial').length;
  const awaitingVote = sorted.filter((key) => key.status === 'initial').length;
  const awaitingStake = matched.length - staked.length;
  const reservedAmount =
    BigInt(planned) * VALIDATOR_AMOUNT + BigInt(awaitingVote + awaitingStake) * stakeEach;
  const afterStake = usable - stakeAmount;
  if (reservedAmount > 0n) {
    reasons.push(
      `Reserved ${formatEth(reservedAmount)} for keys in flight: ${planned} planned deposits × 32 ETH, ${awaitingVote} awaiting the credentials vote × ${formatEth(stakeEach)}, ${awaitingStake} matched not staked × ${formatEth(stakeEach)}.`,
    );
  }
  const available = afterStake > reservedAmount ? afterStake - reservedAmount : 0n;
  if (afterStake < reservedAmount) {
    reasons.push(
      `Usable ETH after stakes (${formatEth(afterStake)}) does not cover the reservations: in-flight keys wait for more pool ETH.`,
    );
  }

  // 4. New validators.
  let depositCount = 0;
  let bounds: DepositBounds | null = null;
  let limitedBy: (keyof DepositBounds)[] = [];
  if (!ssvPath.healthy) {
    reasons.push(`No new SSV validators: the SSV path is unavailable (${ssvPath.reason}).`);
  } else if (!depositEnabled) {
    reasons.push('No new SSV validators: super-node deposits are disabled on chain.');
  } else {
    bounds = {
      byBalance: Number(available / VALIDATOR_AMOUNT),
      byPubkeyLimit: Math.max(0, pubkeyLimit - pubkeyCount - planned),
      byBatchSize: params.maxBatchSize,
      byGasLimit: gasBound,
    };
    depositCount = Math.min(
      bounds.byBalance,
      bounds.byPubkeyLimit,
      bounds.byBatchSize,
      bounds.byGasLimit,
    );
    const chosen = depositCount;
    limitedBy = (Object.keys(bounds) as (keyof DepositBounds)[]).filter(
      (key) => bounds?.[key] === chosen,
    );
    reasons.push(
      depositReason(depositCount, bounds, limitedBy, {
        available,
        pubkeyLimit,
        pubkeyCount,
        planned,
        params,
        depositEach,
        stakeEach,
      }),
    );
  }
  const allocation =
    depositCount > 0
      ? nextKeyIndices({ usedIndices: sorted.map((key) => key.keyIndex), count: depositCount })
      : { indices: [], gaps: [] };
  const filledGaps = allocation.indices.filter((index) => allocation.gaps.includes(index));
  if (filledGaps.length > 0) {
    reasons.push(
      filledGaps.length === 1
        ? `Key index ${filledGaps.join(', ')} was skipped earlier and is used now: indices are never skipped.`
        : `Key indices ${filledGaps.join(', ')} were skipped earlier and are used now: indices are never skipped.`,
    );
  }
  if (depositCount > 0) {
    reasons.push(`New validators use key indices ${allocation.indices.join(', ')}.`);
  }
  const unallocated = available - BigInt(depositCount) * VALIDATOR_AMOUNT;

  // 5. Informational outputs.
  const poolShare = VALIDATOR_AMOUNT - soloNodeDeposit;
  const capacity = Number(unallocated / poolShare);
  const soloWindow = {
    open: unallocated > poolShare,
    nodeDeposit: soloNodeDeposit,
    poolShare,
    capacity,
    reason:
      unallocated > poolShare
        ? `Solo window open: ${formatEth(unallocated)} unallocated exceeds ${formatEth(poolShare)}, so ${count(capacity, 'solo validator', 'solo validators')} bringing ${formatEth(soloNodeDeposit)} could be accepted (SIP-7 light-node path, manual).`
        : `Solo window closed: ${formatEth(unallocated)} unallocated does not exceed ${formatEth(poolShare)} (SIP-7: a ${formatEth(soloNodeDeposit)} solo validator needs the pool to add ${formatEth(poolShare)}).`,
  };
  reasons.push(soloWindow.reason);
  const trustedBackup = ssvPath.healthy
    ? {
        engaged: false,
        ethLeft: 0n,
        reason: 'SSV path healthy: trusted validators stay a backup only.',
      }
    : {
        engaged: true,
        ethLeft: unallocated,
        reason: `SSV path unavailable (${ssvPath.reason}): new SSV validators are paused and ${formatEth(unallocated)} is left for trusted validators.`,
      };
  reasons.push(trustedBackup.reason);

  return {
    poolBalance,
    reserve,
    usable,
    stake: { keyIndices: staked.map((key) => key.keyIndex), amount: stakeAmount },
    reserved: { amount: reservedAmount, plannedDeposits: planned, awaitingVote, awaitingStake },
    deposit: {
      keyIndices: allocation.indices,
      amount: BigInt(depositCount) * depositEach,
      bounds,
      limitedBy,
      filledGaps,
    },
    unallocated,
    soloWindow,
    trustedBackup,
    reasons,
  };
}

interface DepositContext {
  available: bigint;
  pubkeyLimit: number;
  pubkeyCount: number;
  planned: number;
  params: PlanRouterRoundParameters;
  depositEach: bigint;
  stakeEach: bigint;
}

function depositReason(
  chosen: number,
  bounds: DepositBounds,
  limitedBy: readonly (keyof DepositBounds)[],
  { available, pubkeyLimit, pubkeyCount, planned, params, depositEach, stakeEach }: DepositContext,
): string {
  const why: Record<keyof DepositBounds, string> = {
    byBalance: `${formatEth(available)} available allows ${bounds.byBalance} at 32 ETH each`,
    byPubkeyLimit: `the lifetime pubkey limit allows ${bounds.byPubkeyLimit} (limit ${pubkeyLimit} − ${pubkeyCount} on chain − ${planned} planned)`,
    byBatchSize: `the batch size allows ${bounds.byBatchSize}`,
    byGasLimit: `the gas limit ${params.gasLimit} allows ${bounds.byGasLimit} ((gas − ${DEPOSIT_BASE_GAS}) / ${DEPOSIT_GAS_PER_KEY})`,
  };
  const because = limitedBy.map((key) => why[key]).join('; ');
  return chosen > 0
    ? `Deposit ${count(chosen, 'new validator', 'new validators')} (${formatEth(depositEach)} each now, ${formatEth(stakeEach)} committed for the stake): ${because}.`
    : `No new SSV validators: ${because}.`;
}

function count(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

function list(keys: readonly RouterKey[]): string {
  return `${keys.length === 1 ? 'index' : 'indices'} ${keys.map((key) => key.keyIndex).join(', ')}`;
}

function assertDistinctKeys(keys: readonly RouterKey[]): void {
  const seen = new Set<number>();
  for (const key of keys) {
    assertNonNegativeInteger(key.keyIndex, 'keys[].keyIndex');
    if (seen.has(key.keyIndex)) {
      throw new DvtError('ERR_INVALID_INPUT', `Key index ${key.keyIndex} is listed twice.`, {
        details: { keyIndex: key.keyIndex },
      });
    }
    seen.add(key.keyIndex);
  }
}
