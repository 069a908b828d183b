import {
  corruptFieldTypes,
  paginate,
  parseOrdering,
  sortOperators,
  type ApiOperator,
} from '../../../devnet/ssv-api-sim/operator-listing.js';

function operator(id: number, fee: string, perf30d: number, validators = 0): ApiOperator {
  return {
    id,
    fee,
    performance: { '24h': 99, '30d': perf30d },
    validators_count: validators,
    name: `op ${id}`,
  } as ApiOperator;
}

describe('parseOrdering', () => {
  it('defaults to id ascending', () => {
    expect(parseOrdering(undefined)).toEqual([{ field: 'id', direction: 'asc' }]);
    expect(parseOrdering('')).toEqual([{ field: 'id', direction: 'asc' }]);
  });

  it('reads several comma-separated keys as older StaFi code sent them', () => {
    expect(parseOrdering('performance.30d:desc,fee:asc')).toEqual([
      { field: 'performance.30d', direction: 'desc' },
      { field: 'fee', direction: 'asc' },
    ]);
  });

  it('rejects unknown fields and directions with a message naming them', () => {
    expect(parseOrdering('colour:asc')).toEqual({
      error:
        'ordering field "colour" is not one of id, fee, validators_count, performance.24h, performance.30d, name',
    });
    expect(parseOrdering('fee:up')).toEqual({
      error: 'ordering direction of "fee:up" must be asc or desc',
    });
  });
});

describe('sortOperators', () => {
  const operators = [
    operator(3, '2000000000', 97),
    operator(1, '10000000000000000000', 99),
    operator(2, '2000000000', 98),
  ];

  it('compares fees as big integers, not strings or doubles', () => {
    const sorted = sortOperators(operators, [{ field: 'fee', direction: 'desc' }]);
    expect(sorted.map((o) => o.id)).toEqual([1, 2, 3]);
  });

  it('breaks ties by id ascending in either direction', () => {
    const asc = sortOperators(operators, [{ field: 'fee', direction: 'asc' }]);
    expect(asc.map((o) => o.id)).toEqual([2, 3, 1]);
  });

  it('orders by performance', () => {
    const sorted = sortOperators(operators, [{ field: 'performance.30d', direction: 'asc' }]);
    expect(sorted.map((o) => o.id)).toEqual([3, 2, 1]);
  });
});

describe('paginate', () => {
  const items = Array.from({ length: 12 }, (_, i) => i + 1);

  it('reports 1-based positions of the page', () => {
    expect(paginate(items, 3, 5)).toEqual({
      items: [11, 12],
      pagination: {
        total: 12,
        pages: 3,
        per_page: 5,
        page: 3,
        current_first: 11,
        current_last: 12,
      },
    });
  });

  it('returns an empty page past the end', () => {
    expect(paginate(items, 4, 5).pagination).toMatchObject({ current_first: 0, current_last: 0 });
    expect(paginate(items, 4, 5).items).toEqual([]);
  });
});

describe('corruptFieldTypes', () => {
  it('swaps the JSON types of every leaf', () => {
    expect(
      corruptFieldTypes({ id: 1, fee: '1770000000', name: 'x', ok: true, list: [{ n: 2 }] }),
    ).toEqual({ id: '1', fee: 1770000000, name: 'x', ok: 1, list: [{ n: '2' }] });
  });
});
