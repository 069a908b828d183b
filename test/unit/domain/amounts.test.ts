import {
  ETHER,
  bigintsToStrings,
  formatAmount,
  formatEth,
  parseAmount,
} from '../../../domain/amounts.js';

describe('amount helpers', () => {
  it('round-trips wei through decimal strings', () => {
    expect(parseAmount('32000000000000000000', 'amount')).toBe(32n * ETHER);
    expect(formatAmount(32n * ETHER)).toBe('32000000000000000000');
    expect(parseAmount('0', 'amount')).toBe(0n);
  });

  it('rejects signs, exponents, leading zeros and decimals', () => {
    for (const text of ['-1', '1e18', '01', '1.5', ' 1', '']) {
      expect(() => parseAmount(text, 'value')).toThrow('value is not a decimal integer string.');
    }
    expect(() => formatAmount(-1n, 'balance')).toThrow('balance is negative.');
  });

  it('formats ETH for reasons, truncating to 6 decimals', () => {
    expect(formatEth(32n * ETHER)).toBe('32 ETH');
    expect(formatEth(448_785_936_000_000n)).toBe('0.000448 ETH');
    expect(formatEth(ETHER / 2n + 1n)).toBe('0.5 ETH');
    expect(formatEth(-ETHER)).toBe('-1 ETH');
  });

  it('turns every bigint of a nested result into a string', () => {
    expect(bigintsToStrings({ a: 1n, b: [2n, { c: 3n }], d: 'x', e: null, f: 4 })).toEqual({
      a: '1',
      b: ['2', { c: '3' }],
      d: 'x',
      e: null,
      f: 4,
    });
  });
});
