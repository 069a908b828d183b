/**
 * The simulator's validator registry and its Electra-style rules, with no clock and no I/O: every
 * method takes the current epoch. Deposits wait in `pending_deposits`, then the first one for a
 * pubkey must carry a valid signature under the devnet deposit domain (else it is dropped and its
 * ETH lost), later ones top up without checks (specs/beacon-and-keys.md §10). Eligibility,
 * activation, exit and withdrawability are fixed as epochs when they are decided, so the status
 * at any later epoch is derived (§11) without stepping through epochs.
 */
import bls from '@chainsafe/bls';

import { computeDepositSigningRoot } from '../../domain/beacon/deposit-data.js';
import { hexToBytes } from '../../domain/beacon/hex.js';
import { computeVoluntaryExitSigningRoot } from '../../domain/beacon/voluntary-exit.js';
import type { DepositLog, SsvExitLog, WithdrawalRequestLog } from './chain-logs.js';
import {
  EFFECTIVE_BALANCE_INCREMENT_GWEI,
  FAR_FUTURE_EPOCH,
  MAX_EFFECTIVE_BALANCE_ELECTRA_GWEI,
  MIN_ACTIVATION_BALANCE_GWEI,
  type BeaconSimParams,
} from './params.js';
import { validatorStatus, type ValidatorStatus } from './validator-status.js';

/** One registry entry. Epochs and gwei are bigints. */
export interface ValidatorRecord {
  index: number;
  pubkey: `0x${string}`;
  withdrawalCredentials: `0x${string}`;
  balanceGwei: bigint;
  effectiveBalanceGwei: bigint;
  slashed: boolean;
  activationEligibilityEpoch: bigint;
  activationEpoch: bigint;
  exitEpoch: bigint;
  withdrawableEpoch: bigint;
  /** Epoch at which the first deposit was applied (states before it do not hold the validator). */
  createdEpoch: bigint;
}

/** A deposit seen on the execution layer and not yet applied. */
export interface PendingDeposit extends DepositLog {
  /** Slot at which the simulator ingested it. */
  slot: bigint;
  /** First epoch at which it is applied. */
  applyEpoch: bigint;
}

/** A first deposit whose signature failed: the beacon chain drops it and the ETH is lost. */
export interface DroppedDeposit extends DepositLog {
  reason: string;
  epoch: bigint;
}

/** An exit request (EIP-7002 or SSV) the consensus layer ignored, and why. */
export interface IgnoredExitRequest {
  kind: 'eip7002' | 'ssv';
  pubkey: `0x${string}`;
  source: `0x${string}`;
  reason: string;
  blockNumber: number;
  transactionHash: string;
}

/** A balance the withdrawal sweep paid out to the credentials' execution address. */
export interface Payout {
  validatorIndex: number;
  address: `0x${string}`;
  amountGwei: bigint;
}

/** A validator with its status at the epoch it was read. */
export interface ValidatorView extends ValidatorRecord {
  status: ValidatorStatus;
}

/** A voluntary exit as integers. */
export interface VoluntaryExitMessage {
  epoch: bigint;
  validatorIndex: bigint;
}

/** True when `signature` verifies over `signingRoot` for `pubkey`; false on malformed points. */
export function verifyBls(pubkey: string, signingRoot: Uint8Array, signature: string): boolean {
  try {
    return bls.verify(
      bls.PublicKey.fromBytes(hexToBytes(pubkey, 'pubkey', 48), undefined, true),
      signingRoot,
      bls.Signature.fromBytes(hexToBytes(signature, 'signature', 96), undefined, true),
    );
  } catch {
    return false;
  }
}

/** The address of 0x01/0x02 credentials, or null for other prefixes. */
export function executionAddressOf(credentials: string): `0x${string}` | null {
  const prefix = credentials.slice(0, 4);
  if (prefix !== '0x01' && prefix !== '0x02') return null;
  if (!/^0{22}$/.test(credentials.slice(4, 26))) return null;
  return `0x${credentials.slice(26).toLowerCase()}`;
}

/** The registry and queues of one simulated beacon chain. */
export type BeaconState = ReturnType<typeof makeBeaconState>;

/**
 * Builds an empty registry for `params`. Not thread-safe by design (one event loop). Errors: none
 * thrown for bad chain data; rejected deposits and exit requests are recorded instead.
 */
export function makeBeaconState(params: BeaconSimParams) {
  const validators: ValidatorRecord[] = [];
  const byPubkey = new Map<string, ValidatorRecord>();
  const pending: PendingDeposit[] = [];
  const dropped: DroppedDeposit[] = [];
  const ignored: IgnoredExitRequest[] = [];
  const payouts: Payout[] = [];
  const slotsPerEpoch = BigInt(params.slotsPerEpoch);

  const maxEffective = (credentials: string): bigint =>
    credentials.startsWith('0x02')
      ? MAX_EFFECTIVE_BALANCE_ELECTRA_GWEI
      : MIN_ACTIVATION_BALANCE_GWEI;

  function updateBalances(v: ValidatorRecord, epoch: bigint): void {
    const rounded = v.balanceGwei - (v.balanceGwei % EFFECTIVE_BALANCE_INCREMENT_GWEI);
    const cap = maxEffective(v.withdrawalCredentials);
    v.effectiveBalanceGwei = rounded < cap ? rounded : cap;
    if (
      v.activationEligibilityEpoch === FAR_FUTURE_EPOCH &&
      v.effectiveBalanceGwei >= MIN_ACTIVATION_BALANCE_GWEI
    ) {
      v.activationEligibilityEpoch = epoch + BigInt(params.activationEligibilityDelayEpochs);
      v.activationEpoch = v.activationEligibilityEpoch + BigInt(params.activationDelayEpochs);
    }
  }

  function applyDeposit(deposit: PendingDeposit, epoch: bigint): void {
    const existing = byPubkey.get(deposit.pubkey);
    if (existing !== undefined) {
      existing.balanceGwei += deposit.amountGwei;
      updateBalances(existing, epoch);
      return;
    }
    const signingRoot = computeDepositSigningRoot(deposit, params);
    if (!verifyBls(deposit.pubkey, signingRoot, deposit.signature)) {
      dropped.push({
        pubkey: deposit.pubkey,
        withdrawalCredentials: deposit.withdrawalCredentials,
        amountGwei: deposit.amountGwei,
        signature: deposit.signature,
        depositIndex: deposit.depositIndex,
        blockNumber: deposit.blockNumber,
        transactionHash: deposit.transactionHash,
        epoch,
        reason: 'invalid deposit signature under the deposit domain',
      });
      return;
    }
    const record: ValidatorRecord = {
      index: validators.length,
      pubkey: deposit.pubkey,
      withdrawalCredentials: deposit.withdrawalCredentials,
      balanceGwei: deposit.amountGwei,
      effectiveBalanceGwei: 0n,
      slashed: false,
      activationEligibilityEpoch: FAR_FUTURE_EPOCH,
      activationEpoch: FAR_FUTURE_EPOCH,
      exitEpoch: FAR_FUTURE_EPOCH,
      withdrawableEpoch: FAR_FUTURE_EPOCH,
      createdEpoch: epoch,
    };
    validators.push(record);
    byPubkey.set(record.pubkey, record);
    updateBalances(record, epoch);
  }

  /** Applies due deposits in order and runs the withdrawal sweep, as of `epoch`. */
  function processTo(epoch: bigint): void {
    while (pending.length > 0 && pending[0]!.applyEpoch <= epoch) {
      const deposit = pending.shift()!;
      applyDeposit(deposit, deposit.applyEpoch);
    }
    for (const v of validators) {
      if (v.withdrawableEpoch === FAR_FUTURE_EPOCH || v.balanceGwei === 0n) continue;
      if (v.withdrawableEpoch + BigInt(params.withdrawalSweepDelayEpochs) > epoch) continue;
      const address = executionAddressOf(v.withdrawalCredentials);
      if (address !== null)
        payouts.push({ validatorIndex: v.index, address, amountGwei: v.balanceGwei });
      v.balanceGwei = 0n;
      v.effectiveBalanceGwei = 0n;
    }
  }

  function lookup(id: string): ValidatorRecord | undefined {
    if (/^0x[0-9a-fA-F]{96}$/.test(id)) return byPubkey.get(id.toLowerCase());
    if (/^[0-9]+$/.test(id)) {
      const index = Number(id);
      return Number.isSafeInteger(index) ? validators[index] : undefined;
    }
    return undefined;
  }

  function initiateExit(v: ValidatorRecord, epoch: bigint): void {
    v.exitEpoch = epoch + BigInt(params.exitDelayEpochs);
    v.withdrawableEpoch = v.exitEpoch + BigInt(params.minValidatorWithdrawabilityDelay);
  }

  /** §8.2 rules 1, 2 and 4 (§9's CL checks share them); null when the validator may exit. */
  function exitBlocker(v: ValidatorRecord, epoch: bigint): string | null {
    if (!(v.activationEpoch <= epoch && epoch < v.exitEpoch)) {
      return `validator ${v.index} is not active at epoch ${epoch}`;
    }
    if (v.exitEpoch !== FAR_FUTURE_EPOCH) {
      return `validator ${v.index} has already initiated an exit (exit_epoch ${v.exitEpoch})`;
    }
    const earliest = v.activationEpoch + BigInt(params.shardCommitteePeriod);
    if (epoch < earliest) {
      return `validator ${v.index} has not been active long enough: exits are valid from epoch ${earliest} (activation ${v.activationEpoch} + SHARD_COMMITTEE_PERIOD ${params.shardCommitteePeriod}), current epoch ${epoch}`;
    }
    return null;
  }

  return {
    /** Queues a deposit ingested at `slot`; it is applied `depositDelayEpochs` later. */
    enqueueDeposit(deposit: DepositLog, slot: bigint): void {
      pending.push({
        ...deposit,
        slot,
        applyEpoch: slot / slotsPerEpoch + BigInt(params.depositDelayEpochs),
      });
    },

    processTo,

    /** Deposits not yet applied, in order. */
    pendingDeposits(): readonly PendingDeposit[] {
      return pending;
    },

    /** The registry as of `epoch` (validators created later are absent), with statuses. */
    validatorsAt(epoch: bigint): ValidatorView[] {
      return validators
        .filter((v) => v.createdEpoch <= epoch)
        .map((v) => ({ ...v, status: validatorStatus(v, epoch) }));
    },

    /** One validator by 0x pubkey or decimal index, with its status at `epoch`. */
    validatorAt(id: string, epoch: bigint): ValidatorView | undefined {
      const v = lookup(id);
      if (v === undefined || v.createdEpoch > epoch) return undefined;
      return { ...v, status: validatorStatus(v, epoch) };
    },

    /**
     * Checks a signed voluntary exit against §8.2 rules 1–4 and 6 (EIP-7044 domain) and, when it
     * is valid, starts the exit. Returns the reason it was rejected, or null when accepted.
     */
    submitVoluntaryExit(
      exit: VoluntaryExitMessage,
      signature: string,
      epoch: bigint,
    ): string | null {
      const v =
        exit.validatorIndex < BigInt(validators.length)
          ? validators[Number(exit.validatorIndex)]
          : undefined;
      if (v === undefined || v.createdEpoch > epoch) {
        return `validator ${exit.validatorIndex} not found`;
      }
      if (exit.epoch > epoch) {
        return `exit epoch ${exit.epoch} is in the future (current epoch ${epoch})`;
      }
      const blocker = exitBlocker(v, epoch);
      if (blocker !== null) return blocker;
      const signingRoot = computeVoluntaryExitSigningRoot(exit, params);
      if (!verifyBls(v.pubkey, signingRoot, signature)) {
        return `signature of the exit of validator ${v.index} does not verify under the EIP-7044 voluntary-exit domain (CAPELLA_FORK_VERSION ${params.capellaForkVersion})`;
      }
      initiateExit(v, epoch);
      return null;
    },

    /**
     * Applies an EIP-7002 request with the §9 CL checks; failures are silent on chain and recorded
     * here. Only full exits (amount 0) are simulated; partial withdrawals are recorded as ignored.
     */
    applyWithdrawalRequest(request: WithdrawalRequestLog, epoch: bigint): string | null {
      const v = byPubkey.get(request.pubkey);
      let reason: string | null;
      if (v === undefined || v.createdEpoch > epoch) reason = 'unknown validator';
      else if (request.amountGwei !== 0n) reason = 'partial withdrawals are not simulated';
      else if (executionAddressOf(v.withdrawalCredentials) !== request.sourceAddress) {
        reason = `credentials ${v.withdrawalCredentials} are not 0x01/0x02 for source ${request.sourceAddress}`;
      } else reason = exitBlocker(v, epoch);
      if (reason !== null) {
        ignored.push({
          kind: 'eip7002',
          pubkey: request.pubkey,
          source: request.sourceAddress,
          reason,
          blockNumber: request.blockNumber,
          transactionHash: request.transactionHash,
        });
        return reason;
      }
      initiateExit(v!, epoch);
      return null;
    },

    /** Acts as the SSV operators on `ValidatorExited`: exits the validator when it may exit. */
    applySsvExit(log: SsvExitLog, epoch: bigint): string | null {
      const v = byPubkey.get(log.pubkey);
      const reason =
        v === undefined || v.createdEpoch > epoch ? 'unknown validator' : exitBlocker(v, epoch);
      if (reason !== null) {
        ignored.push({
          kind: 'ssv',
          pubkey: log.pubkey,
          source: log.owner,
          reason,
          blockNumber: log.blockNumber,
          transactionHash: log.transactionHash,
        });
        return reason;
      }
      initiateExit(v!, epoch);
      return null;
    },

    /** First deposits dropped for a bad signature. */
    droppedDeposits(): readonly DroppedDeposit[] {
      return dropped;
    },

    /** Exit requests the consensus layer ignored. */
    ignoredExitRequests(): readonly IgnoredExitRequest[] {
      return ignored;
    },

    /** Removes and returns the sweep's payouts not yet sent to the execution layer. */
    takePayouts(): Payout[] {
      return payouts.splice(0, payouts.length);
    },
  };
}
