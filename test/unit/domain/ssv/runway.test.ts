import {
  burnPackedPerBlock,
  burnRatePerBlock,
  clusterRunway,
  isClusterLiquidatable,
  liquidationThreshold,
  projectIndex,
  registrationDeposit,
  settleCluster,
  topUpDeadlineMs,
  topUpForRunway,
} from '../../../../domain/ssv/runway.js';
import type { FeeParameters } from '../../../../domain/ssv/runway.js';
import {
  BLOCKS_PER_DAY,
  blocksToDays,
  daysToBlocks,
  packValue,
  vUnitsOf,
} from '../../../../domain/ssv/fees.js';

// ssv-network-v2.md §9.6–9.7: 4 operators at 1.77 gwei/block, mainnet network fee 3.3666 gwei,
// minimum collateral 324,862,599,900,000 wei, LTP 42,960 (attestation) or 50,120 (config.json).
const MAINNET: FeeParameters = {
  asset: 'eth',
  operatorFees: [1_770_000_000n, 1_770_000_000n, 1_770_000_000n, 1_770_000_000n],
  networkFee: 3_366_600_000n,
  liquidationThresholdPeriod: 42_960,
  minimumLiquidationCollateral: 324_862_599_900_000n,
};
const MAINNET_50120: FeeParameters = { ...MAINNET, liquidationThresholdPeriod: 50_120 };
const ONE = { validatorCount: 1 };

describe('units (§9.1)', () => {
  it('packs ETH values by 100,000 and SSV values by 10,000,000', () => {
    expect(packValue(1_770_000_000n, 'eth')).toBe(17_700n);
    expect(packValue(1_000_000_000n, 'ssv')).toBe(100n);
  });

  it('rejects a fee that is not a multiple of the packing factor (MaxPrecisionExceeded)', () => {
    expect(() => packValue(1_770_000_001n, 'eth', 'operatorFees[0]')).toThrow(
      'operatorFees[0] 1770000001 is not a multiple of 100000 (the ETH packing factor).',
    );
  });

  it('rejects a value beyond uint64 once packed (MaxValueExceeded)', () => {
    expect(() => packValue(2n ** 64n * 100_000n, 'eth')).toThrow(
      'value exceeds the packed uint64 range.',
    );
  });

  it('weighs validators in vUnits: 10,000 per 32 ETH; 33 ETH → ceil(10,312.5) = 10,313; 2,048 ETH → 640,000', () => {
    expect(vUnitsOf({ validatorCount: 3 })).toBe(30_000);
    expect(vUnitsOf({ validatorCount: 1, effectiveBalanceEth: 32 })).toBe(10_000);
    expect(vUnitsOf({ validatorCount: 1, effectiveBalanceEth: 33 })).toBe(10_313);
    expect(vUnitsOf({ validatorCount: 1, effectiveBalanceEth: 2_048 })).toBe(640_000);
  });

  it('rejects an effective balance outside 32–2048 ETH per validator', () => {
    expect(() => vUnitsOf({ validatorCount: 2, effectiveBalanceEth: 63 })).toThrow(
      'Effective balance 63 ETH is outside 32–2048 ETH per validator for 2 validators.',
    );
    expect(() => vUnitsOf({ validatorCount: 1, effectiveBalanceEth: 2_049 })).toThrow('outside');
  });

  it('converts days and blocks at 7,200 blocks per day', () => {
    expect(BLOCKS_PER_DAY).toBe(7_200);
    expect(daysToBlocks(30)).toBe(216_000n);
    expect(daysToBlocks(0.5)).toBe(3_600n);
    expect(blocksToDays(10_800n)).toBe(1.5);
    expect(() => daysToBlocks(-1)).toThrow(
      'A runway in days must be a finite non-negative number.',
    );
  });
});

describe('burn rate (§9.7 worked example)', () => {
  it('burnPacked = 4 × 17,700 + 33,666 = 104,466', () => {
    expect(burnPackedPerBlock(MAINNET)).toBe(104_466n);
  });

  it('one validator burns 104,466 × 100,000 = 10,446,600,000 wei per block', () => {
    expect(burnRatePerBlock(MAINNET, ONE)).toBe(10_446_600_000n);
  });

  it('per day 7,200 × 10,446,600,000 = 75,215,520,000,000 wei (≈ 0.0000752 ETH)', () => {
    expect(burnRatePerBlock(MAINNET, ONE) * 7_200n).toBe(75_215_520_000_000n);
  });

  it('per year 2,628,000 blocks × 10,446,600,000 = 27,453,664,800,000,000 wei (≈ 0.02745 ETH)', () => {
    expect(burnRatePerBlock(MAINNET, ONE) * 2_628_000n).toBe(27_453_664_800_000_000n);
  });

  it('scales with vUnits: 33 ETH effective balance burns 104,466 × 10,313 / 10,000 × 100,000', () => {
    // 104,466 × 100,000 × 10,313 / 10,000 = 10,773,578,580 (exact)
    expect(burnRatePerBlock(MAINNET, { validatorCount: 1, vUnits: 10_313 })).toBe(10_773_578_580n);
  });

  it('treats a removed operator as fee 0', () => {
    const withRemoved = {
      ...MAINNET,
      operatorFees: [1_770_000_000n, 0n, 1_770_000_000n, 1_770_000_000n],
    };
    expect(burnPackedPerBlock(withRemoved)).toBe(3n * 17_700n + 33_666n);
  });
});

describe('liquidation threshold and predicate (§9.4)', () => {
  it('LTP 42,960: 42,960 × 104,466 × 100,000 = 448,785,936,000,000 wei, above the minimum collateral, so it binds', () => {
    expect(liquidationThreshold(MAINNET, ONE)).toBe(448_785_936_000_000n);
  });

  it('LTP 50,120: 50,120 × 104,466 × 100,000 = 523,583,592,000,000 wei (≈ 0.000524 ETH)', () => {
    expect(liquidationThreshold(MAINNET_50120, ONE)).toBe(523_583_592_000_000n);
  });

  it('the minimum collateral binds when the burn-based threshold is lower', () => {
    // 21,480 × (4 × 100 + 33,666) × 100,000 = 73,173,768,000,000 < 324,862,599,900,000
    const cheap = {
      ...MAINNET,
      operatorFees: Array<bigint>(4).fill(10_000_000n),
      liquidationThresholdPeriod: 21_480,
    };
    expect(liquidationThreshold(cheap, ONE)).toBe(324_862_599_900_000n);
  });

  it('floors LTP × burnPacked × vUnits / 10,000 before unpacking', () => {
    // 1 × 104,466 × 10,313 / 10,000 = 107,735.7858 → 107,735 packed → 10,773,500,000 wei
    const tiny = { ...MAINNET, liquidationThresholdPeriod: 1, minimumLiquidationCollateral: 0n };
    expect(liquidationThreshold(tiny, { validatorCount: 1, vUnits: 10_313 })).toBe(10_773_500_000n);
  });

  it('is liquidatable one wei below the threshold and not at it', () => {
    const at = 448_785_936_000_000n;
    expect(isClusterLiquidatable({ balance: at, active: true, fees: MAINNET, load: ONE })).toBe(
      false,
    );
    expect(
      isClusterLiquidatable({ balance: at - 1n, active: true, fees: MAINNET, load: ONE }),
    ).toBe(true);
  });

  it('is liquidatable below the minimum collateral even when the burn threshold is lower', () => {
    const noBurn = { ...MAINNET, operatorFees: [0n, 0n, 0n, 0n], networkFee: 0n };
    expect(
      isClusterLiquidatable({
        balance: 324_862_599_899_999n,
        active: true,
        fees: noBurn,
        load: ONE,
      }),
    ).toBe(true);
  });

  it('is never liquidatable with 0 validators or once already liquidated', () => {
    expect(
      isClusterLiquidatable({
        balance: 0n,
        active: true,
        fees: MAINNET,
        load: { validatorCount: 0 },
      }),
    ).toBe(false);
    expect(liquidationThreshold(MAINNET, { validatorCount: 0 })).toBe(0n);
    expect(isClusterLiquidatable({ balance: 0n, active: false, fees: MAINNET, load: ONE })).toBe(
      false,
    );
  });
});

describe('indices and settlement (§9.2–9.3)', () => {
  it('projects an index: 1,000 + (150 − 100) × 17,700 = 886,000', () => {
    expect(
      projectIndex({
        index: 1_000n,
        fromBlock: 100,
        toBlock: 150,
        fee: 1_770_000_000n,
        asset: 'eth',
      }),
    ).toBe(886_000n);
    expect(() =>
      projectIndex({ index: 0n, fromBlock: 10, toBlock: 9, fee: 0n, asset: 'eth' }),
    ).toThrow('Cannot project an index backwards in time.');
  });

  it('charges 100 blocks of one validator: (70,800 + 33,666) × 100 × 100,000 = 1,044,660,000,000 wei', () => {
    const settled = settleCluster({
      cluster: {
        validatorCount: 1,
        networkFeeIndex: 0n,
        index: 0n,
        active: true,
        balance: 10n ** 16n,
      },
      asset: 'eth',
      clusterIndexNow: 100n * 70_800n,
      networkIndexNow: 100n * 33_666n,
    });
    expect(settled).toEqual({
      validatorCount: 1,
      networkFeeIndex: 3_366_600n,
      index: 7_080_000n,
      active: true,
      balance: 10n ** 16n - 1_044_660_000_000n,
    });
    expect(10n ** 16n - settled.balance).toBe(burnRatePerBlock(MAINNET, ONE) * 100n);
  });

  it('floors operator and network units separately with explicit vUnits', () => {
    // Δop = 3, Δnet = 3, vUnits 10,313: floor(3.0939) + floor(3.0939) = 6 units = 600,000 wei
    const settled = settleCluster({
      cluster: {
        validatorCount: 1,
        networkFeeIndex: 10n,
        index: 20n,
        active: true,
        balance: 1_000_000n,
      },
      asset: 'eth',
      clusterIndexNow: 23n,
      networkIndexNow: 13n,
      vUnits: 10_313,
    });
    expect(settled.balance).toBe(400_000n);
  });

  it('settles a legacy SSV cluster per validator and by 10,000,000', () => {
    // ((Δop 5) + (Δnet 2)) × 3 validators × 10^7 = 210,000,000
    const settled = settleCluster({
      cluster: {
        validatorCount: 3,
        networkFeeIndex: 0n,
        index: 0n,
        active: true,
        balance: 1_000_000_000n,
      },
      asset: 'ssv',
      clusterIndexNow: 5n,
      networkIndexNow: 2n,
      vUnits: 99_999,
    });
    expect(settled.balance).toBe(790_000_000n);
  });

  it('floors the balance at 0 and leaves a liquidated cluster unsettled', () => {
    const cluster = {
      validatorCount: 1,
      networkFeeIndex: 0n,
      index: 0n,
      active: true,
      balance: 5n,
    };
    expect(
      settleCluster({ cluster, asset: 'eth', clusterIndexNow: 1n, networkIndexNow: 0n }).balance,
    ).toBe(0n);
    const liquidated = { ...cluster, active: false };
    expect(
      settleCluster({
        cluster: liquidated,
        asset: 'eth',
        clusterIndexNow: 9n,
        networkIndexNow: 9n,
      }),
    ).toEqual(liquidated);
  });

  it('rejects indices below the snapshot', () => {
    expect(() =>
      settleCluster({
        cluster: { validatorCount: 1, networkFeeIndex: 5n, index: 5n, active: true, balance: 5n },
        asset: 'eth',
        clusterIndexNow: 4n,
        networkIndexNow: 5n,
      }),
    ).toThrow(
      'Current indices are below the cluster snapshot. Pass indices read at or after the block of the cluster snapshot.',
    );
  });
});

describe('runway (§9.8)', () => {
  it('0.01 ETH, 1 validator, LTP 42,960: (10^16 − 448,785,936,000,000) / 10,446,600,000 = 914,289 blocks ≈ 126.98 days', () => {
    const runway = clusterRunway({ balance: 10n ** 16n, fees: MAINNET, load: ONE });
    // 9,551,214,064,000,000 / 10,446,600,000 = 914,289.8… → 914,289
    expect(runway).toEqual({
      burnRatePerBlock: 10_446_600_000n,
      liquidationThreshold: 448_785_936_000_000n,
      liquidatable: false,
      runwayBlocks: 914_289n,
      runwayDays: 914_289 / 7_200,
    });
  });

  it('reports 0 blocks and liquidatable below the threshold', () => {
    expect(clusterRunway({ balance: 1n, fees: MAINNET, load: ONE })).toMatchObject({
      liquidatable: true,
      runwayBlocks: 0n,
      runwayDays: 0,
    });
  });

  it('reports an unbounded runway when nothing burns', () => {
    expect(clusterRunway({ balance: 1n, fees: MAINNET, load: { validatorCount: 0 } })).toEqual({
      burnRatePerBlock: 0n,
      liquidationThreshold: 0n,
      liquidatable: false,
      runwayBlocks: null,
      runwayDays: null,
    });
  });
});

describe('funding', () => {
  it('tops up to a 30-day runway: 216,000 × 10,446,600,000 + 448,785,936,000,000 − balance', () => {
    // required = 2,256,465,600,000,000 + 448,785,936,000,000 = 2,705,251,536,000,000
    const topUp = topUpForRunway({
      balance: 705_251_536_000_000n,
      fees: MAINNET,
      load: ONE,
      targetRunwayDays: 30,
    });
    expect(topUp).toEqual({
      amount: 2_000_000_000_000_000n,
      requiredBalance: 2_705_251_536_000_000n,
      targetBlocks: 216_000n,
      burnRatePerBlock: 10_446_600_000n,
      liquidationThreshold: 448_785_936_000_000n,
    });
    expect(
      clusterRunway({ balance: topUp.requiredBalance, fees: MAINNET, load: ONE }).runwayBlocks,
    ).toBe(216_000n);
  });

  it('needs no top-up when the balance already covers the target', () => {
    expect(
      topUpForRunway({ balance: 10n ** 18n, fees: MAINNET, load: ONE, targetRunwayDays: 30 })
        .amount,
    ).toBe(0n);
  });

  it('§9.7: 10 new validators, 30 days, LTP 50,120 on a new cluster need 27,800,491,920,000,000 wei (≈ 0.0278 ETH)', () => {
    // burn 10 × 10,446,600,000 = 104,466,000,000 wei/block
    // runway 216,000 × 104,466,000,000 = 22,564,656,000,000,000
    // threshold floor(50,120 × 104,466 × 100,000 / 10,000) × 100,000 = 5,235,835,920,000,000
    const deposit = registrationDeposit({
      balance: 0n,
      validatorCount: 0,
      newValidators: 10,
      fees: MAINNET_50120,
      targetRunwayDays: 30,
    });
    expect(deposit.amount).toBe(27_800_491_920_000_000n);
    expect(deposit.burnRatePerBlock).toBe(104_466_000_000n);
    expect(deposit.liquidationThreshold).toBe(5_235_835_920_000_000n);
    expect(deposit.loadAfter).toEqual({ validatorCount: 10, vUnits: 100_000 });
  });

  it('sizes a registration so the post-registration liquidation check passes, even with a 0-day target', () => {
    const deposit = registrationDeposit({
      balance: 0n,
      validatorCount: 0,
      newValidators: 1,
      fees: MAINNET,
      targetRunwayDays: 0,
    });
    expect(deposit.amount).toBe(448_785_936_000_000n);
    expect(
      isClusterLiquidatable({
        balance: deposit.amount,
        active: true,
        fees: MAINNET,
        load: deposit.loadAfter,
      }),
    ).toBe(false);
    expect(
      isClusterLiquidatable({
        balance: deposit.amount - 1n,
        active: true,
        fees: MAINNET,
        load: deposit.loadAfter,
      }),
    ).toBe(true);
  });

  it('counts the existing balance and explicit vUnits of an existing cluster', () => {
    // vUnits 10,313 + 10,000 = 20,313; burn = 104,466 × 100,000 × 20,313 / 10,000 = 21,220,178,580
    const deposit = registrationDeposit({
      balance: 10n ** 15n,
      validatorCount: 1,
      vUnits: 10_313,
      newValidators: 1,
      fees: MAINNET,
      targetRunwayDays: 1,
    });
    expect(deposit.loadAfter).toEqual({ validatorCount: 2, vUnits: 20_313 });
    expect(deposit.burnRatePerBlock).toBe(21_220_178_580n);
    // threshold floor(42,960 × 104,466 × 20,313 / 10,000) = floor(9,116,188,717.968) packed → 911,618,871,700,000
    expect(deposit.liquidationThreshold).toBe(911_618_871_700_000n);
    // 7,200 × 21,220,178,580 + 911,618,871,700,000 − 10^15 = 64,404,157,476,000
    expect(deposit.amount).toBe(64_404_157_476_000n);
  });

  it('rejects a registration of zero validators', () => {
    expect(() =>
      registrationDeposit({
        balance: 0n,
        validatorCount: 0,
        newValidators: 0,
        fees: MAINNET,
        targetRunwayDays: 30,
      }),
    ).toThrow('A registration adds at least one validator.');
  });
});

describe('legacy SSV-token clusters (§9.5)', () => {
  // v1 numbers: operators at 1,000,000,000 SSV wei per block (the v1 minimum), network fee
  // 3,000,000,000, LTP 100,240, minimum collateral 0.385795451 SSV.
  const LEGACY: FeeParameters = {
    asset: 'ssv',
    operatorFees: Array<bigint>(4).fill(1_000_000_000n),
    networkFee: 3_000_000_000n,
    liquidationThresholdPeriod: 100_240,
    minimumLiquidationCollateral: 385_795_451_000_000_000n,
  };

  it('burns (4 × 10^9 + 3 × 10^9) × 2 validators = 14,000,000,000 SSV wei per block, ignoring vUnits', () => {
    expect(burnRatePerBlock(LEGACY, { validatorCount: 2, vUnits: 99_999 })).toBe(14_000_000_000n);
  });

  it('threshold 7 × 10^9 × 2 × 100,240 = 1,403,360,000,000,000 is below the 0.3858 SSV collateral, which binds', () => {
    expect(liquidationThreshold(LEGACY, { validatorCount: 2 })).toBe(385_795_451_000_000_000n);
  });

  it('runway and top-up work the same in SSV units', () => {
    // (1 SSV − 0.385795451 SSV) / 14 × 10^9 = 43,871,753 blocks
    const runway = clusterRunway({
      balance: 10n ** 18n,
      fees: LEGACY,
      load: { validatorCount: 2 },
    });
    expect(runway.runwayBlocks).toBe(43_871_753n);
    const topUp = topUpForRunway({
      balance: 0n,
      fees: LEGACY,
      load: { validatorCount: 2 },
      targetRunwayDays: 1,
    });
    expect(topUp.amount).toBe(7_200n * 14_000_000_000n + 385_795_451_000_000_000n);
  });
});

describe('topUpDeadlineMs', () => {
  const NOW = 1_700_000_000_000;
  it('falls when half of the runway is gone: 10 days of runway give 5 days (§9.8 blocks)', () => {
    const runway = clusterRunway({
      balance: liquidationThreshold(MAINNET, ONE) + burnRatePerBlock(MAINNET, ONE) * 72_000n,
      fees: MAINNET,
      load: ONE,
    });
    expect(runway.runwayBlocks).toBe(72_000n);
    expect(topUpDeadlineMs(runway.runwayBlocks, NOW)).toBe(NOW + 5 * 24 * 60 * 60 * 1000);
  });

  it('is now for a liquidatable cluster and null when nothing burns', () => {
    expect(topUpDeadlineMs(0n, NOW)).toBe(NOW);
    expect(topUpDeadlineMs(null, NOW)).toBeNull();
  });

  it('stays a safe integer for an absurd runway', () => {
    expect(topUpDeadlineMs(10n ** 30n, NOW)).toBe(Number.MAX_SAFE_INTEGER);
  });
});
