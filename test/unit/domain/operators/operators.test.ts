import { checkOperatorEligibility } from '../../../../domain/operators/eligibility.js';
import { scoreOperator } from '../../../../domain/operators/scoring.js';
import { selectOperators } from '../../../../domain/operators/select-operators.js';
import type { SelectOperatorsParameters } from '../../../../domain/operators/select-operators.js';
import { GWEI, POLICY, op } from '../../../fixtures/operator-candidates.js';

const select = (
  overrides: Partial<SelectOperatorsParameters>,
): ReturnType<typeof selectOperators> =>
  selectOperators({ candidates: [], clusterSize: 4, policy: POLICY, ...overrides });

describe('checkOperatorEligibility', () => {
  it('accepts an active public operator with headroom, a valid key and a fee under the cap', () => {
    expect(checkOperatorEligibility(op(1), POLICY)).toEqual({
      operatorId: 1,
      eligible: true,
      exclusions: [],
    });
  });

  it.each([
    ['inactive', { active: false }, 'operator 1 is not active'],
    ['removed', { removed: true }, 'operator 1 was removed'],
    ['deleted', { deleted: true }, 'operator 1 is deleted in the SSV API'],
    ['private', { isPrivate: true }, 'operator 1 is private and our owner is not whitelisted'],
    ['invalid_key', { validKey: false }, 'operator 1 has no usable RSA public key'],
    [
      'fee_cap',
      { fee: 5_000_100_000n },
      'operator 1 charges 5.0001 gwei/block, above the cap 5 gwei/block',
    ],
  ] as const)('excludes %s with a reason', (code, overrides, reason) => {
    expect(checkOperatorEligibility(op(1, overrides), POLICY).exclusions).toEqual([
      { code, reason },
    ]);
  });

  it('accepts a private operator that whitelists our owner and a fee exactly at the cap', () => {
    expect(
      checkOperatorEligibility(
        op(1, { isPrivate: true, whitelistedForOwner: true, fee: 5n * GWEI }),
        POLICY,
      ).eligible,
    ).toBe(true);
  });

  it('keeps 5 slots of headroom by default: 994 + 1 ≤ 1,000 − 5 passes, 995 + 1 fails', () => {
    expect(checkOperatorEligibility(op(1, { validatorCount: 994 }), POLICY).eligible).toBe(true);
    expect(checkOperatorEligibility(op(1, { validatorCount: 995 }), POLICY).exclusions).toEqual([
      {
        code: 'capacity',
        reason: 'operator 1 has 995 validators; +1 exceeds the cap 1000 minus headroom 5',
      },
    ]);
  });

  it('honours a configured headroom and the number of validators being added', () => {
    const policy = { ...POLICY, capacityHeadroom: 0, newValidators: 10 };
    expect(checkOperatorEligibility(op(1, { validatorCount: 990 }), policy).eligible).toBe(true);
    expect(checkOperatorEligibility(op(1, { validatorCount: 991 }), policy).eligible).toBe(false);
  });

  it('applies the allow and deny lists and lists every failed rule', () => {
    const policy = { ...POLICY, allowList: [2], denyList: [1] };
    expect(
      checkOperatorEligibility(op(1, { active: false }), policy).exclusions.map((e) => e.code),
    ).toEqual(['not_allowed', 'denied', 'inactive']);
    expect(checkOperatorEligibility(op(3), policy, true).eligible).toBe(true);
  });

  it('rejects a policy adding zero validators', () => {
    expect(() => checkOperatorEligibility(op(1), { ...POLICY, newValidators: 0 })).toThrow(
      'newValidators must be a positive integer.',
    );
  });
});

describe('scoreOperator', () => {
  it('weights 30 % × 24h + 50 % × 30d + 20 % × fee: 0.3 × 0.9 + 0.5 × 0.8 + 0.2 × (1 − 1/4) = 0.82', () => {
    expect(
      scoreOperator({ performance24h: 90, performance30d: 80, fee: 1_250_000_000n }, 5n * GWEI),
    ).toBe(0.82);
  });

  it('uses configured weights: fee only → 1 − 1.77/5 = 0.646', () => {
    expect(scoreOperator(op(1), 5n * GWEI, { performance24h: 0, performance30d: 0, fee: 1 })).toBe(
      0.646,
    );
  });

  it('clamps performance to 0–100 % and scores a fee at the cap 0 and a zero fee 1', () => {
    const weights = { performance24h: 1, performance30d: 0, fee: 1 };
    expect(
      scoreOperator({ performance24h: 140, performance30d: 0, fee: 5n * GWEI }, 5n * GWEI, weights),
    ).toBe(0.5);
    expect(
      scoreOperator({ performance24h: -3, performance30d: 0, fee: 0n }, 5n * GWEI, weights),
    ).toBe(0.5);
    expect(scoreOperator({ performance24h: 0, performance30d: 0, fee: 0n }, 0n, weights)).toBe(0.5);
  });

  it('rejects weights that are all zero or negative', () => {
    expect(() =>
      scoreOperator(op(1), GWEI, { performance24h: 0, performance30d: 0, fee: 0 }),
    ).toThrow('Score weights must be non-negative and not all zero.');
    expect(() =>
      scoreOperator(op(1), GWEI, { performance24h: -1, performance30d: 2, fee: 0 }),
    ).toThrow('Score weights');
  });
});

describe('selectOperators', () => {
  it('picks the best-scoring operators and returns them in ascending id order', () => {
    const candidates = [
      op(9, { performance30d: 99.9 }),
      op(2, { performance30d: 95 }),
      op(7),
      op(4),
      op(5, { performance30d: 50 }),
    ];
    const result = select({ candidates });
    expect(result.ok && result.operatorIds).toEqual([2, 4, 7, 9]);
    expect(result.ok && result.reusedCluster).toBe(false);
    // 0.3 × 0.99 + 0.5 × 0.999 + 0.2 × (1 − 1.77 / 5) = 0.297 + 0.4995 + 0.1292 = 0.9257
    expect(result.reasons[0]).toBe('Picked operator 9: score 0.9257, new owner.');
  });

  it('breaks exact ties by the lowest id', () => {
    const result = select({ candidates: [6, 5, 4, 3, 2, 1].map((id) => op(id)) });
    expect(result.ok && result.operatorIds).toEqual([1, 2, 3, 4]);
  });

  it('prefers a distinct owner over a better score', () => {
    const shared = '0x00000000000000000000000000000000000000aa';
    const candidates = [
      op(1, { owner: shared }),
      op(2, { owner: shared }),
      op(3, { owner: shared }),
      op(4, { owner: shared }),
      op(5, { performance30d: 60 }),
    ];
    const result = select({ candidates });
    expect(result.ok && result.operatorIds).toEqual([1, 2, 3, 5]);
    // 5 scores 0.297 + 0.5 × 0.6 + 0.1292 = 0.7262 < 0.9212, but brings a new owner.
    expect(result.reasons).toEqual([
      'Picked operator 1: score 0.9212, new owner.',
      'Picked operator 5: score 0.7262, new owner.',
      'Picked operator 2: score 0.9212, owner already in the cluster (no distinct owner left).',
      'Picked operator 3: score 0.9212, owner already in the cluster (no distinct owner left).',
      'Selected operators 1, 2, 3, 5.',
    ]);
  });

  it('prefers new clients over new locations, where known', () => {
    const candidates = [
      op(1, { eth1Client: 'geth', eth2Client: 'lighthouse', location: 'DE' }),
      op(2, { eth1Client: 'geth', eth2Client: 'lighthouse', location: 'US' }),
      op(3, { eth1Client: 'nethermind', eth2Client: 'lighthouse', location: 'DE' }),
      op(4, { eth1Client: 'geth', eth2Client: 'teku', location: 'FR' }),
      op(5, { eth1Client: 'besu', eth2Client: 'prysm', location: 'DE' }),
    ];
    const result = select({ candidates });
    // 1 first (tie, lowest id); 5 brings two new clients; 4 a new client and location; 3 a new
    // eth1 client beats 2's new location.
    expect(result.ok && result.operatorIds).toEqual([1, 3, 4, 5]);
    expect(result.reasons.slice(0, 2)).toEqual([
      'Picked operator 1: score 0.9212, new owner, 2 new clients, new location.',
      'Picked operator 5: score 0.9212, new owner, 2 new clients.',
    ]);
  });

  it('includes target operators even when they score low, and fails when a target is ineligible or unknown', () => {
    const candidates = [1, 2, 3, 4, 5].map((id) => op(id, id === 5 ? { performance30d: 10 } : {}));
    const withTarget = select({ candidates, targetOperators: [5] });
    expect(withTarget.ok && withTarget.operatorIds).toEqual([1, 2, 3, 5]);
    expect(withTarget.reasons[0]).toBe('Target operators 5 are included.');
    const ineligible = select({
      candidates: [...candidates, op(6, { removed: true })],
      targetOperators: [6],
    });
    expect(ineligible).toMatchObject({
      ok: false,
      reason: 'Target operator 6 is not eligible: operator 6 was removed.',
    });
    expect(select({ candidates, targetOperators: [42] })).toMatchObject({
      ok: false,
      reason: 'Target operator 42 is unknown.',
    });
    expect(select({ candidates, targetOperators: [1, 2, 3, 4, 5] })).toMatchObject({
      ok: false,
      reason: '5 target operators do not fit a cluster of 4.',
    });
  });

  it('lets a target bypass the allow list but not the deny list', () => {
    const candidates = [1, 2, 3, 4, 5].map((id) => op(id));
    const allowed = select({
      candidates,
      policy: { ...POLICY, allowList: [1, 2, 3] },
      targetOperators: [5],
    });
    expect(allowed.ok && allowed.operatorIds).toEqual([1, 2, 3, 5]);
    const denied = select({
      candidates,
      policy: { ...POLICY, denyList: [5] },
      targetOperators: [5],
    });
    expect(denied).toMatchObject({
      ok: false,
      reason: 'Target operator 5 is not eligible: operator 5 is on the deny list.',
    });
  });

  it('reuses an existing cluster whose operators are all eligible with headroom', () => {
    const candidates = [1, 2, 3, 4, 5, 6, 7, 8].map((id) =>
      op(id, id > 4 ? { performance30d: 100 } : {}),
    );
    const result = select({
      candidates,
      existingClusters: [{ operatorIds: [4, 3, 2, 1], active: true, version: 'eth' }],
    });
    expect(result).toMatchObject({ ok: true, operatorIds: [1, 2, 3, 4], reusedCluster: true });
    expect(result.reasons).toEqual([
      'Reusing existing cluster 1-2-3-4: every operator is eligible with headroom.',
    ]);
  });

  it('prefers the better-scoring of two reusable clusters', () => {
    const candidates = [1, 2, 3, 4, 5, 6, 7, 8].map((id) =>
      op(id, id > 4 ? { performance30d: 100 } : {}),
    );
    const result = select({
      candidates,
      existingClusters: [
        { operatorIds: [1, 2, 3, 4], active: true, version: 'eth' },
        { operatorIds: [5, 6, 7, 8], active: true, version: 'eth' },
      ],
    });
    expect(result.ok && result.operatorIds).toEqual([5, 6, 7, 8]);
  });

  it('does not reuse a cluster that is full, liquidated, legacy, another size or missing a target, and says why', () => {
    const candidates = [1, 2, 3, 4, 5, 6, 7, 8].map((id) =>
      op(id, id === 4 ? { validatorCount: 995 } : {}),
    );
    const result = select({
      candidates,
      targetOperators: [8],
      existingClusters: [
        { operatorIds: [1, 2, 3, 4], active: true, version: 'eth' },
        { operatorIds: [5, 6, 7, 8], active: false, version: 'eth' },
        { operatorIds: [1, 6, 7, 8], active: true, version: 'ssv' },
        { operatorIds: [1, 2, 3, 5, 6, 7, 8], active: true, version: 'eth' },
        { operatorIds: [1, 2, 3, 5], active: true, version: 'eth' },
      ],
    });
    expect(result.ok && result.reusedCluster).toBe(false);
    expect(result.reasons.slice(1, 6)).toEqual([
      'Existing cluster 1-2-3-4 not reused: it lacks target operators 8.',
      'Existing cluster 5-6-7-8 not reused: it is liquidated.',
      'Existing cluster 1-6-7-8 not reused: it is a legacy SSV-token cluster (migrate it first).',
      'Existing cluster 1-2-3-5-6-7-8 not reused: it has 7 operators, not 4.',
      'Existing cluster 1-2-3-5 not reused: it lacks target operators 8.',
    ]);
    const full = select({
      candidates,
      existingClusters: [{ operatorIds: [1, 2, 3, 4], active: true, version: 'eth' }],
    });
    expect(full.reasons[0]).toBe(
      'Existing cluster 1-2-3-4 not reused: operator 4 has 995 validators; +1 exceeds the cap 1000 minus headroom 5.',
    );
    expect(full.ok && full.operatorIds).toEqual([1, 2, 3, 5]);
  });

  it('fails with every exclusion listed when too few operators are eligible', () => {
    const candidates = [
      op(1),
      op(2),
      op(3, { isPrivate: true }),
      op(4, { fee: 6n * GWEI }),
      op(5, { active: false, validKey: false }),
    ];
    const result = select({ candidates });
    expect(result).toMatchObject({
      ok: false,
      reason:
        'Not enough eligible operators for a cluster of 4: 2 eligible; excluded: operator 3 is private and our owner is not whitelisted; operator 4 charges 6 gwei/block, above the cap 5 gwei/block; operator 5 is not active; operator 5 has no usable RSA public key.',
    });
    expect(result.excluded.map((e) => e.operatorId)).toEqual([3, 4, 5]);
  });

  it('builds a 7-operator cluster when configured', () => {
    const result = select({
      candidates: [1, 2, 3, 4, 5, 6, 7, 8].map((id) => op(id)),
      clusterSize: 7,
    });
    expect(result.ok && result.operatorIds).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
