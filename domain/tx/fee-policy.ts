/**
 * Gas policy for every transaction the router sends (pure). Fees are EIP-1559: a tip and a max
 * fee derived from the current base fee. A fee cap protects the pool from gas spikes; a deadline
 * lets a time-critical transaction go out above the cap once waiting would cost more than gas.
 */

export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

export interface GasPolicy {
  /** Highest max fee per gas the router pays before the deadline, in wei. */
  maxFeeCapWei: bigint;
  /** Tip per gas, in wei. */
  priorityFeeWei: bigint;
  /** Max fee = base fee × this / 10,000 + tip (20,000 tolerates two full blocks of base-fee rise). */
  baseFeeMultiplierBps: number;
  /** A replacement raises both fees by at least this much (nodes require ≥ 10%). */
  replacementBumpBps: number;
  /**
   * Past its deadline a time-critical transaction may pay above `maxFeeCapWei`, but never more
   * than this max fee per gas; absent: no ceiling.
   */
  deadlineFeeCapWei?: bigint;
}

export const DEFAULT_GAS_POLICY: GasPolicy = {
  maxFeeCapWei: 200_000_000_000n,
  priorityFeeWei: 1_000_000_000n,
  baseFeeMultiplierBps: 20_000,
  replacementBumpBps: 1_250,
};

export type FeeDecision =
  | { action: 'send'; fees: Fees; aboveCap: boolean; reason: string }
  | { action: 'wait'; reason: string };

export interface DecideFeesParameters {
  baseFeeWei: bigint;
  policy: GasPolicy;
  nowMs: number;
  /** After this instant the transaction is sent whatever the fees (time-critical requests). */
  deadlineMs?: number | undefined;
}

const gwei = (wei: bigint): string => {
  const whole = wei / 1_000_000_000n;
  const frac = (wei % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole.toString();
};

/** The fees the policy would pay at this base fee, ignoring the cap. */
export function quoteFees(baseFeeWei: bigint, policy: GasPolicy): Fees {
  const tip = policy.priorityFeeWei;
  return {
    maxPriorityFeePerGas: tip,
    maxFeePerGas: (baseFeeWei * BigInt(policy.baseFeeMultiplierBps)) / 10_000n + tip,
  };
}

/**
 * Whether to send now and at which fees:
 * - the quote fits under the cap: send at the quote;
 * - the deadline has passed: send at the quote even above the cap (the caller logs the reason),
 *   clamped to the past-deadline ceiling `deadlineFeeCapWei`; wait when even the base fee plus
 *   tip is above that ceiling;
 * - the base fee plus tip fits under the cap: send with the max fee clamped to the cap;
 * - otherwise wait for lower fees.
 */
export function decideFees({
  baseFeeWei,
  policy,
  nowMs,
  deadlineMs,
}: DecideFeesParameters): FeeDecision {
  const quote = quoteFees(baseFeeWei, policy);
  const cap = policy.maxFeeCapWei;
  if (quote.maxFeePerGas <= cap) {
    return { action: 'send', fees: quote, aboveCap: false, reason: 'fees within the cap' };
  }
  if (deadlineMs !== undefined && nowMs >= deadlineMs) {
    const ceiling = policy.deadlineFeeCapWei;
    if (ceiling === undefined || quote.maxFeePerGas <= ceiling) {
      return {
        action: 'send',
        fees: quote,
        aboveCap: true,
        reason:
          `deadline passed: sending at max fee ${gwei(quote.maxFeePerGas)} gwei, above the ` +
          `cap of ${gwei(cap)} gwei`,
      };
    }
    if (baseFeeWei + quote.maxPriorityFeePerGas <= ceiling) {
      return {
        action: 'send',
        fees: { maxFeePerGas: ceiling, maxPriorityFeePerGas: quote.maxPriorityFeePerGas },
        aboveCap: true,
        reason:
          `deadline passed: sending above the cap of ${gwei(cap)} gwei, max fee clamped to ` +
          `the past-deadline ceiling of ${gwei(ceiling)} gwei`,
      };
    }
    return {
      action: 'wait',
      reason:
        `deadline passed, but base fee ${gwei(baseFeeWei)} gwei plus tip is above even the ` +
        `past-deadline ceiling of ${gwei(ceiling)} gwei; waiting for lower fees`,
    };
  }
  if (baseFeeWei + quote.maxPriorityFeePerGas <= cap) {
    return {
      action: 'send',
      fees: { maxFeePerGas: cap, maxPriorityFeePerGas: quote.maxPriorityFeePerGas },
      aboveCap: false,
      reason: `max fee clamped to the cap of ${gwei(cap)} gwei`,
    };
  }
  return {
    action: 'wait',
    reason:
      `base fee ${gwei(baseFeeWei)} gwei plus tip is above the cap of ${gwei(cap)} gwei; ` +
      'waiting for lower fees',
  };
}

/**
 * Fees for a replacement of a transaction sent at `previous`: at least `replacementBumpBps` more
 * on both fields (or the node rejects it as underpriced), and at least the current quote.
 */
export function bumpFees(previous: Fees, current: Fees, policy: GasPolicy): Fees {
  const bump = (value: bigint): bigint =>
    (value * BigInt(10_000 + policy.replacementBumpBps) + 9_999n) / 10_000n;
  const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
  const tip = max(bump(previous.maxPriorityFeePerGas), current.maxPriorityFeePerGas);
  const maxFee = max(bump(previous.maxFeePerGas), current.maxFeePerGas);
  return { maxPriorityFeePerGas: tip, maxFeePerGas: maxFee < tip ? tip : maxFee };
}

/** `{ deadlineMs }` when there is a deadline, else no field (for optional-field inputs). */
export function deadlineField(deadlineMs: number | null | undefined): { deadlineMs?: number } {
  return deadlineMs === undefined || deadlineMs === null ? {} : { deadlineMs };
}

/** Whether `value` can be a deadline: whole, non-negative epoch milliseconds. */
export function isEpochMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The deadline of a batch: the earliest of its items' deadlines, or none when no item has one.
 * One time-critical item makes the whole transaction time-critical (it cannot go out without it).
 */
export function earliestDeadline(
  items: readonly { deadlineMs?: number | undefined }[],
): number | undefined {
  let earliest: number | undefined;
  for (const { deadlineMs } of items) {
    if (deadlineMs !== undefined && (earliest === undefined || deadlineMs < earliest)) {
      earliest = deadlineMs;
    }
  }
  return earliest;
}
