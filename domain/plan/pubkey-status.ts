/**
 * StaFi super-node pubkey statuses (stafi-pool.md §3.1) as the router names them. The contract's
 * numbering is 0–4; eth-ssv-client renumbers them, so only {@link pubkeyStatusFromContract} maps
 * numbers.
 */
import { DvtError } from '../errors.js';

/** Status of a super-node pubkey on chain. */
export type PubkeyStatus = 'uninitial' | 'initial' | 'match' | 'staking' | 'unmatch';

const BY_CONTRACT_VALUE: readonly PubkeyStatus[] = [
  'uninitial',
  'initial',
  'match',
  'staking',
  'unmatch',
];

/**
 * Maps `getSuperNodePubkeyStatus` (0 UNINITIAL, 1 INITIAL, 2 MATCH, 3 STAKING, 4 UNMATCH) to a
 * status; throws `ERR_INVALID_INPUT` for any other value.
 */
export function pubkeyStatusFromContract(value: number | bigint): PubkeyStatus {
  const status = BY_CONTRACT_VALUE[Number(value)];
  if (status === undefined) {
    throw new DvtError('ERR_INVALID_INPUT', `Unknown super-node pubkey status ${String(value)}.`, {
      details: { status: String(value) },
      hint: 'Expected 0–4 (stafi-pool.md §3.1).',
    });
  }
  return status;
}
