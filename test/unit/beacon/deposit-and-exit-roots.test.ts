import {
  computeDepositDataRoot,
  computeDepositMessageRoot,
  computeDepositSigningRoot,
} from '../../../domain/beacon/deposit-data.js';
import { bytesToHex } from '../../../domain/beacon/hex.js';
import { PUBLIC_NETWORKS } from '../../../domain/beacon/network-params.js';
import {
  computeVoluntaryExitRoot,
  computeVoluntaryExitSigningRoot,
} from '../../../domain/beacon/voluntary-exit.js';
import {
  computeWithdrawalCredentials,
  withdrawalAddressOf,
} from '../../../domain/beacon/withdrawal-credentials.js';
import { DvtError } from '../../../domain/errors.js';
import {
  STAFI_CREDENTIALS,
  STAFI_PUBKEY_0,
  STAFI_PUBKEY_1,
  STAFI_WITHDRAW_ADDRESS,
} from '../../fixtures/beacon-vectors.js';

describe('withdrawal credentials', () => {
  it('builds 0x01 credentials as prefix, 11 zero bytes and the address', () => {
    expect(computeWithdrawalCredentials({ address: STAFI_WITHDRAW_ADDRESS })).toBe(
      STAFI_CREDENTIALS,
    );
  });

  it('builds 0x02 compounding credentials with the same layout', () => {
    expect(computeWithdrawalCredentials({ address: STAFI_WITHDRAW_ADDRESS, prefix: '0x02' })).toBe(
      `0x02${STAFI_CREDENTIALS.slice(4)}`,
    );
  });

  it('reads the address back and refuses 0x00 credentials', () => {
    expect(withdrawalAddressOf(STAFI_CREDENTIALS)).toBe(STAFI_WITHDRAW_ADDRESS);
    expect(() => withdrawalAddressOf(`0x00${STAFI_CREDENTIALS.slice(4)}`)).toThrow(DvtError);
  });

  it('rejects an address that is not 20 bytes', () => {
    expect(() => computeWithdrawalCredentials({ address: '0x1234' })).toThrow(
      'withdrawal address must be 20 bytes, got 2.',
    );
  });
});

// specs/beacon-and-keys.md §7.1 and §7.2.
const SIG_12_ETH =
  '0xb9ddbb9c54c278c86a99f088cc56bcc73ac8a71bc3d988d0f8f92191d5fd452be88c882707d0cfd7953364daf95c4e2013f625b3e726b101a78e2c41924107980b79c5e69d0f0f4dcededfcef50d652e867509ade0c1442df2c5031309085571';

describe('deposit data roots', () => {
  it('reproduces the StaFi credential_test.go message and data roots (12 ETH, mainnet)', () => {
    const message = {
      pubkey: STAFI_PUBKEY_0,
      withdrawalCredentials: STAFI_CREDENTIALS,
      amountGwei: 12_000_000_000n,
    };
    expect(bytesToHex(computeDepositMessageRoot(message))).toBe(
      '0x700c2d1179bc6b4a19b02efe724a46f1edbb293db3b009a41510f54b55c30f91',
    );
    expect(bytesToHex(computeDepositDataRoot({ ...message, signature: SIG_12_ETH }))).toBe(
      '0xe39085854b63145f6cf52d73be61a78e4676d8548273593119bdcd2281f9e937',
    );
  });

  it.each([
    [
      STAFI_PUBKEY_0,
      1_000_000_000n,
      '0x2d0d44816d33279f64245037e7552b2f7829240b1486cd4e71215220a1572224',
    ],
    [
      STAFI_PUBKEY_0,
      31_000_000_000n,
      '0x6281288443cb97574fac9ccfaa966effbc26857be27f24d08b7f5bf8db48ea04',
    ],
    [
      STAFI_PUBKEY_1,
      1_000_000_000n,
      '0x23b9934a95722e8d0476becd578067fc8576a26d4b09a2c140f10772a930c9b8',
    ],
    [
      STAFI_PUBKEY_1,
      31_000_000_000n,
      '0xbcb1a3f149c8495d01f6c8d0e565627f123351930488526b1fae1bce1740afe2',
    ],
  ])('computes the router-shaped message root for %s, %s gwei', (pubkey, amountGwei, root) => {
    expect(
      bytesToHex(
        computeDepositMessageRoot({ pubkey, withdrawalCredentials: STAFI_CREDENTIALS, amountGwei }),
      ),
    ).toBe(root);
  });

  it('gives different signing roots on mainnet and hoodi for the same message', () => {
    const message = {
      pubkey: STAFI_PUBKEY_0,
      withdrawalCredentials: STAFI_CREDENTIALS,
      amountGwei: 1_000_000_000n,
    };
    expect(computeDepositSigningRoot(message, PUBLIC_NETWORKS.mainnet)).not.toEqual(
      computeDepositSigningRoot(message, PUBLIC_NETWORKS.hoodi),
    );
  });

  it('rejects a zero amount and one above 2^64-1 gwei', () => {
    const base = { pubkey: STAFI_PUBKEY_0, withdrawalCredentials: STAFI_CREDENTIALS };
    for (const amountGwei of [0n, 1n << 64n]) {
      expect(() => computeDepositMessageRoot({ ...base, amountGwei })).toThrow(
        'Deposit amount must be between 1 and 2^64-1 gwei.',
      );
    }
  });
});

describe('voluntary exit roots', () => {
  it('reproduces the §8.1 object and EIP-7044 signing roots (epoch 300000, index 123456)', () => {
    const exit = { epoch: 300_000n, validatorIndex: 123_456n };
    expect(bytesToHex(computeVoluntaryExitRoot(exit))).toBe(
      '0xbc033e753655fd2ac4af88bb54f89973bca5c369a8ea4ebc51194e95fabfa609',
    );
    expect(bytesToHex(computeVoluntaryExitSigningRoot(exit, PUBLIC_NETWORKS.mainnet))).toBe(
      '0x77ff2d2cdb53b32650ba2d83ae70c6c1e479f567c5f13c31879c5d1c60df3513',
    );
  });

  it('accepts FAR_FUTURE_EPOCH and rejects values beyond uint64', () => {
    expect(computeVoluntaryExitRoot({ epoch: (1n << 64n) - 1n, validatorIndex: 0n })).toHaveLength(
      32,
    );
    expect(() => computeVoluntaryExitRoot({ epoch: 1n << 64n, validatorIndex: 0n })).toThrow(
      'epoch must be a uint64.',
    );
  });
});
