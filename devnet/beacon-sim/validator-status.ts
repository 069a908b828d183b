/**
 * Validator status strings of the beacon API and their derivation from validator fields
 * (specs/beacon-and-keys.md §11, derivation table). Pure.
 */
import { FAR_FUTURE_EPOCH } from './params.js';

/** The nine status strings of beacon-APIs `types/api.yaml`. */
export const VALIDATOR_STATUSES = [
  'pending_initialized',
  'pending_queued',
  'active_ongoing',
  'active_exiting',
  'active_slashed',
  'exited_unslashed',
  'exited_slashed',
  'withdrawal_possible',
  'withdrawal_done',
] as const;

export type ValidatorStatus = (typeof VALIDATOR_STATUSES)[number];

/** The coarse groups the `status` filter also accepts. */
export const STATUS_GROUPS = ['pending', 'active', 'exited', 'withdrawal'] as const;

export type StatusGroup = (typeof STATUS_GROUPS)[number];

/** The fields the status depends on. */
export interface StatusFields {
  slashed: boolean;
  activationEligibilityEpoch: bigint;
  activationEpoch: bigint;
  exitEpoch: bigint;
  withdrawableEpoch: bigint;
  balanceGwei: bigint;
}

/** The status of a validator at `epoch`, per the §11 derivation table. Pure. */
export function validatorStatus(v: StatusFields, epoch: bigint): ValidatorStatus {
  if (v.activationEligibilityEpoch === FAR_FUTURE_EPOCH) return 'pending_initialized';
  if (v.activationEpoch > epoch) return 'pending_queued';
  if (epoch < v.exitEpoch) {
    if (v.exitEpoch === FAR_FUTURE_EPOCH) return 'active_ongoing';
    return v.slashed ? 'active_slashed' : 'active_exiting';
  }
  if (epoch < v.withdrawableEpoch) return v.slashed ? 'exited_slashed' : 'exited_unslashed';
  return v.balanceGwei > 0n ? 'withdrawal_possible' : 'withdrawal_done';
}

/** Whether `status` is one of the statuses a filter term names (exact status or coarse group). */
export function statusMatches(
  status: ValidatorStatus,
  term: ValidatorStatus | StatusGroup,
): boolean {
  return status === term || status.startsWith(`${term}_`);
}

/**
 * Parses `status` filter terms; returns the unknown terms in `invalid` so the server can answer
 * 400 naming them. Pure.
 */
export function parseStatusFilter(terms: readonly string[]): {
  valid: (ValidatorStatus | StatusGroup)[];
  invalid: string[];
} {
  const known = new Set<string>([...VALIDATOR_STATUSES, ...STATUS_GROUPS]);
  const valid: (ValidatorStatus | StatusGroup)[] = [];
  const invalid: string[] = [];
  for (const term of terms) {
    if (known.has(term)) valid.push(term as ValidatorStatus | StatusGroup);
    else invalid.push(term);
  }
  return { valid, invalid };
}
