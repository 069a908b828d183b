// Branches of scoring and selection the main operators suite does not reach: performance figures
// that are not finite numbers (an API that sends NaN or Infinity), the id tie-break between
// existing clusters of equal total score, and the less common failure texts.
import { scoreOperator } from '../../../../domain/operators/scoring.js';
import { selectOperators } from '../../../../domain/operators/select-operators.js';
import type { ExistingCluster } from '../../../../domain/operators/select-operators.js';
import { POLICY, op } from '../../../fixtures/operator-candidates.js';

const eth = (operatorIds: number[]): ExistingCluster => ({
  operatorIds,
  active: true,
  version: 'eth',
});

describe('scoreOperator with performance that is not a finite number', () => {
  it('scores NaN 24h performance as 0 %: 0.3 × 0 + 0.5 × 0.99 + 0.2 × (1 − 1.77/5) = 0.6242', () => {
    expect(scoreOperator(op(1, { performance24h: Number.NaN }), POLICY.feeCap)).toBe(0.6242);
  });

  it('scores +Infinity as 0 %, not as a clamped 100 %: 0.3 × 0.99 + 0 + 0.2 × 0.646 = 0.4262', () => {
    expect(scoreOperator(op(1, { performance30d: Number.POSITIVE_INFINITY }), POLICY.feeCap)).toBe(
      0.4262,
    );
  });

  it('leaves only the fee term when both figures are not finite: 0.2 × 1 for a zero fee', () => {
    expect(
      scoreOperator(
        { performance24h: Number.NEGATIVE_INFINITY, performance30d: Number.NaN, fee: 0n },
        POLICY.feeCap,
      ),
    ).toBe(0.2);
  });

  it('ranks an operator reporting NaN below every operator with real figures', () => {
    const result = selectOperators({
      candidates: [1, 2, 3, 4, 5].map((id) =>
        op(id, id === 1 ? { performance24h: Number.NaN, performance30d: Number.NaN } : {}),
      ),
      clusterSize: 4,
      policy: POLICY,
    });
    expect(result.ok && result.operatorIds).toEqual([2, 3, 4, 5]);
    expect(result.ok && result.scores).toEqual({ 2: 0.9212, 3: 0.9212, 4: 0.9212, 5: 0.9212 });
  });
});

describe('selectOperators tie-break between reusable clusters of equal score', () => {
  // Eight identical operators: each scores 0.3 × 0.99 + 0.5 × 0.99 + 0.2 × 0.646 = 0.9212, so
  // every 4-operator cluster totals 3.6848 and only the ids can decide.
  const candidates = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((id) => op(id));

  it('reuses the cluster with the lower first id whatever order the clusters are listed in', () => {
    for (const existing of [
      [eth([5, 6, 7, 8]), eth([4, 3, 2, 1])],
      [eth([1, 2, 3, 4]), eth([8, 7, 6, 5])],
    ]) {
      const result = selectOperators({
        candidates,
        clusterSize: 4,
        policy: POLICY,
        existingClusters: existing,
      });
      expect(result.ok && result.reusedCluster).toBe(true);
      expect(result.ok && result.operatorIds).toEqual([1, 2, 3, 4]);
      expect(result.reasons).toEqual([
        'Reusing existing cluster 1-2-3-4: every operator is eligible with headroom.',
      ]);
    }
  });

  it('compares ids position by position: 1-2-3-4 wins over 1-2-3-9 and 1-2-5-6', () => {
    const result = selectOperators({
      candidates,
      clusterSize: 4,
      policy: POLICY,
      existingClusters: [eth([1, 2, 3, 9]), eth([6, 5, 2, 1]), eth([4, 2, 3, 1])],
    });
    expect(result.ok && result.operatorIds).toEqual([1, 2, 3, 4]);
    expect(result.ok && result.scores).toEqual({ 1: 0.9212, 2: 0.9212, 3: 0.9212, 4: 0.9212 });
  });

  it('reuses a cluster listed twice once, as the same operator set', () => {
    const result = selectOperators({
      candidates,
      clusterSize: 4,
      policy: POLICY,
      existingClusters: [eth([2, 3, 4, 5]), eth([5, 4, 3, 2])],
    });
    expect(result.ok && result.operatorIds).toEqual([2, 3, 4, 5]);
    expect(result.reasons).toHaveLength(1);
  });

  it('still lets a higher total beat lower ids: 9 with a better fee outranks 1-2-3-4', () => {
    const result = selectOperators({
      candidates: candidates.map((c) => (c.id === 9 ? { ...c, fee: 0n } : c)),
      clusterSize: 4,
      policy: POLICY,
      existingClusters: [eth([1, 2, 3, 4]), eth([6, 7, 8, 9])],
    });
    expect(result.ok && result.operatorIds).toEqual([6, 7, 8, 9]);
  });
});

describe('selectOperators failure texts', () => {
  it('says an existing cluster with an operator the candidates do not list is not reused', () => {
    const result = selectOperators({
      candidates: [1, 2, 3, 5].map((id) => op(id)),
      clusterSize: 4,
      policy: POLICY,
      existingClusters: [eth([1, 2, 3, 4])],
    });
    expect(result.reasons[0]).toBe('Existing cluster 1-2-3-4 not reused: operator 4 is unknown.');
    expect(result.ok && result.operatorIds).toEqual([1, 2, 3, 5]);
  });

  it('ends the shortage message with a full stop when nobody was excluded', () => {
    const result = selectOperators({
      candidates: [op(1), op(2)],
      clusterSize: 4,
      policy: POLICY,
    });
    expect(result).toEqual({
      ok: false,
      reason: 'Not enough eligible operators for a cluster of 4: 2 eligible.',
      reasons: ['Not enough eligible operators for a cluster of 4: 2 eligible.'],
      excluded: [],
    });
  });
});
