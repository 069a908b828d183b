import {
  NEW_CLUSTER,
  clusterFromJson,
  clusterJsonFromAbi,
  clusterIdOf,
  clusterToJson,
  isClusterSize,
  normalizeOperatorIds,
} from '../../../../domain/ssv/cluster.js';
import { DvtError } from '../../../../domain/errors.js';

describe('cluster ids and structs', () => {
  it('builds the subgraph id from the lower-cased owner and ascending ids', () => {
    expect(clusterIdOf('0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494', [13, 2, 7, 4])).toBe(
      '0x81592c3de184a3e2c0dcb5a261bc107bfa91f494-2-4-7-13',
    );
  });

  it('accepts only 4, 7, 10 and 13 operators', () => {
    expect([3, 4, 5, 7, 10, 13, 16].filter(isClusterSize)).toEqual([4, 7, 10, 13]);
  });

  it('rejects a non-integer operator id and a malformed owner with ERR_INVALID_INPUT', () => {
    expect(() => normalizeOperatorIds([1, 2, 3, 0])).toThrow(
      'Operator id 0 is not a positive integer.',
    );
    const error = (() => {
      try {
        clusterIdOf('0x1234', [1, 2, 3, 4]);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DvtError);
    expect((error as DvtError).code).toBe('ERR_INVALID_INPUT');
    expect((error as DvtError).message).toBe('owner is not a 20-byte 0x-hex address.');
  });

  it('round-trips a struct through JSON with decimal strings', () => {
    const cluster = {
      validatorCount: 3,
      networkFeeIndex: 18_446_744_073_709_551_615n,
      index: 42n,
      active: false,
      balance: 123_456_789_000_000_000_000n,
    };
    const json = clusterToJson(cluster);
    expect(json).toEqual({
      validatorCount: 3,
      networkFeeIndex: '18446744073709551615',
      index: '42',
      active: false,
      balance: '123456789000000000000',
    });
    expect(clusterFromJson(JSON.parse(JSON.stringify(json)) as typeof json)).toEqual(cluster);
    expect(clusterToJson(NEW_CLUSTER)).toEqual({
      validatorCount: 0,
      networkFeeIndex: '0',
      index: '0',
      active: true,
      balance: '0',
    });
  });

  it('rejects an index beyond uint64 and a non-decimal balance', () => {
    expect(() =>
      clusterFromJson({ ...clusterToJson(NEW_CLUSTER), index: '18446744073709551616' }),
    ).toThrow('cluster index does not fit in uint64.');
    expect(() => clusterFromJson({ ...clusterToJson(NEW_CLUSTER), balance: '1e18' })).toThrow(
      'cluster.balance is not a decimal integer string. Pass amounts as base-10 strings of wei, e.g. "32000000000000000000".',
    );
  });
});

describe('clusterJsonFromAbi', () => {
  it('turns the decoded (uint32, uint64, uint64, bool, uint256) tuple into its JSON form', () => {
    expect(clusterJsonFromAbi([3n, 123n, 456n, true, 10n ** 18n])).toEqual({
      validatorCount: 3,
      networkFeeIndex: '123',
      index: '456',
      active: true,
      balance: '1000000000000000000',
    });
  });
});
