/**
 * Operator scores: a weighted mean of 24-hour performance, 30-day performance and fee, in [0, 1],
 * rounded to 6 decimals so equal inputs tie exactly and ties break by operator id.
 */
import { DvtError } from '../errors.js';
import type { OperatorCandidate } from './eligibility.js';

/** Relative weights of the score terms (any non-negative numbers, not all zero). */
export interface ScoreWeights {
  performance24h: number;
  performance30d: number;
  fee: number;
}

/** Default weights: 30-day performance matters most, then 24-hour performance, then fee. */
export const DEFAULT_SCORE_WEIGHTS: Readonly<ScoreWeights> = Object.freeze({
  performance24h: 0.3,
  performance30d: 0.5,
  fee: 0.2,
});

/**
 * `(w24 × p24/100 + w30 × p30/100 + wFee × (1 − fee/feeCap)) / (w24 + w30 + wFee)`. Performance is
 * clamped to 0–100 %; a fee at or above the cap scores 0 on the fee term, a zero fee 1.
 */
export function scoreOperator(
  candidate: Pick<OperatorCandidate, 'performance24h' | 'performance30d' | 'fee'>,
  feeCap: bigint,
  weights: ScoreWeights = DEFAULT_SCORE_WEIGHTS,
): number {
  const total = weights.performance24h + weights.performance30d + weights.fee;
  if (
    [weights.performance24h, weights.performance30d, weights.fee].some(
      (w) => !Number.isFinite(w) || w < 0,
    ) ||
    total <= 0
  ) {
    throw new DvtError(
      'ERR_INVALID_INPUT',
      'Score weights must be non-negative and not all zero.',
      {
        details: { ...weights },
      },
    );
  }
  const perf = (value: number): number =>
    Number.isFinite(value) ? Math.min(100, Math.max(0, value)) / 100 : 0;
  const feeTerm =
    feeCap === 0n || candidate.fee >= feeCap
      ? candidate.fee === 0n
        ? 1
        : 0
      : 1 - Number((candidate.fee * 1_000_000n) / feeCap) / 1_000_000;
  const raw =
    (weights.performance24h * perf(candidate.performance24h) +
      weights.performance30d * perf(candidate.performance30d) +
      weights.fee * feeTerm) /
    total;
  return Math.round(raw * 1_000_000) / 1_000_000;
}
