import {
  bumpFees,
  decideFees,
  earliestDeadline,
  quoteFees,
  type GasPolicy,
} from '../../../domain/tx/fee-policy.js';

const GWEI = 1_000_000_000n;
const policy: GasPolicy = {
  maxFeeCapWei: 50n * GWEI,
  priorityFeeWei: 2n * GWEI,
  baseFeeMultiplierBps: 20_000,
  replacementBumpBps: 1_250,
};

describe('quoteFees', () => {
  it('pays twice the base fee plus the tip', () => {
    expect(quoteFees(10n * GWEI, policy)).toEqual({
      maxFeePerGas: 22n * GWEI,
      maxPriorityFeePerGas: 2n * GWEI,
    });
  });
});

describe('decideFees', () => {
  it('sends at the quote when it fits under the cap (2×20 + 2 = 42 ≤ 50 gwei)', () => {
    expect(decideFees({ baseFeeWei: 20n * GWEI, policy, nowMs: 0 })).toEqual({
      action: 'send',
      fees: { maxFeePerGas: 42n * GWEI, maxPriorityFeePerGas: 2n * GWEI },
      aboveCap: false,
      reason: 'fees within the cap',
    });
  });

  it('clamps the max fee to the cap when base fee plus tip still fits (2×30 + 2 = 62 > 50 ≥ 32)', () => {
    expect(decideFees({ baseFeeWei: 30n * GWEI, policy, nowMs: 0 })).toEqual({
      action: 'send',
      fees: { maxFeePerGas: 50n * GWEI, maxPriorityFeePerGas: 2n * GWEI },
      aboveCap: false,
      reason: 'max fee clamped to the cap of 50 gwei',
    });
  });

  it('waits when the base fee alone breaks the cap and no deadline passed', () => {
    expect(decideFees({ baseFeeWei: 49n * GWEI, policy, nowMs: 10, deadlineMs: 11 })).toEqual({
      action: 'wait',
      reason: 'base fee 49 gwei plus tip is above the cap of 50 gwei; waiting for lower fees',
    });
  });

  it('sends above the cap once the deadline of a time-critical transaction has passed', () => {
    const decision = decideFees({
      baseFeeWei: 100n * GWEI + 500_000_000n,
      policy,
      nowMs: 11,
      deadlineMs: 11,
    });
    expect(decision).toEqual({
      action: 'send',
      fees: { maxFeePerGas: 203n * GWEI, maxPriorityFeePerGas: 2n * GWEI },
      aboveCap: true,
      reason: 'deadline passed: sending at max fee 203 gwei, above the cap of 50 gwei',
    });
  });

  describe('past the deadline, with a ceiling of 150 gwei', () => {
    const ceiling = { ...policy, deadlineFeeCapWei: 150n * GWEI };
    const past = { nowMs: 11, deadlineMs: 11, policy: ceiling };

    it('sends at the quote when it fits under the ceiling (2×70 + 2 = 142)', () => {
      expect(decideFees({ ...past, baseFeeWei: 70n * GWEI })).toMatchObject({
        action: 'send',
        fees: { maxFeePerGas: 142n * GWEI, maxPriorityFeePerGas: 2n * GWEI },
        aboveCap: true,
      });
    });

    it('clamps the max fee to the ceiling when base fee plus tip still fits (2×100 + 2 > 150 ≥ 102)', () => {
      expect(decideFees({ ...past, baseFeeWei: 100n * GWEI })).toEqual({
        action: 'send',
        fees: { maxFeePerGas: 150n * GWEI, maxPriorityFeePerGas: 2n * GWEI },
        aboveCap: true,
        reason:
          'deadline passed: sending above the cap of 50 gwei, max fee clamped to the past-deadline ceiling of 150 gwei',
      });
    });

    it('waits when even the base fee plus tip is above the ceiling', () => {
      expect(decideFees({ ...past, baseFeeWei: 149n * GWEI })).toEqual({
        action: 'wait',
        reason:
          'deadline passed, but base fee 149 gwei plus tip is above even the past-deadline ceiling of 150 gwei; waiting for lower fees',
      });
    });

    it('ignores the ceiling before the deadline (the cap rules)', () => {
      expect(
        decideFees({ baseFeeWei: 49n * GWEI, policy: ceiling, nowMs: 10, deadlineMs: 11 }),
      ).toMatchObject({ action: 'wait' });
    });
  });
});

describe('bumpFees', () => {
  it('raises both fees by 12.5% rounded up when the market did not move', () => {
    const previous = { maxFeePerGas: 40n * GWEI, maxPriorityFeePerGas: 2n * GWEI };
    expect(bumpFees(previous, previous, policy)).toEqual({
      maxFeePerGas: 45n * GWEI,
      maxPriorityFeePerGas: 2_250_000_000n,
    });
  });

  it('follows the market when the current quote is higher than the bump', () => {
    const previous = { maxFeePerGas: 40n * GWEI, maxPriorityFeePerGas: 2n * GWEI };
    const current = { maxFeePerGas: 90n * GWEI, maxPriorityFeePerGas: 3n * GWEI };
    expect(bumpFees(previous, current, policy)).toEqual(current);
  });

  it('rounds a 1 wei tip up to 2 wei, so the replacement is never underpriced', () => {
    const previous = { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n };
    expect(bumpFees(previous, previous, policy)).toEqual({
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 2n,
    });
  });
});

describe('earliestDeadline', () => {
  it('is the earliest deadline of the items that have one', () => {
    expect(earliestDeadline([{ deadlineMs: 30 }, {}, { deadlineMs: 10 }, { deadlineMs: 20 }])).toBe(
      10,
    );
  });

  it('is undefined when no item is time-critical', () => {
    expect(earliestDeadline([{}, { deadlineMs: undefined }])).toBeUndefined();
    expect(earliestDeadline([])).toBeUndefined();
  });

  it('keeps a deadline of 0 (already passed), not mistaking it for none', () => {
    expect(earliestDeadline([{ deadlineMs: 5 }, { deadlineMs: 0 }])).toBe(0);
  });
});
