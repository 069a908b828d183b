import { clusterDataHash, clusterKeyHash } from '../../../../domain/ssv/cluster-hash.js';
import { ETHER } from '../../../../domain/amounts.js';
import { NEW_CLUSTER } from '../../../../domain/ssv/cluster.js';

const OWNER = '0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494';

describe('clusterKeyHash (ssv-network-v2.md §2.3)', () => {
  it('matches the spec vector for owner 0x8159…f494 and operators [1,2,3,4]', () => {
    expect(clusterKeyHash(OWNER, [1, 2, 3, 4])).toBe(
      '0x23db69945fabb51dfec03f362783658725bf77cdb5b4330b46762dc06a68f2c9',
    );
  });

  it('ignores address case and the order the ids are given in', () => {
    expect(clusterKeyHash(OWNER.toLowerCase(), [4, 2, 3, 1])).toBe(
      '0x23db69945fabb51dfec03f362783658725bf77cdb5b4330b46762dc06a68f2c9',
    );
  });

  it('differs for another operator set', () => {
    expect(clusterKeyHash(OWNER, [1, 2, 3, 5])).not.toBe(clusterKeyHash(OWNER, [1, 2, 3, 4]));
  });

  it('rejects a cluster size outside 4/7/10/13 and duplicate ids', () => {
    expect(() => clusterKeyHash(OWNER, [1, 2, 3])).toThrow(
      'A cluster has 4, 7, 10 or 13 operators, not 3.',
    );
    expect(() => clusterKeyHash(OWNER, [1, 1, 2, 3])).toThrow('Operator ids contain duplicates.');
  });
});

describe('clusterDataHash (ssv-network-v2.md §2.2)', () => {
  it('matches the spec vector {1, 123, 456, balance 1e18, active true} (balance packed before active)', () => {
    expect(
      clusterDataHash({
        validatorCount: 1,
        networkFeeIndex: 123n,
        index: 456n,
        active: true,
        balance: ETHER,
      }),
    ).toBe('0x7c8dbae88a7221d682b88688c49804741183ca84e713594e6fd3469c1a035248');
  });

  it('changes when only the active flag changes', () => {
    const base = { validatorCount: 1, networkFeeIndex: 123n, index: 456n, balance: ETHER };
    expect(clusterDataHash({ ...base, active: false })).not.toBe(
      clusterDataHash({ ...base, active: true }),
    );
  });

  it('hashes the new-cluster struct without error and rejects a uint32 overflow', () => {
    expect(clusterDataHash(NEW_CLUSTER)).toMatch(/^0x[0-9a-f]{64}$/);
    expect(() => clusterDataHash({ ...NEW_CLUSTER, validatorCount: 2 ** 32 })).toThrow(
      'cluster.validatorCount is not a uint32.',
    );
  });
});
