import { planRouterRound } from '../../../../domain/plan/router-plan.js';
import type { PlanRouterRoundParameters, RouterKey } from '../../../../domain/plan/router-plan.js';
import { ETHER, bigintsToStrings } from '../../../../domain/amounts.js';

const eth = (n: number): bigint => BigInt(n) * ETHER;

// A healthy round: 20 ETH reserve, pubkey limit 50, batch 10, gas 3,000,000 (→ 16 keys).
const base = (overrides: Partial<PlanRouterRoundParameters> = {}): PlanRouterRoundParameters => ({
  poolBalance: eth(20),
  reserve: eth(20),
  keys: [],
  pubkeyLimit: 50,
  pubkeyCount: 0,
  depositEnabled: true,
  maxBatchSize: 10,
  gasLimit: 3_000_000,
  ssvPath: { healthy: true },
  ...overrides,
});
const staking = (keyIndex: number): RouterKey => ({ keyIndex, status: 'staking' });
const matchKey = (keyIndex: number, onboarded = true): RouterKey => ({
  keyIndex,
  status: 'match',
  onboarded,
});

describe('planRouterRound: usable balance', () => {
  it('usable = 100 − 20 = 80 ETH; 80 / 32 = 2 new validators, 16 ETH left', () => {
    const plan = planRouterRound(base({ poolBalance: eth(100) }));
    expect(plan.usable).toBe(eth(80));
    expect(plan.deposit.keyIndices).toEqual([0, 1]);
    expect(plan.deposit.amount).toBe(eth(2));
    expect(plan.unallocated).toBe(eth(16));
    expect(plan.reasons[0]).toBe('Pool balance 100 ETH − reserve 20 ETH = usable 80 ETH.');
    expect(plan.reasons).toContain(
      'Deposit 2 new validators (1 ETH each now, 31 ETH committed for the stake): 80 ETH available allows 2 at 32 ETH each.',
    );
  });

  it('uses nothing when the pool does not exceed the reserve', () => {
    const plan = planRouterRound(base({ poolBalance: eth(15) }));
    expect(plan.usable).toBe(0n);
    expect(plan.stake.keyIndices).toEqual([]);
    expect(plan.deposit.keyIndices).toEqual([]);
    expect(plan.deposit.limitedBy).toEqual(['byBalance']);
    expect(plan.reasons[0]).toBe(
      'Pool balance 15 ETH does not exceed the reserve 20 ETH: nothing is usable.',
    );
    expect(plan.reasons).toContain(
      'No new SSV validators: 0 ETH available allows 0 at 32 ETH each.',
    );
  });

  it('needs a full 32 ETH step: 31.999… ETH usable makes no validator', () => {
    const plan = planRouterRound(base({ poolBalance: eth(52) - 1n }));
    expect(plan.deposit.keyIndices).toEqual([]);
    expect(plan.unallocated).toBe(eth(32) - 1n);
  });
});

describe('planRouterRound: stake batch', () => {
  it('stakes matched, onboarded keys in key-index order while 31 ETH is left: 70 ETH → keys 2 and 5, key 9 waits', () => {
    const plan = planRouterRound(
      base({
        poolBalance: eth(90),
        keys: [matchKey(9), staking(0), matchKey(5), matchKey(2), staking(1)],
      }),
    );
    expect(plan.stake).toEqual({ keyIndices: [2, 5], amount: eth(62) });
    // 70 − 62 = 8 ETH left, 31 ETH reserved for key 9: nothing for new validators.
    expect(plan.reserved).toEqual({
      amount: eth(31),
      plannedDeposits: 0,
      awaitingVote: 0,
      awaitingStake: 1,
    });
    expect(plan.deposit.keyIndices).toEqual([]);
    expect(plan.reasons).toEqual(
      expect.arrayContaining([
        'Stake 2 matched keys at 31 ETH each (62 ETH): key indices 2, 5.',
        '1 matched key waits for 31 ETH each: only 8 ETH usable left.',
        'Usable ETH after stakes (8 ETH) does not cover the reservations: in-flight keys wait for more pool ETH.',
      ]),
    );
  });

  it('stakes exactly at 31 ETH usable', () => {
    expect(
      planRouterRound(base({ poolBalance: eth(51), keys: [matchKey(0)] })).stake.keyIndices,
    ).toEqual([0]);
    expect(
      planRouterRound(base({ poolBalance: eth(51) - 1n, keys: [matchKey(0)] })).stake.keyIndices,
    ).toEqual([]);
  });

  it('caps a stake transaction at the batch size and leaves the rest reserved for the next round', () => {
    const keys = [0, 1, 2, 3].map((i) => matchKey(i));
    const plan = planRouterRound(base({ poolBalance: eth(1_000), keys, maxBatchSize: 3 }));
    expect(plan.stake.keyIndices).toEqual([0, 1, 2]);
    expect(plan.reserved.awaitingStake).toBe(1);
    expect(plan.reasons).toContain(
      '1 matched key waits for the next round: a stake transaction takes at most 3 keys (batch size 3, gas limit 3000000).',
    );
  });

  it('caps a stake transaction at the gas-derived bound: (3,000,000 − 268,921) / 162,917 = 16', () => {
    const keys = Array.from({ length: 20 }, (_, i) => matchKey(i));
    const plan = planRouterRound(base({ poolBalance: eth(2_000), keys, maxBatchSize: 100 }));
    expect(plan.stake.keyIndices).toHaveLength(16);
  });

  it('does not stake a matched key before it is onboarded on SSV, but keeps its 31 ETH reserved', () => {
    const plan = planRouterRound(base({ poolBalance: eth(100), keys: [matchKey(0, false)] }));
    expect(plan.stake.keyIndices).toEqual([]);
    expect(plan.reserved.amount).toBe(eth(31));
    // 80 − 31 = 49 ETH → one new validator.
    expect(plan.deposit.keyIndices).toEqual([1]);
    expect(plan.reasons).toEqual(
      expect.arrayContaining([
        'No key is matched and onboarded on SSV: nothing to stake.',
        '1 matched key is not onboarded on SSV yet (index 0): staked after registration.',
      ]),
    );
  });

  it('never stakes UNMATCH keys and keeps their indices used', () => {
    const plan = planRouterRound(
      base({
        poolBalance: eth(100),
        keys: [staking(0), { keyIndex: 1, status: 'unmatch' }, { keyIndex: 2, status: 'unmatch' }],
      }),
    );
    expect(plan.stake.keyIndices).toEqual([]);
    expect(plan.reserved.amount).toBe(0n);
    expect(plan.deposit.keyIndices).toEqual([3, 4]);
    expect(plan.reasons).toContain(
      '2 keys were voted UNMATCH (indices 1, 2): terminal, never staked; the indices stay used.',
    );
  });
});

describe('planRouterRound: in-flight reservations', () => {
  it('reserves 32 ETH per planned deposit and 31 ETH per key awaiting the vote: 80 − 32 − 31 = 17 ETH, no new validator', () => {
    const plan = planRouterRound(
      base({
        poolBalance: eth(100),
        keys: [
          { keyIndex: 0, status: 'uninitial' },
          { keyIndex: 1, status: 'initial' },
        ],
      }),
    );
    expect(plan.reserved).toEqual({
      amount: eth(63),
      plannedDeposits: 1,
      awaitingVote: 1,
      awaitingStake: 0,
    });
    expect(plan.deposit.keyIndices).toEqual([]);
    expect(plan.unallocated).toBe(eth(17));
    expect(plan.reasons).toContain(
      'Reserved 63 ETH for keys in flight: 1 planned deposits × 32 ETH, 1 awaiting the credentials vote × 31 ETH, 0 matched not staked × 31 ETH.',
    );
  });

  it('spends what is beyond the reservations: 140 − 20 − 31 = 89 ETH → 2 new validators at indices 2 and 3', () => {
    const plan = planRouterRound(
      base({ poolBalance: eth(140), keys: [staking(0), { keyIndex: 1, status: 'initial' }] }),
    );
    expect(plan.deposit.keyIndices).toEqual([2, 3]);
    expect(plan.unallocated).toBe(eth(25));
  });

  it('does not spend the stake of a key twice across rounds (deposited, then matched, then staked)', () => {
    // Round 1: 52 ETH → deposit key 0. Round 2: the pool paid 1 ETH, the key awaits its vote.
    const round1 = planRouterRound(base({ poolBalance: eth(52) }));
    expect(round1.deposit.keyIndices).toEqual([0]);
    const round2 = planRouterRound(
      base({ poolBalance: eth(51), keys: [{ keyIndex: 0, status: 'initial' }] }),
    );
    expect(round2.deposit.keyIndices).toEqual([]);
    expect(round2.unallocated).toBe(0n);
    const round3 = planRouterRound(base({ poolBalance: eth(51), keys: [matchKey(0)] }));
    expect(round3.stake.keyIndices).toEqual([0]);
  });
});

describe('planRouterRound: deposit bounds', () => {
  it('is bounded by the lifetime pubkey limit: 50 − 47 on chain − 1 planned = 2', () => {
    const plan = planRouterRound(
      base({
        poolBalance: eth(500),
        pubkeyCount: 47,
        keys: [{ keyIndex: 47, status: 'uninitial' }],
      }),
    );
    // (500 − 20 − 32 reserved for the planned key) / 32 = 14 by balance.
    expect(plan.deposit.bounds).toEqual({
      byBalance: 14,
      byPubkeyLimit: 2,
      byBatchSize: 10,
      byGasLimit: 16,
    });
    expect(plan.deposit.limitedBy).toEqual(['byPubkeyLimit']);
    expect(plan.deposit.keyIndices).toHaveLength(2);
    expect(plan.reasons).toContain(
      'Deposit 2 new validators (1 ETH each now, 31 ETH committed for the stake): the lifetime pubkey limit allows 2 (limit 50 − 47 on chain − 1 planned).',
    );
  });

  it('says so when the pubkey limit is exhausted', () => {
    const plan = planRouterRound(base({ poolBalance: eth(500), pubkeyCount: 50 }));
    expect(plan.deposit.keyIndices).toEqual([]);
    expect(plan.reasons).toContain(
      'No new SSV validators: the lifetime pubkey limit allows 0 (limit 50 − 50 on chain − 0 planned).',
    );
  });

  it('is bounded by the batch size', () => {
    const plan = planRouterRound(base({ poolBalance: eth(1_000), maxBatchSize: 4 }));
    expect(plan.deposit.keyIndices).toEqual([0, 1, 2, 3]);
    expect(plan.deposit.limitedBy).toEqual(['byBatchSize']);
  });

  it('is bounded by the gas limit as eth-ssv-client computes it: (3,000,000 − 268,921) / 162,917 = 16.76 → 16', () => {
    const plan = planRouterRound(base({ poolBalance: eth(1_000), maxBatchSize: 100 }));
    expect(plan.deposit.keyIndices).toHaveLength(16);
    expect(plan.deposit.limitedBy).toEqual(['byGasLimit']);
    expect(plan.reasons).toContain(
      'Deposit 16 new validators (1 ETH each now, 31 ETH committed for the stake): the gas limit 3000000 allows 16 ((gas − 268921) / 162917).',
    );
  });

  it("allows no key when the gas limit is below one key's cost", () => {
    const plan = planRouterRound(base({ poolBalance: eth(1_000), gasLimit: 400_000 }));
    expect(plan.deposit.bounds?.byGasLimit).toBe(0);
    expect(plan.deposit.keyIndices).toEqual([]);
  });

  it('lists every bound that ties', () => {
    const plan = planRouterRound(base({ poolBalance: eth(20 + 32 * 10), maxBatchSize: 10 }));
    expect(plan.deposit.limitedBy).toEqual(['byBalance', 'byBatchSize']);
  });

  it('makes no deposit while super-node deposits are disabled on chain', () => {
    const plan = planRouterRound(base({ poolBalance: eth(100), depositEnabled: false }));
    expect(plan.deposit).toEqual({
      keyIndices: [],
      amount: 0n,
      bounds: null,
      limitedBy: [],
      filledGaps: [],
    });
    expect(plan.reasons).toContain(
      'No new SSV validators: super-node deposits are disabled on chain.',
    );
    expect(plan.trustedBackup.engaged).toBe(false);
  });

  it('fills a skipped key index first and reports it', () => {
    const plan = planRouterRound(base({ poolBalance: eth(100), keys: [staking(0), staking(2)] }));
    expect(plan.deposit.keyIndices).toEqual([1, 3]);
    expect(plan.deposit.filledGaps).toEqual([1]);
    expect(plan.reasons).toContain(
      'Key index 1 was skipped earlier and is used now: indices are never skipped.',
    );
  });
});

describe('planRouterRound: SIP-7 solo window and trusted backup', () => {
  it('opens the solo window when more than 20 ETH is left unallocated: 25 ETH → one 12 ETH solo validator', () => {
    const plan = planRouterRound(base({ poolBalance: eth(45) }));
    expect(plan.soloWindow).toEqual({
      open: true,
      nodeDeposit: eth(12),
      poolShare: eth(20),
      capacity: 1,
      reason:
        'Solo window open: 25 ETH unallocated exceeds 20 ETH, so 1 solo validator bringing 12 ETH could be accepted (SIP-7 light-node path, manual).',
    });
  });

  it('keeps the window closed at exactly 20 ETH (SIP-7 says above 20 ETH)', () => {
    const plan = planRouterRound(base({ poolBalance: eth(40) }));
    expect(plan.soloWindow.open).toBe(false);
    expect(plan.soloWindow.reason).toBe(
      'Solo window closed: 20 ETH unallocated does not exceed 20 ETH (SIP-7: a 12 ETH solo validator needs the pool to add 20 ETH).',
    );
  });

  it('judges the window after the SSV validators of this round: 80 ETH usable → 2 SSV validators, 16 ETH left, closed', () => {
    expect(planRouterRound(base({ poolBalance: eth(100) })).soloWindow.open).toBe(false);
  });

  it('scales the pool share with another light-node deposit: 8 ETH → 24 ETH from the pool', () => {
    const plan = planRouterRound(base({ poolBalance: eth(45), soloNodeDeposit: eth(8) }));
    expect(plan.soloWindow).toMatchObject({ open: true, poolShare: eth(24), capacity: 1 });
  });

  it('pauses new SSV validators and leaves the ETH for trusted validators when the SSV path is down', () => {
    const plan = planRouterRound(
      base({
        poolBalance: eth(100),
        keys: [matchKey(0)],
        ssvPath: { healthy: false, reason: 'SSV API unreachable for 30 min' },
      }),
    );
    // Registered validators still get their stake: 80 − 31 = 49 ETH left, none spent on new ones.
    expect(plan.stake.keyIndices).toEqual([0]);
    expect(plan.deposit.keyIndices).toEqual([]);
    expect(plan.deposit.bounds).toBeNull();
    expect(plan.trustedBackup).toEqual({
      engaged: true,
      ethLeft: eth(49),
      reason:
        'SSV path unavailable (SSV API unreachable for 30 min): new SSV validators are paused and 49 ETH is left for trusted validators.',
    });
    expect(plan.reasons).toContain(
      'No new SSV validators: the SSV path is unavailable (SSV API unreachable for 30 min).',
    );
  });

  it('keeps trusted validators a backup only while the SSV path is healthy', () => {
    expect(planRouterRound(base({ poolBalance: eth(100) })).trustedBackup).toEqual({
      engaged: false,
      ethLeft: 0n,
      reason: 'SSV path healthy: trusted validators stay a backup only.',
    });
  });
});

describe('planRouterRound: inputs and output', () => {
  it('rejects a key index listed twice and a solo deposit outside (0, 32) ETH', () => {
    expect(() => planRouterRound(base({ keys: [staking(1), matchKey(1)] }))).toThrow(
      'Key index 1 is listed twice.',
    );
    expect(() => planRouterRound(base({ soloNodeDeposit: eth(32) }))).toThrow(
      'soloNodeDeposit must be between 0 and 32 ETH, exclusive.',
    );
    expect(() => planRouterRound(base({ maxBatchSize: -1 }))).toThrow(
      'maxBatchSize must be a non-negative integer.',
    );
  });

  it('serialises to JSON with amounts as decimal strings', () => {
    const json = bigintsToStrings(planRouterRound(base({ poolBalance: eth(52) })));
    expect(JSON.parse(JSON.stringify(json))).toMatchObject({
      poolBalance: '52000000000000000000',
      usable: '32000000000000000000',
      deposit: { keyIndices: [0], amount: '1000000000000000000' },
      unallocated: '0',
      soloWindow: { open: false, poolShare: '20000000000000000000' },
    });
  });
});

describe('planRouterRound: configured deposit and stake amounts', () => {
  // Keys 2 and 5 matched and onboarded, 9 matched but not onboarded, 7 awaiting the vote.
  const inFlight: RouterKey[] = [
    matchKey(2),
    matchKey(5),
    matchKey(9, false),
    { keyIndex: 7, status: 'initial' },
  ];

  it('stakes, reserves and deposits with 2 + 30 ETH: 160 − 60 staked − 60 reserved = 40 → one validator, 2 ETH now', () => {
    const plan = planRouterRound(
      base({
        poolBalance: eth(180),
        keys: inFlight,
        depositAmount: eth(2),
        stakeAmount: eth(30),
      }),
    );
    expect(plan.stake).toEqual({ keyIndices: [2, 5], amount: eth(60) });
    expect(plan.reserved).toEqual({
      amount: eth(60),
      plannedDeposits: 0,
      awaitingVote: 1,
      awaitingStake: 1,
    });
    expect(plan.deposit.keyIndices).toHaveLength(1);
    expect(plan.deposit.amount).toBe(eth(2));
    expect(plan.unallocated).toBe(eth(8));
    expect(plan.reasons).toEqual(
      expect.arrayContaining([
        'Stake 2 matched keys at 30 ETH each (60 ETH): key indices 2, 5.',
        'Reserved 60 ETH for keys in flight: 0 planned deposits × 32 ETH, 1 awaiting the credentials vote × 30 ETH, 1 matched not staked × 30 ETH.',
        'Deposit 1 new validator (2 ETH each now, 30 ETH committed for the stake): 40 ETH available allows 1 at 32 ETH each.',
      ]),
    );
  });

  it('gives the same round the default 1 + 31 ETH sums when the amounts are left out', () => {
    const plan = planRouterRound(base({ poolBalance: eth(180), keys: inFlight }));
    expect(plan.stake.amount).toBe(eth(62));
    expect(plan.reserved.amount).toBe(eth(62));
    expect(plan.deposit.amount).toBe(eth(1));
    expect(plan.unallocated).toBe(eth(4));
  });

  it('stakes a key once the configured stake is usable: 30 ETH stakes with 2 + 30, not with 1 + 31', () => {
    const round = { poolBalance: eth(50), keys: [matchKey(0)] };
    const configured = planRouterRound(
      base({ ...round, depositAmount: eth(2), stakeAmount: eth(30) }),
    );
    expect(configured.stake).toEqual({ keyIndices: [0], amount: eth(30) });
    expect(planRouterRound(base(round)).stake).toEqual({ keyIndices: [], amount: 0n });
  });

  it('rejects amounts that do not make 32 ETH, or a zero amount', () => {
    expect(() => planRouterRound(base({ depositAmount: eth(2), stakeAmount: eth(31) }))).toThrow(
      "depositAmount 2 ETH + stakeAmount 31 ETH must be two positive amounts making 32 ETH, a validator's effective balance.",
    );
    expect(() => planRouterRound(base({ depositAmount: 0n, stakeAmount: eth(32) }))).toThrow(
      'depositAmount 0 ETH + stakeAmount 32 ETH must be two positive amounts',
    );
  });
});
