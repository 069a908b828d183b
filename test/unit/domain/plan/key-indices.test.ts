import { nextKeyIndices } from '../../../../domain/plan/key-indices.js';
import { pubkeyStatusFromContract } from '../../../../domain/plan/pubkey-status.js';

describe('nextKeyIndices', () => {
  it('starts at 0 for a fresh router', () => {
    expect(nextKeyIndices({ usedIndices: [], count: 3 })).toEqual({ indices: [0, 1, 2], gaps: [] });
  });

  it('continues after the highest used index, whatever the order and duplicates', () => {
    expect(nextKeyIndices({ usedIndices: [2, 0, 1, 1], count: 2 })).toEqual({
      indices: [3, 4],
      gaps: [],
    });
  });

  it('never skips: fills gaps first, reports them, then continues', () => {
    expect(nextKeyIndices({ usedIndices: [0, 3, 5], count: 4 })).toEqual({
      indices: [1, 2, 4, 6],
      gaps: [1, 2, 4],
    });
  });

  it('returns nothing for count 0 and rejects negative indices', () => {
    expect(nextKeyIndices({ usedIndices: [0], count: 0 }).indices).toEqual([]);
    expect(() => nextKeyIndices({ usedIndices: [-1], count: 1 })).toThrow(
      'usedIndices[] must be a non-negative integer.',
    );
  });
});

describe('pubkeyStatusFromContract', () => {
  it("maps the contract numbering 0–4 (not eth-ssv-client's)", () => {
    expect([0, 1, 2, 3, 4].map(pubkeyStatusFromContract)).toEqual([
      'uninitial',
      'initial',
      'match',
      'staking',
      'unmatch',
    ]);
    expect(pubkeyStatusFromContract(2n)).toBe('match');
  });

  it('rejects unknown values', () => {
    expect(() => pubkeyStatusFromContract(5)).toThrow(
      'Unknown super-node pubkey status 5. Expected 0–4 (stafi-pool.md §3.1).',
    );
    expect(() => pubkeyStatusFromContract(1.5)).toThrow('Unknown super-node pubkey status 1.5.');
  });
});
