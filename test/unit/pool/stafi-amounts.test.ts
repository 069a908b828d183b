import { DvtError } from '../../../domain/errors.js';
import { checkStafiAmounts } from '../../../activities/pool/stafi-adapter.js';

describe('checkStafiAmounts', () => {
  it('accepts the 1 ETH deposit and 31 ETH stake the super node pays', () => {
    expect(() =>
      checkStafiAmounts({ depositGwei: '1000000000', stakeGwei: '31000000000' }),
    ).not.toThrow();
  });

  it.each([
    ['2000000000', '30000000000'],
    ['1000000000', '31000000001'],
  ])('refuses a deposit of %s gwei and a stake of %s gwei, naming both and the fix', (d, s) => {
    let caught: unknown;
    try {
      checkStafiAmounts({ depositGwei: d, stakeGwei: s });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DvtError);
    expect(caught).toMatchObject({ code: 'ERR_CONFIG' });
    const error = caught as DvtError;
    expect(error.message).toBe(
      `The StaFi super node pays exactly 1000000000 gwei per deposit and 31000000000 gwei per stake, not ${d} and ${s}. ${error.hint}`,
    );
    expect(error.hint).toMatch(/^Unset DVT_DEPOSIT_AMOUNT_GWEI and DVT_STAKE_AMOUNT_GWEI/);
  });
});
