/**
 * Key-index allocation (stafi-pool.md §10, §12): indices are sequential, never reused and never
 * skipped. Every index whose key was ever deposited on chain stays used — including UNMATCH keys,
 * which consumed the lifetime pubkey limit — and so does every index a lifecycle has claimed.
 */
import { assertNonNegativeInteger } from '../amounts.js';

/** Parameters of {@link nextKeyIndices}. */
export interface NextKeyIndicesParameters {
  /** Every key index already used (deposited on chain or claimed by a lifecycle); any order. */
  usedIndices: readonly number[];
  /** How many new indices to hand out. */
  count: number;
}

/** What {@link nextKeyIndices} returns. */
export interface NextKeyIndicesReturnType {
  /** The indices to use, ascending. */
  indices: number[];
  /**
   * Unused indices below the highest used one. They should not exist; they are handed out first
   * (never skip) and reported so the caller can alert.
   */
  gaps: number[];
}

/** The lowest `count` indices not in `usedIndices`: gaps first, then after the highest used one. */
export function nextKeyIndices({
  usedIndices,
  count,
}: NextKeyIndicesParameters): NextKeyIndicesReturnType {
  assertNonNegativeInteger(count, 'count');
  const used = new Set<number>();
  for (const index of usedIndices) {
    assertNonNegativeInteger(index, 'usedIndices[]');
    used.add(index);
  }
  const highest = [...used].reduce((max, index) => (index > max ? index : max), -1);
  const gaps: number[] = [];
  for (let index = 0; index < highest; index += 1) {
    if (!used.has(index)) gaps.push(index);
  }
  const indices = gaps.slice(0, count);
  for (let next = highest + 1; indices.length < count; next += 1) indices.push(next);
  return { indices, gaps };
}
