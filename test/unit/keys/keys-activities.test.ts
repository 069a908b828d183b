import bls from '@chainsafe/bls';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createKeysActivities } from '../../../activities/keys/index.js';
import type { KeysActivities } from '../../../activities/keys/index.js';
import {
  importMnemonic,
  openMnemonicKeyStore,
} from '../../../activities/keys/mnemonic-key-store.js';
import { parseSharesData, sharesSignatureMessage } from '../../../activities/keys/shares-data.js';
import { bytesToHex } from '../../../domain/beacon/hex.js';
import { PUBLIC_NETWORKS } from '../../../domain/beacon/network-params.js';
import { ApplicationFailure } from '@temporalio/common';
import { DvtError, errorCodes, type DvtErrorCode } from '../../../domain/errors.js';
import {
  STAFI_CREDENTIALS,
  STAFI_MNEMONIC,
  STAFI_PUBKEY_0,
  STAFI_PUBKEY_1,
} from '../../fixtures/beacon-vectors.js';
import { decryptShare, makeOperators } from '../../fixtures/ssv-operators.js';
import { bip39Seed } from '../../../activities/keys/bip39-seed.js';
import { deriveKeyFromEntropy } from '@chainsafe/bls-keygen';

const OWNER = '0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494';
const operators = makeOperators(4, [11, 22, 33, 44]);

/** Every textual form a leaked secret could take. */
function secretForms(): string[] {
  const seed = bip39Seed(STAFI_MNEMONIC);
  const forms = [STAFI_MNEMONIC, seed.toString('hex'), seed.toString('base64')];
  for (const index of [0, 1, 2]) {
    const key = deriveKeyFromEntropy(seed, `m/12381/3600/${index}/0/0`);
    const hex = Buffer.from(key).toString('hex');
    forms.push(hex, Buffer.from(key).toString('base64'), BigInt(`0x${hex}`).toString(10));
  }
  return forms;
}
const SECRETS = secretForms();
const MNEMONIC_PAIRS = STAFI_MNEMONIC.split(' ')
  .slice(1)
  .map((word, i) => `${STAFI_MNEMONIC.split(' ')[i]} ${word}`);

/** Everything observable about a value: JSON, and for errors message, stack, details, causes. */
function observable(value: unknown, depth = 0): string {
  if (depth > 8 || value === undefined || value === null) return String(value);
  if (value instanceof Error) {
    const own = Object.getOwnPropertyNames(value).map((name) => {
      const field = (value as unknown as Record<string, unknown>)[name];
      return `${name}=${name === 'cause' ? observable(field, depth + 1) : safeJson(field)}`;
    });
    return [value.message, value.stack ?? '', safeJson(value), ...own].join('\n');
  }
  return safeJson(value);
}
function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? ''
    );
  } catch {
    return String(value);
  }
}
function expectNoSecrets(value: unknown): void {
  const text = observable(value).toLowerCase();
  for (const secret of SECRETS) expect(text).not.toContain(secret.toLowerCase());
  for (const pair of MNEMONIC_PAIRS) expect(text).not.toContain(pair);
}
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    return error;
  }
}

let activities: KeysActivities;

beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'dvt-acts-')), 'keystore.json');
  const password = 'activities-test';
  await importMnemonic({ mnemonic: STAFI_MNEMONIC, password, file, scryptN: 1024 });
  activities = createKeysActivities({
    keySource: await openMnemonicKeyStore({ file, password }),
    network: PUBLIC_NETWORKS.mainnet,
    config: { ssvOwnerAddress: OWNER },
  });
});

describe('keys activities: results', () => {
  it('derives the validator pubkey of a key index', async () => {
    const result = await activities.deriveValidatorPubkey({ keyIndex: 1 });
    expect(result).toEqual({ pubkey: STAFI_PUBKEY_1 });
    expectNoSecrets(result);
  });

  it('signs the 31 ETH stake deposit of key 0 with the published data root', async () => {
    const result = await activities.signDepositData({
      keyIndex: 0,
      withdrawalCredentials: STAFI_CREDENTIALS,
      amountGwei: '31000000000',
    });
    expect(result).toEqual({
      pubkey: STAFI_PUBKEY_0,
      withdrawalCredentials: STAFI_CREDENTIALS,
      amountGwei: '31000000000',
      signature:
        '0xa63d101f7839165e883e32bad98976e78c4beeaf337b8c31140b473b034ea1e120e75215dd176ea9a5461b8fae8ff42d1363ab1b1121f7d74b987d0c26ffc3d0a444bc2ac7355fc6a123c42d11ec8a1f8ced77e1cbed73f056a8a9967d5b4596',
      depositDataRoot: '0x950017ee95c9c02b5c05373c7ee0943bdad0d398be00c057f9fb094723d410ec',
    });
    expectNoSecrets(result);
  });

  it('builds a shares payload signed for the configured owner and nonce', async () => {
    const result = await activities.buildSharesPayload({ keyIndex: 0, operators, ownerNonce: 5 });
    expect(result).toMatchObject({
      publicKey: STAFI_PUBKEY_0,
      operatorIds: [11, 22, 33, 44],
      ownerNonce: 5,
    });
    const parsed = parseSharesData(result.sharesData, 4);
    expect(
      bls.verify(
        bls.PublicKey.fromHex(STAFI_PUBKEY_0),
        sharesSignatureMessage(OWNER, 5),
        parsed.signature,
      ),
    ).toBe(true);
    // The payload holds shares only in encrypted form: every plaintext share is absent.
    const plaintexts = operators.map((o, i) =>
      decryptShare(o.privateKeyPem, parsed.encryptedShares[i]!),
    );
    for (const share of plaintexts) expect(result.sharesData).not.toContain(share.slice(2));
    expectNoSecrets(result);
  });

  it('builds bulk payloads with consecutive nonces', async () => {
    const result = await activities.buildBulkSharesPayloads({
      keyIndexes: [0, 1],
      operators,
      ownerNonce: 9,
    });
    expect(result.map((p) => [p.publicKey, p.ownerNonce])).toEqual([
      [STAFI_PUBKEY_0, 9],
      [STAFI_PUBKEY_1, 10],
    ]);
    expectNoSecrets(result);
  });

  it('signs the §8.1 voluntary exit', async () => {
    const result = await activities.signVoluntaryExit({
      keyIndex: 0,
      epoch: '300000',
      validatorIndex: '123456',
    });
    expect(result.message).toEqual({ epoch: '300000', validator_index: '123456' });
    expect(result.signature).toBe(
      '0x8636dd32065dc5f60296ff85391cce84ba869695a6c2635328de5d18c212564f3655ebd46dbc35ef2c636430dc07473a04b3b2cb1145f63e4fe9e3b0cdd3a53a329c1d0e92543eaa37414c9b60d8467cc1c9ca353133a7b078a230e003439531',
    );
    expectNoSecrets(result);
  });

  it('returns only JSON-safe public data (no bytes, no bigint)', async () => {
    const result = await activities.deriveValidatorPubkey({ keyIndex: 0 });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

describe('keys activities: failures carry no secrets', () => {
  const failures: Array<[string, (a: KeysActivities) => Promise<unknown>, string, string]> = [
    [
      'a negative key index',
      (a) => a.deriveValidatorPubkey({ keyIndex: -1 }),
      'ERR_INVALID_INPUT',
      'Key index -1 is not an integer in 0..2^32-1.',
    ],
    [
      'a fractional key index',
      (a) => a.signVoluntaryExit({ keyIndex: 1.5, epoch: '1', validatorIndex: '1' }),
      'ERR_INVALID_INPUT',
      'Key index 1.5 is not an integer in 0..2^32-1.',
    ],
    [
      'a non-decimal amount',
      (a) =>
        a.signDepositData({
          keyIndex: 0,
          withdrawalCredentials: STAFI_CREDENTIALS,
          amountGwei: '1e9',
        }),
      'ERR_INVALID_INPUT',
      'amountGwei must be a decimal string of a uint64.',
    ],
    [
      'a zero amount',
      (a) =>
        a.signDepositData({
          keyIndex: 0,
          withdrawalCredentials: STAFI_CREDENTIALS,
          amountGwei: '0',
        }),
      'ERR_INVALID_INPUT',
      'Deposit amount must be between 1 and 2^64-1 gwei.',
    ],
    [
      'short credentials',
      (a) =>
        a.signDepositData({ keyIndex: 0, withdrawalCredentials: '0x01', amountGwei: '1000000000' }),
      'ERR_INVALID_INPUT',
      'withdrawal credentials must be 32 bytes, got 1.',
    ],
    [
      'an invalid operator key',
      (a) =>
        a.buildSharesPayload({
          keyIndex: 0,
          operators: [...operators.slice(0, 3), { id: 99, publicKey: 'AAAA' }],
          ownerNonce: 0,
        }),
      'ERR_OPERATOR_KEY_INVALID',
      'Operator 99 public key is invalid: the decoded text is not an "RSA PUBLIC KEY" PEM. Exclude this operator or re-read its key from the SSVNetwork contract.',
    ],
    [
      'three operators',
      (a) => a.buildSharesPayload({ keyIndex: 0, operators: operators.slice(0, 3), ownerNonce: 0 }),
      'ERR_INVALID_INPUT',
      'An SSV cluster needs 4, 7, 10 or 13 operators, got 3.',
    ],
    [
      'a negative owner nonce',
      (a) => a.buildBulkSharesPayloads({ keyIndexes: [0], operators, ownerNonce: -2 }),
      'ERR_INVALID_INPUT',
      'Owner nonce -2 is not an integer >= 0.',
    ],
    [
      'an epoch beyond uint64',
      (a) =>
        a.signVoluntaryExit({ keyIndex: 0, epoch: '18446744073709551616', validatorIndex: '1' }),
      'ERR_INVALID_INPUT',
      'epoch must be a decimal string of a uint64.',
    ],
  ];

  it.each(failures)('rejects %s with a pinned message', async (_label, run, code, message) => {
    const error = await outcome(() => run(activities));
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({
      type: code,
      message,
      nonRetryable: !errorCodes[code as DvtErrorCode].retryable,
    });
    expectNoSecrets(error);
  });

  it('passes on a key-store failure without adding secret material', async () => {
    const failing = createKeysActivities({
      keySource: {
        deriveSigningKey: () =>
          Promise.reject(
            new DvtError('ERR_KEYSTORE', 'Key store is locked.', { details: { file: '/k' } }),
          ),
      },
      network: PUBLIC_NETWORKS.mainnet,
      config: { ssvOwnerAddress: OWNER },
    });
    for (const run of [
      () => failing.deriveValidatorPubkey({ keyIndex: 0 }),
      () =>
        failing.signDepositData({
          keyIndex: 0,
          withdrawalCredentials: STAFI_CREDENTIALS,
          amountGwei: '1000000000',
        }),
      () => failing.buildSharesPayload({ keyIndex: 0, operators, ownerNonce: 0 }),
      () => failing.buildBulkSharesPayloads({ keyIndexes: [0], operators, ownerNonce: 0 }),
      () => failing.signVoluntaryExit({ keyIndex: 0, epoch: '1', validatorIndex: '1' }),
    ]) {
      const error = await outcome(run);
      expect(error).toMatchObject({
        type: 'ERR_KEYSTORE',
        message: 'Key store is locked.',
        nonRetryable: true,
      });
      expectNoSecrets(error);
    }
  });

  it('zeroes the derived key after use', async () => {
    const handed: Uint8Array[] = [];
    const seed = bip39Seed(STAFI_MNEMONIC);
    const spying = createKeysActivities({
      keySource: {
        deriveSigningKey: (index) => {
          const key = deriveKeyFromEntropy(seed, `m/12381/3600/${index}/0/0`);
          handed.push(key);
          return Promise.resolve(key);
        },
      },
      network: PUBLIC_NETWORKS.mainnet,
      config: { ssvOwnerAddress: OWNER },
    });
    await spying.deriveValidatorPubkey({ keyIndex: 0 });
    await outcome(() => spying.signVoluntaryExit({ keyIndex: 0, epoch: '1', validatorIndex: '1' }));
    expect(handed).toHaveLength(2);
    for (const key of handed) expect(bytesToHex(key)).toBe(`0x${'00'.repeat(32)}`);
  });

  it('checks the leak detector itself: it sees a key in an error cause', () => {
    const hex = SECRETS[3]!;
    const leaky = new DvtError('ERR_INVALID_INPUT', 'x', { cause: new Error(`key ${hex}`) });
    expect(observable(leaky)).toContain(hex);
  });
});
