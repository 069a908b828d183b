/**
 * Operator eligibility for new registrations (ssv-api-and-shares.md §2.3, ssv-network-v2.md §4.2,
 * §11): active, not removed or deleted, public or whitelisted for our owner, headroom under the
 * per-operator validator cap, a usable RSA key, a fee under the cap, and the configured allow and
 * deny lists. Every failed rule is reported, with a reason an operator can act on.
 */
import { DvtError } from '../errors.js';
import { assertNonNegativeAmount, assertNonNegativeInteger, formatUnits } from '../amounts.js';

/** What the router knows about an operator: on-chain facts merged with the SSV API's. */
export interface OperatorCandidate {
  id: number;
  /** Operator owner address (diversity: prefer distinct owners). */
  owner: string;
  /** `getOperatorById(id).isActive` and API status "Active". */
  active: boolean;
  /** `OperatorRemoved` seen, or API status "Removed". */
  removed: boolean;
  /** API `is_deleted`. */
  deleted: boolean;
  isPrivate: boolean;
  /** Our owner passes the operator's whitelist (`getWhitelistedOperators(ids, owner)`). */
  whitelistedForOwner: boolean;
  /** ETH validator count on chain. */
  validatorCount: number;
  /** ETH fee in wei per block per 32-ETH unit. */
  fee: bigint;
  /** The RSA public key parses and can encrypt shares. */
  validKey: boolean;
  /** Performance in percent over 24 hours and 30 days (API). */
  performance24h: number;
  performance30d: number;
  eth1Client?: string;
  eth2Client?: string;
  location?: string;
}

/** Rules of eligibility (from config and chain). */
export interface EligibilityPolicy {
  /** `getValidatorsPerOperatorLimit()`. */
  validatorsPerOperatorLimit: number;
  /** Slots kept free under the cap; default 5 (the SDK's and eth-ssv-client's headroom). */
  capacityHeadroom?: number;
  /** Highest acceptable fee, wei per block. */
  feeCap: bigint;
  /** Validators the registration adds to each operator; default 1. */
  newValidators?: number;
  /** When non-empty, only these operators (and the targets) are considered. */
  allowList?: readonly number[];
  /** Never use these operators. */
  denyList?: readonly number[];
}

/** Why an operator is excluded. */
export type ExclusionCode =
  | 'not_allowed'
  | 'denied'
  | 'inactive'
  | 'removed'
  | 'deleted'
  | 'private'
  | 'capacity'
  | 'invalid_key'
  | 'fee_cap';

/** The verdict on one operator. */
export interface OperatorEligibility {
  operatorId: number;
  eligible: boolean;
  /** Every failed rule; empty when eligible. */
  exclusions: { code: ExclusionCode; reason: string }[];
}

/** Default headroom under the per-operator cap. */
export const DEFAULT_CAPACITY_HEADROOM = 5;

/** Judges one operator; `allowedAnyway` lets a target operator bypass the allow list. */
export function checkOperatorEligibility(
  candidate: OperatorCandidate,
  policy: EligibilityPolicy,
  allowedAnyway = false,
): OperatorEligibility {
  assertPolicy(policy);
  const headroom = policy.capacityHeadroom ?? DEFAULT_CAPACITY_HEADROOM;
  const newValidators = policy.newValidators ?? 1;
  const id = candidate.id;
  const exclusions: OperatorEligibility['exclusions'] = [];
  const exclude = (code: ExclusionCode, reason: string): void => {
    exclusions.push({ code, reason: `operator ${id} ${reason}` });
  };
  const allowList = policy.allowList ?? [];
  if (allowList.length > 0 && !allowList.includes(id) && !allowedAnyway) {
    exclude('not_allowed', 'is not on the allow list');
  }
  if ((policy.denyList ?? []).includes(id)) exclude('denied', 'is on the deny list');
  if (!candidate.active) exclude('inactive', 'is not active');
  if (candidate.removed) exclude('removed', 'was removed');
  if (candidate.deleted) exclude('deleted', 'is deleted in the SSV API');
  if (candidate.isPrivate && !candidate.whitelistedForOwner) {
    exclude('private', 'is private and our owner is not whitelisted');
  }
  const ceiling = policy.validatorsPerOperatorLimit - headroom;
  if (candidate.validatorCount + newValidators > ceiling) {
    exclude(
      'capacity',
      `has ${candidate.validatorCount} validators; +${newValidators} exceeds the cap ${policy.validatorsPerOperatorLimit} minus headroom ${headroom}`,
    );
  }
  if (!candidate.validKey) exclude('invalid_key', 'has no usable RSA public key');
  if (candidate.fee > policy.feeCap) {
    exclude(
      'fee_cap',
      `charges ${formatUnits(candidate.fee, 9, 4)} gwei/block, above the cap ${formatUnits(policy.feeCap, 9, 4)} gwei/block`,
    );
  }
  return { operatorId: id, eligible: exclusions.length === 0, exclusions };
}

function assertPolicy(policy: EligibilityPolicy): void {
  assertNonNegativeInteger(policy.validatorsPerOperatorLimit, 'validatorsPerOperatorLimit');
  assertNonNegativeInteger(policy.capacityHeadroom ?? 0, 'capacityHeadroom');
  assertNonNegativeAmount(policy.feeCap, 'feeCap');
  const newValidators = policy.newValidators ?? 1;
  if (!Number.isSafeInteger(newValidators) || newValidators < 1) {
    throw new DvtError('ERR_INVALID_INPUT', 'newValidators must be a positive integer.', {
      details: { newValidators },
    });
  }
}
