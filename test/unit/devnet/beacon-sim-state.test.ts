// The beacon simulator's pure parts: status derivation, the registry's Electra-style deposit and
// exit rules with real BLS signatures, log decoding, the clock and fault rules.
import { deriveKeyFromMnemonic } from '@chainsafe/bls-keygen';
import { Interface, concat, toBeHex, zeroPadValue } from 'ethers';

import { signDepositData } from '../../../activities/keys/sign-deposit-data.js';
import { signVoluntaryExit } from '../../../activities/keys/sign-voluntary-exit.js';
import { computeWithdrawalCredentials } from '../../../domain/beacon/withdrawal-credentials.js';
import { makeBeaconState } from '../../../devnet/beacon-sim/beacon-state.js';
import {
  decodeSsvExitLog,
  decodeWithdrawalRequestLog,
  littleEndianUint64,
  type DepositLog,
} from '../../../devnet/beacon-sim/chain-logs.js';
import { makeFaultInjector } from '../../../devnet/beacon-sim/fault-injector.js';
import {
  FAR_FUTURE_EPOCH,
  configSpec,
  resolveBeaconSimParams,
} from '../../../devnet/beacon-sim/params.js';
import { makeSimClock } from '../../../devnet/beacon-sim/sim-clock.js';
import {
  parseStatusFilter,
  statusMatches,
  validatorStatus,
  type StatusFields,
} from '../../../devnet/beacon-sim/validator-status.js';

const MNEMONIC =
  'emotion problem need nice museum proud room sell field impact ankle poet child video luggage awful next trophy engine forest price average husband exotic';
const key0 = deriveKeyFromMnemonic(MNEMONIC, 'm/12381/3600/0/0/0');
const key1 = deriveKeyFromMnemonic(MNEMONIC, 'm/12381/3600/1/0/0');
const POOL_ADDRESS = '0x27d64dd9172e4b59a444817d30f7af8228f174cc';
const POOL_CREDENTIALS = computeWithdrawalCredentials({ address: POOL_ADDRESS });
const params = resolveBeaconSimParams({
  chainId: 31337,
  depositContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  genesisTime: 1_700_000_000,
});

function deposit(
  secretKey: Uint8Array,
  amountGwei: bigint,
  overrides: Partial<DepositLog> = {},
): DepositLog {
  const signed = signDepositData({
    secretKey,
    withdrawalCredentials: POOL_CREDENTIALS,
    amountGwei,
    network: params,
  });
  return {
    pubkey: signed.pubkey,
    withdrawalCredentials: signed.withdrawalCredentials,
    amountGwei,
    signature: signed.signature,
    depositIndex: 0n,
    blockNumber: 1,
    transactionHash: `0x${'ab'.repeat(32)}`,
    ...overrides,
  };
}

/** Applies a 1 ETH + 31 ETH validator at epoch 0 and returns its pubkey (active from epoch 4). */
function activeValidator(state: ReturnType<typeof makeBeaconState>): `0x${string}` {
  const first = deposit(key0, 1_000_000_000n);
  state.enqueueDeposit(first, 0n);
  state.enqueueDeposit(deposit(key0, 31_000_000_000n), 0n);
  state.processTo(1n);
  return first.pubkey;
}

describe('validatorStatus (specs/beacon-and-keys.md §11 derivation table)', () => {
  const base: StatusFields = {
    slashed: false,
    activationEligibilityEpoch: 2n,
    activationEpoch: 4n,
    exitEpoch: FAR_FUTURE_EPOCH,
    withdrawableEpoch: FAR_FUTURE_EPOCH,
    balanceGwei: 32_000_000_000n,
  };
  it.each([
    [
      'pending_initialized',
      { activationEligibilityEpoch: FAR_FUTURE_EPOCH, activationEpoch: FAR_FUTURE_EPOCH },
      3n,
    ],
    ['pending_queued', {}, 3n],
    ['active_ongoing', {}, 4n],
    ['active_exiting', { exitEpoch: 10n, withdrawableEpoch: 14n }, 9n],
    ['active_slashed', { exitEpoch: 10n, withdrawableEpoch: 14n, slashed: true }, 9n],
    ['exited_unslashed', { exitEpoch: 10n, withdrawableEpoch: 14n }, 10n],
    ['exited_slashed', { exitEpoch: 10n, withdrawableEpoch: 14n, slashed: true }, 13n],
    ['withdrawal_possible', { exitEpoch: 10n, withdrawableEpoch: 14n }, 14n],
    ['withdrawal_done', { exitEpoch: 10n, withdrawableEpoch: 14n, balanceGwei: 0n }, 14n],
  ] as const)('derives %s', (status, overrides, epoch) => {
    expect(validatorStatus({ ...base, ...overrides }, epoch)).toBe(status);
  });

  it('matches coarse groups and exact statuses, and reports unknown filter terms', () => {
    expect(statusMatches('active_exiting', 'active')).toBe(true);
    expect(statusMatches('pending_queued', 'active')).toBe(false);
    expect(statusMatches('withdrawal_done', 'withdrawal_done')).toBe(true);
    expect(parseStatusFilter(['pending', 'exited_slashed', 'bogus'])).toEqual({
      valid: ['pending', 'exited_slashed'],
      invalid: ['bogus'],
    });
  });
});

describe('makeBeaconState deposits (§10)', () => {
  it('keeps a deposit pending for the delay, then creates the validator as pending_initialized', () => {
    const state = makeBeaconState(params);
    const first = deposit(key0, 1_000_000_000n);
    state.enqueueDeposit(first, 5n); // epoch 1; applied at epoch 2
    state.processTo(1n);
    expect(state.pendingDeposits()).toHaveLength(1);
    expect(state.validatorAt(first.pubkey, 1n)).toBeUndefined();
    state.processTo(2n);
    expect(state.pendingDeposits()).toHaveLength(0);
    const v = state.validatorAt(first.pubkey, 2n);
    expect(v).toMatchObject({
      index: 0,
      status: 'pending_initialized',
      balanceGwei: 1_000_000_000n,
      effectiveBalanceGwei: 1_000_000_000n,
      withdrawalCredentials: POOL_CREDENTIALS,
      createdEpoch: 2n,
    });
    expect(state.validatorAt('0', 2n)?.pubkey).toBe(first.pubkey);
  });

  it('moves a 32 ETH validator through pending_queued to active_ongoing after the delays', () => {
    const state = makeBeaconState(params);
    const pubkey = activeValidator(state);
    const v = state.validatorAt(pubkey, 1n)!;
    expect(v.activationEligibilityEpoch).toBe(2n);
    expect(v.activationEpoch).toBe(4n);
    expect(v.status).toBe('pending_queued');
    expect(state.validatorAt(pubkey, 3n)?.status).toBe('pending_queued');
    expect(state.validatorAt(pubkey, 4n)?.status).toBe('active_ongoing');
  });

  it('drops a first deposit whose signature is invalid and lets a later valid one create the validator', () => {
    const state = makeBeaconState(params);
    const good = deposit(key0, 1_000_000_000n);
    const forged = { ...good, signature: deposit(key1, 1_000_000_000n).signature };
    state.enqueueDeposit(forged, 0n);
    state.enqueueDeposit(good, 0n);
    state.processTo(1n);
    expect(state.droppedDeposits()).toEqual([
      expect.objectContaining({
        pubkey: good.pubkey,
        reason: 'invalid deposit signature under the deposit domain',
      }),
    ]);
    expect(state.validatorAt(good.pubkey, 1n)?.balanceGwei).toBe(1_000_000_000n);
  });

  it('tops up an existing validator without checking signature or credentials', () => {
    const state = makeBeaconState(params);
    const first = deposit(key0, 1_000_000_000n);
    state.enqueueDeposit(first, 0n);
    state.enqueueDeposit(
      {
        ...first,
        amountGwei: 31_000_000_000n,
        signature: `0x${'11'.repeat(96)}`,
        withdrawalCredentials: computeWithdrawalCredentials({ address: `0x${'22'.repeat(20)}` }),
      },
      0n,
    );
    state.processTo(1n);
    expect(state.droppedDeposits()).toEqual([]);
    expect(state.validatorAt(first.pubkey, 1n)).toMatchObject({
      balanceGwei: 32_000_000_000n,
      withdrawalCredentials: POOL_CREDENTIALS,
      status: 'pending_queued',
    });
  });

  it('rejects a deposit signed for another network (deposit domain from GENESIS_FORK_VERSION)', () => {
    const state = makeBeaconState(params);
    const mainnetSigned = signDepositData({
      secretKey: key0,
      withdrawalCredentials: POOL_CREDENTIALS,
      amountGwei: 1_000_000_000n,
      network: { genesisForkVersion: '0x00000000' },
    });
    state.enqueueDeposit(
      { ...deposit(key0, 1_000_000_000n), signature: mainnetSigned.signature },
      0n,
    );
    state.processTo(1n);
    expect(state.droppedDeposits()).toHaveLength(1);
    expect(state.validatorsAt(1n)).toEqual([]);
  });
});

describe('makeBeaconState exits (§8.2, §9)', () => {
  const exitAt = (epoch: bigint, secretKey = key0, network = params) =>
    signVoluntaryExit({ secretKey, epoch, validatorIndex: 0n, network });

  it('accepts a correctly signed exit after the shard committee period and schedules exit and withdrawability', () => {
    const state = makeBeaconState(params);
    const pubkey = activeValidator(state);
    const epoch = 4n + BigInt(params.shardCommitteePeriod);
    state.processTo(epoch);
    const exit = exitAt(epoch);
    expect(
      state.submitVoluntaryExit({ epoch, validatorIndex: 0n }, exit.signature, epoch),
    ).toBeNull();
    const v = state.validatorAt(pubkey, epoch)!;
    expect(v.status).toBe('active_exiting');
    expect(v.exitEpoch).toBe(epoch + 2n);
    expect(v.withdrawableEpoch).toBe(epoch + 2n + 4n);
    expect(state.validatorAt(pubkey, epoch + 2n)?.status).toBe('exited_unslashed');
    expect(state.validatorAt(pubkey, epoch + 6n)?.status).toBe('withdrawal_possible');
    state.processTo(epoch + 7n);
    expect(state.validatorAt(pubkey, epoch + 7n)?.status).toBe('withdrawal_done');
    expect(state.takePayouts()).toEqual([
      { validatorIndex: 0, address: POOL_ADDRESS, amountGwei: 32_000_000_000n },
    ]);
    expect(
      state.submitVoluntaryExit({ epoch, validatorIndex: 0n }, exit.signature, epoch + 1n),
    ).toBe(`validator 0 has already initiated an exit (exit_epoch ${epoch + 2n})`);
  });

  it('rejects an exit before the shard committee period, in the future, or under the wrong domain', () => {
    const state = makeBeaconState(params);
    activeValidator(state);
    state.processTo(5n);
    expect(
      state.submitVoluntaryExit({ epoch: 5n, validatorIndex: 0n }, exitAt(5n).signature, 5n),
    ).toBe(
      'validator 0 has not been active long enough: exits are valid from epoch 8 (activation 4 + SHARD_COMMITTEE_PERIOD 4), current epoch 5',
    );
    expect(
      state.submitVoluntaryExit({ epoch: 9n, validatorIndex: 0n }, exitAt(9n).signature, 8n),
    ).toBe('exit epoch 9 is in the future (current epoch 8)');
    const wrongDomain = exitAt(8n, key0, {
      ...params,
      capellaForkVersion: params.genesisForkVersion,
    });
    expect(
      state.submitVoluntaryExit({ epoch: 8n, validatorIndex: 0n }, wrongDomain.signature, 8n),
    ).toBe(
      'signature of the exit of validator 0 does not verify under the EIP-7044 voluntary-exit domain (CAPELLA_FORK_VERSION 0x40000001)',
    );
    expect(
      state.submitVoluntaryExit({ epoch: 8n, validatorIndex: 7n }, exitAt(8n).signature, 8n),
    ).toBe('validator 7 not found');
    expect(state.validatorAt('0', 8n)?.exitEpoch).toBe(FAR_FUTURE_EPOCH);
  });

  it('applies an EIP-7002 full exit only from the credentials address, after the shard committee period', () => {
    const state = makeBeaconState(params);
    const pubkey = activeValidator(state);
    const request = (sourceAddress: `0x${string}`, amountGwei = 0n) => ({
      sourceAddress,
      pubkey,
      amountGwei,
      blockNumber: 9,
      transactionHash: `0x${'cd'.repeat(32)}`,
    });
    state.processTo(8n);
    expect(state.applyWithdrawalRequest(request(`0x${'33'.repeat(20)}`), 8n)).toBe(
      `credentials ${POOL_CREDENTIALS} are not 0x01/0x02 for source 0x${'33'.repeat(20)}`,
    );
    expect(state.applyWithdrawalRequest(request(POOL_ADDRESS), 7n)).toMatch(
      /not been active long enough/,
    );
    expect(state.applyWithdrawalRequest(request(POOL_ADDRESS, 5n), 8n)).toBe(
      'partial withdrawals are not simulated',
    );
    expect(state.applyWithdrawalRequest(request(POOL_ADDRESS), 8n)).toBeNull();
    expect(state.validatorAt(pubkey, 8n)?.status).toBe('active_exiting');
    expect(state.ignoredExitRequests().map((r) => r.kind)).toEqual([
      'eip7002',
      'eip7002',
      'eip7002',
    ]);
  });
});

describe('SSV-driven exits', () => {
  it('decodes ValidatorExited and exits the validator once it may exit, as its operators would', () => {
    const ssv = new Interface([
      'event ValidatorExited(address indexed owner, uint64[] operatorIds, bytes publicKey)',
    ]);
    const state = makeBeaconState(params);
    const pubkey = activeValidator(state);
    const owner = `0x${'44'.repeat(20)}`;
    const encoded = ssv.encodeEventLog('ValidatorExited', [owner, [1n, 2n, 3n, 4n], pubkey]);
    const log = decodeSsvExitLog({
      address: '0x0',
      ...encoded,
      blockNumber: 4,
      transactionHash: '0x2',
      index: 0,
    });
    expect(log).toEqual({
      owner,
      operatorIds: [1n, 2n, 3n, 4n],
      pubkey,
      blockNumber: 4,
      transactionHash: '0x2',
    });
    state.processTo(3n);
    expect(state.applySsvExit(log!, 3n)).toBe('validator 0 is not active at epoch 3');
    state.processTo(8n);
    expect(state.applySsvExit(log!, 8n)).toBeNull();
    expect(state.validatorAt(pubkey, 8n)?.status).toBe('active_exiting');
    expect(state.ignoredExitRequests()).toEqual([
      expect.objectContaining({
        kind: 'ssv',
        source: owner,
        reason: 'validator 0 is not active at epoch 3',
      }),
    ]);
  });
});

describe('chain log decoding', () => {
  it('reads 8-byte little-endian amounts', () => {
    expect(littleEndianUint64('0x00ca9a3b00000000')).toBe(1_000_000_000n);
    expect(() => littleEndianUint64('0x00')).toThrow('expected 8 little-endian bytes');
  });

  it('decodes the predeploy log source ‖ pubkey ‖ big-endian amount', () => {
    const pubkey = `0x${'aa'.repeat(48)}`;
    const data = concat([`0x${'Bb'.repeat(20)}`, pubkey, zeroPadValue(toBeHex(7), 8)]);
    expect(
      decodeWithdrawalRequestLog({
        address: '0x0',
        topics: [],
        data,
        blockNumber: 3,
        transactionHash: '0x1',
        index: 0,
      }),
    ).toEqual({
      sourceAddress: `0x${'bb'.repeat(20)}`,
      pubkey,
      amountGwei: 7n,
      blockNumber: 3,
      transactionHash: '0x1',
    });
    expect(
      decodeWithdrawalRequestLog({
        address: '0x0',
        topics: [],
        data: '0x00',
        blockNumber: 3,
        transactionHash: '0x1',
        index: 0,
      }),
    ).toBeNull();
  });
});

describe('clock, params and faults', () => {
  it('derives slots from the injected clock and advances to the start of a later epoch', () => {
    let nowMs = 1_700_000_000_000 + 6_500;
    const clock = makeSimClock({
      genesisTime: 1_700_000_000,
      secondsPerSlot: 1,
      slotsPerEpoch: 4,
      now: () => nowMs,
    });
    expect(clock.currentSlot()).toBe(6n);
    expect(clock.currentEpoch()).toBe(1n);
    clock.advanceEpochs(3);
    expect(clock.currentSlot()).toBe(16n);
    nowMs += 2_000;
    expect(clock.currentSlot()).toBe(18n);
    clock.advanceSlots(2);
    expect(clock.currentEpoch()).toBe(5n);
  });

  it('publishes every §12.1 key as a string', () => {
    const spec = configSpec(params);
    for (const key of [
      'GENESIS_FORK_VERSION',
      'CAPELLA_FORK_VERSION',
      'SECONDS_PER_SLOT',
      'SLOTS_PER_EPOCH',
      'SHARD_COMMITTEE_PERIOD',
      'MIN_VALIDATOR_WITHDRAWABILITY_DELAY',
      'DOMAIN_DEPOSIT',
      'DOMAIN_VOLUNTARY_EXIT',
      'DEPOSIT_CONTRACT_ADDRESS',
      'DEPOSIT_CHAIN_ID',
      'FAR_FUTURE_EPOCH',
    ]) {
      expect(typeof spec[key]).toBe('string');
    }
    expect(spec.FAR_FUTURE_EPOCH).toBe('18446744073709551615');
    expect(() => resolveBeaconSimParams({ ...params, slotsPerEpoch: 0 })).toThrow(
      'beacon-sim option slotsPerEpoch must be an integer ≥ 1, got 0',
    );
  });

  it('consumes fault rules per request and path prefix', () => {
    const faults = makeFaultInjector();
    faults.add({ pathPrefix: '/eth/v1/beacon/states', count: 2, status: 503 });
    expect(faults.take('/eth/v1/node/syncing')).toBeNull();
    expect(faults.take('/eth/v1/beacon/states/head/validators')).toEqual({ status: 503 });
    expect(faults.take('/eth/v1/beacon/states/head/fork')).toEqual({ status: 503 });
    expect(faults.take('/eth/v1/beacon/states/head/fork')).toBeNull();
    expect(() => faults.add({ pathPrefix: '/', count: 1 })).toThrow('fault rule needs a status');
  });
});
