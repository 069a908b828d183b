import bls from '@chainsafe/bls';
import { deriveKeyFromMnemonic } from '@chainsafe/bls-keygen';

import { computeDepositSigningRoot } from '../../../domain/beacon/deposit-data.js';
import { PUBLIC_NETWORKS } from '../../../domain/beacon/network-params.js';
import { computeVoluntaryExitSigningRoot } from '../../../domain/beacon/voluntary-exit.js';
import {
  PRE_DEPOSIT_GWEI,
  STAKE_GWEI,
  signDepositData,
} from '../../../activities/keys/sign-deposit-data.js';
import { signVoluntaryExit } from '../../../activities/keys/sign-voluntary-exit.js';
import {
  STAFI_CREDENTIALS,
  STAFI_MNEMONIC,
  STAFI_PUBKEY_0,
  STAFI_PUBKEY_1,
} from '../../fixtures/beacon-vectors.js';

// Derived through bls-keygen's own BIP-39 code, independent of the key store under test.
const key0 = deriveKeyFromMnemonic(STAFI_MNEMONIC, 'm/12381/3600/0/0/0');
const key1 = deriveKeyFromMnemonic(STAFI_MNEMONIC, 'm/12381/3600/1/0/0');

describe('signDepositData', () => {
  it('reproduces the StaFi credential_test.go deposit (12 ETH, mainnet)', () => {
    expect(
      signDepositData({
        secretKey: key0,
        withdrawalCredentials: STAFI_CREDENTIALS,
        amountGwei: 12_000_000_000n,
        network: PUBLIC_NETWORKS.mainnet,
      }),
    ).toEqual({
      pubkey: STAFI_PUBKEY_0,
      withdrawalCredentials: STAFI_CREDENTIALS,
      amountGwei: '12000000000',
      depositMessageRoot: '0x700c2d1179bc6b4a19b02efe724a46f1edbb293db3b009a41510f54b55c30f91',
      signature:
        '0xb9ddbb9c54c278c86a99f088cc56bcc73ac8a71bc3d988d0f8f92191d5fd452be88c882707d0cfd7953364daf95c4e2013f625b3e726b101a78e2c41924107980b79c5e69d0f0f4dcededfcef50d652e867509ade0c1442df2c5031309085571',
      depositDataRoot: '0xe39085854b63145f6cf52d73be61a78e4676d8548273593119bdcd2281f9e937',
    });
  });

  it.each([
    [
      'mainnet',
      0,
      PRE_DEPOSIT_GWEI,
      '0x4f23829808dd71d41e4c396e5c7c888020ae50ab1e177cf9f8ad42adca9f8e3c',
    ],
    [
      'mainnet',
      0,
      STAKE_GWEI,
      '0x950017ee95c9c02b5c05373c7ee0943bdad0d398be00c057f9fb094723d410ec',
    ],
    [
      'mainnet',
      1,
      PRE_DEPOSIT_GWEI,
      '0xb21a003c80f308d39f7728b4e04ccc7e4e06efae3b5836fafb7250c22ca46848',
    ],
    [
      'mainnet',
      1,
      STAKE_GWEI,
      '0x0e6ba22721ed1109318366a186b215539d46e97277c10d48dbbd431b5aec08d4',
    ],
    [
      'hoodi',
      0,
      PRE_DEPOSIT_GWEI,
      '0xe55d449857751b5a74363174e1a19fea7c9b6068771d50e67e6b67ec333bc5f1',
    ],
    ['hoodi', 0, STAKE_GWEI, '0xa358d2db15516e08a64d20b90e371ccef61855e67609deb7332ae73227a6fc79'],
  ] as const)(
    'reproduces the %s key %i deposit of %s gwei (data root %s)',
    (net, index, amountGwei, root) => {
      const network = PUBLIC_NETWORKS[net];
      const deposit = signDepositData({
        secretKey: index === 0 ? key0 : key1,
        withdrawalCredentials: STAFI_CREDENTIALS,
        amountGwei,
        network,
      });
      expect(deposit.pubkey).toBe(index === 0 ? STAFI_PUBKEY_0 : STAFI_PUBKEY_1);
      expect(deposit.depositDataRoot).toBe(root);
      const signingRoot = computeDepositSigningRoot({ ...deposit, amountGwei }, network);
      expect(
        bls.verify(
          bls.PublicKey.fromHex(deposit.pubkey),
          signingRoot,
          bls.Signature.fromHex(deposit.signature),
        ),
      ).toBe(true);
    },
  );

  it('reproduces the published mainnet key 0 signatures for 1 ETH and 31 ETH', () => {
    const sign = (amountGwei: bigint) =>
      signDepositData({
        secretKey: key0,
        withdrawalCredentials: STAFI_CREDENTIALS,
        amountGwei,
        network: PUBLIC_NETWORKS.mainnet,
      }).signature;
    expect(sign(PRE_DEPOSIT_GWEI)).toBe(
      '0x8aa571be95714e9c51794b78c28d8a02cb4a86de155ed88574729794f63dcd1418086b932002b54ed78f5979755b2bb71037c323442520fe579cf19f3e8dee7b690efa53548dd18ed5896db70063127bcdfc1c4b96b53f49c77cc773985c7f87',
    );
    expect(sign(STAKE_GWEI)).toBe(
      '0xa63d101f7839165e883e32bad98976e78c4beeaf337b8c31140b473b034ea1e120e75215dd176ea9a5461b8fae8ff42d1363ab1b1121f7d74b987d0c26ffc3d0a444bc2ac7355fc6a123c42d11ec8a1f8ced77e1cbed73f056a8a9967d5b4596',
    );
  });
});

describe('signVoluntaryExit', () => {
  it('reproduces the §8.1 mainnet exit signature under the EIP-7044 domain', () => {
    const exit = signVoluntaryExit({
      secretKey: key0,
      epoch: 300_000n,
      validatorIndex: 123_456n,
      network: PUBLIC_NETWORKS.mainnet,
    });
    expect(exit).toEqual({
      message: { epoch: '300000', validator_index: '123456' },
      signature:
        '0x8636dd32065dc5f60296ff85391cce84ba869695a6c2635328de5d18c212564f3655ebd46dbc35ef2c636430dc07473a04b3b2cb1145f63e4fe9e3b0cdd3a53a329c1d0e92543eaa37414c9b60d8467cc1c9ca353133a7b078a230e003439531',
    });
  });

  it('signs for the Hoodi Capella version, not mainnet’s, on Hoodi', () => {
    const exit = signVoluntaryExit({
      secretKey: key0,
      epoch: 300_000n,
      validatorIndex: 123_456n,
      network: PUBLIC_NETWORKS.hoodi,
    });
    const root = (net: 'mainnet' | 'hoodi') =>
      computeVoluntaryExitSigningRoot(
        { epoch: 300_000n, validatorIndex: 123_456n },
        PUBLIC_NETWORKS[net],
      );
    const pubkey = bls.PublicKey.fromHex(STAFI_PUBKEY_0);
    expect(bls.verify(pubkey, root('hoodi'), bls.Signature.fromHex(exit.signature))).toBe(true);
    expect(bls.verify(pubkey, root('mainnet'), bls.Signature.fromHex(exit.signature))).toBe(false);
  });
});
