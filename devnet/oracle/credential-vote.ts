/**
 * The trusted-node decision on a super-node pubkey's withdrawal credentials, by StaFi's off-chain
 * rules (specs/stafi-pool.md §8.2). Pure: the caller gathers the chain and beacon facts.
 */
import { computeDepositSigningRoot } from '../../domain/beacon/deposit-data.js';
import { verifyBls } from '../beacon-sim/beacon-state.js';

/** The 1 ETH pre-deposit, in gwei. */
export const PRE_DEPOSIT_GWEI = 1_000_000_000n;

/** What the vote on one pubkey depends on; hex in any case. */
export interface CredentialVoteFacts {
  pubkey: string;
  /** `StafiNetworkSettings.getWithdrawalCredentials()`. */
  poolCredentials: string;
  /** Credentials of every `DepositEvent` seen for the pubkey, in order. */
  depositEventCredentials: readonly string[];
  /** The beacon validator's credentials, or null when the beacon chain does not know it. */
  beaconCredentials: string | null;
  /** The signature of the super node's 1 ETH deposit (`Deposited.validatorSignature`). */
  depositSignature: string;
  /** The network's `GENESIS_FORK_VERSION` (fixes the deposit domain). */
  genesisForkVersion: `0x${string}`;
}

/** MATCH when every rule holds; otherwise UNMATCH with the failed rules. */
export interface CredentialVoteDecision {
  match: boolean;
  reasons: string[];
}

/** Applies the three §8.2 rules. */
export function decideCredentialVote(facts: CredentialVoteFacts): CredentialVoteDecision {
  const pool = facts.poolCredentials.toLowerCase();
  const reasons: string[] = [];
  if (facts.depositEventCredentials.length === 0) {
    reasons.push('no DepositEvent seen for the pubkey');
  }
  const foreign = facts.depositEventCredentials.filter((c) => c.toLowerCase() !== pool);
  if (foreign.length > 0) {
    reasons.push(`a DepositEvent carries foreign credentials ${foreign[0]!.toLowerCase()}`);
  }
  if (facts.beaconCredentials !== null && facts.beaconCredentials.toLowerCase() !== pool) {
    reasons.push(`the beacon validator has credentials ${facts.beaconCredentials.toLowerCase()}`);
  }
  const signingRoot = computeDepositSigningRoot(
    {
      pubkey: facts.pubkey.toLowerCase(),
      withdrawalCredentials: pool,
      amountGwei: PRE_DEPOSIT_GWEI,
    },
    { genesisForkVersion: facts.genesisForkVersion },
  );
  if (!verifyBls(facts.pubkey.toLowerCase(), signingRoot, facts.depositSignature)) {
    reasons.push('the 1 ETH deposit signature does not verify under the deposit domain');
  }
  return { match: reasons.length === 0, reasons };
}
