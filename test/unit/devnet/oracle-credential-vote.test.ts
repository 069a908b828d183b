// The trusted-node decision rules (specs/stafi-pool.md §8.2) with real BLS deposit signatures.
import { deriveKeyFromMnemonic } from '@chainsafe/bls-keygen';

import { signDepositData } from '../../../activities/keys/sign-deposit-data.js';
import { computeWithdrawalCredentials } from '../../../domain/beacon/withdrawal-credentials.js';
import { decideCredentialVote } from '../../../devnet/oracle/credential-vote.js';

const MNEMONIC =
  'emotion problem need nice museum proud room sell field impact ankle poet child video luggage awful next trophy engine forest price average husband exotic';
const secretKey = deriveKeyFromMnemonic(MNEMONIC, 'm/12381/3600/0/0/0');
const POOL = computeWithdrawalCredentials({ address: `0x${'27'.repeat(20)}` });
const FOREIGN = computeWithdrawalCredentials({ address: `0x${'66'.repeat(20)}` });
const network = { genesisForkVersion: '0x10000001' } as const;
const signed = signDepositData({
  secretKey,
  withdrawalCredentials: POOL,
  amountGwei: 1_000_000_000n,
  network,
});
const facts = {
  pubkey: signed.pubkey,
  poolCredentials: POOL,
  depositEventCredentials: [POOL],
  beaconCredentials: null,
  depositSignature: signed.signature,
  genesisForkVersion: network.genesisForkVersion,
};

describe('decideCredentialVote', () => {
  it('votes match when every deposit and the beacon validator carry the pool credentials and the signature verifies', () => {
    expect(
      decideCredentialVote({ ...facts, beaconCredentials: POOL.toUpperCase().replace('0X', '0x') }),
    ).toEqual({
      match: true,
      reasons: [],
    });
  });

  it('votes unmatch when an earlier deposit carried foreign credentials (front-running)', () => {
    expect(
      decideCredentialVote({
        ...facts,
        depositEventCredentials: [FOREIGN, POOL],
        beaconCredentials: FOREIGN,
      }),
    ).toEqual({
      match: false,
      reasons: [
        `a DepositEvent carries foreign credentials ${FOREIGN}`,
        `the beacon validator has credentials ${FOREIGN}`,
      ],
    });
  });

  it('votes unmatch when the 1 ETH signature was made for another network', () => {
    const mainnet = signDepositData({
      secretKey,
      withdrawalCredentials: POOL,
      amountGwei: 1_000_000_000n,
      network: { genesisForkVersion: '0x00000000' },
    });
    expect(decideCredentialVote({ ...facts, depositSignature: mainnet.signature })).toEqual({
      match: false,
      reasons: ['the 1 ETH deposit signature does not verify under the deposit domain'],
    });
  });

  it('votes unmatch when no DepositEvent was seen for the pubkey', () => {
    expect(decideCredentialVote({ ...facts, depositEventCredentials: [] }).reasons).toEqual([
      'no DepositEvent seen for the pubkey',
    ]);
  });
});
