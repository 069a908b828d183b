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
import { jest } from '@jest/globals';
import { SSVKeys } from 'ssv-keys';
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

/** A call that must fail: its label, input, and the pinned code and message. */
interface FailureCase {
  label: string;
  input: unknown;
  code: DvtErrorCode;
  message: string;
}

/**
 * Every exported activity with a valid input and the failures it must report. Keyed by activity
 * name, so a new activity fails the coverage test below until it has cases here.
 */
const ACTIVITY_CASES: {
  [K in keyof KeysActivities]: { valid: Parameters<KeysActivities[K]>[0]; failures: FailureCase[] };
} = {
  deriveValidatorPubkey: {
    valid: { keyIndex: 1 },
    failures: [
      {
        label: 'a negative key index',
        input: { keyIndex: -1 },
        code: 'ERR_INVALID_INPUT',
        message: 'Key index -1 is not an integer in 0..2^32-1.',
      },
    ],
  },
  signDepositData: {
    valid: { keyIndex: 0, withdrawalCredentials: STAFI_CREDENTIALS, amountGwei: '1000000000' },
    failures: [
      {
        label: 'a non-decimal amount',
        input: { keyIndex: 0, withdrawalCredentials: STAFI_CREDENTIALS, amountGwei: '1e9' },
        code: 'ERR_INVALID_INPUT',
        message: 'amountGwei must be a decimal string of a uint64.',
      },
      {
        label: 'a zero amount',
        input: { keyIndex: 0, withdrawalCredentials: STAFI_CREDENTIALS, amountGwei: '0' },
        code: 'ERR_INVALID_INPUT',
        message: 'Deposit amount must be between 1 and 2^64-1 gwei.',
      },
      {
        label: 'short credentials',
        input: { keyIndex: 0, withdrawalCredentials: '0x01', amountGwei: '1000000000' },
        code: 'ERR_INVALID_INPUT',
        message: 'withdrawal credentials must be 32 bytes, got 1.',
      },
    ],
  },
  buildSharesPayload: {
    valid: { keyIndex: 0, operators, ownerNonce: 0 },
    failures: [
      {
        label: 'an invalid operator key',
        input: {
          keyIndex: 0,
          operators: [...operators.slice(0, 3), { id: 99, publicKey: 'AAAA' }],
          ownerNonce: 0,
        },
        code: 'ERR_OPERATOR_KEY_INVALID',
        message:
          'Operator 99 public key is invalid: the decoded text is not an "RSA PUBLIC KEY" PEM. Exclude this operator or re-read its key from the SSVNetwork contract.',
      },
      {
        label: 'three operators',
        input: { keyIndex: 0, operators: operators.slice(0, 3), ownerNonce: 0 },
        code: 'ERR_INVALID_INPUT',
        message: 'An SSV cluster needs 4, 7, 10 or 13 operators, got 3.',
      },
    ],
  },
  buildBulkSharesPayloads: {
    valid: { keyIndexes: [0, 1], operators, ownerNonce: 0 },
    failures: [
      {
        label: 'a negative owner nonce',
        input: { keyIndexes: [0], operators, ownerNonce: -2 },
        code: 'ERR_INVALID_INPUT',
        message: 'Owner nonce -2 is not an integer >= 0.',
      },
    ],
  },
  signVoluntaryExit: {
    valid: { keyIndex: 0, epoch: '1', validatorIndex: '1' },
    failures: [
      {
        label: 'a fractional key index',
        input: { keyIndex: 1.5, epoch: '1', validatorIndex: '1' },
        code: 'ERR_INVALID_INPUT',
        message: 'Key index 1.5 is not an integer in 0..2^32-1.',
      },
      {
        label: 'an epoch beyond uint64',
        input: { keyIndex: 0, epoch: '18446744073709551616', validatorIndex: '1' },
        code: 'ERR_INVALID_INPUT',
        message: 'epoch must be a decimal string of a uint64.',
      },
    ],
  },
};

type ActivityName = keyof KeysActivities;
const NAMES = Object.keys(ACTIVITY_CASES) as ActivityName[];

/** Calls activity `name` of `from` with `input`, whatever its declared parameter. */
function call(from: KeysActivities, name: string, input: unknown): Promise<unknown> {
  const activity = (from as unknown as Record<string, (arg: unknown) => Promise<unknown>>)[name];
  if (activity === undefined) throw new Error(`no activity ${name}`);
  return activity(input);
}

describe('keys activities: every exported activity is covered', () => {
  it('has a valid input and at least one failure case for every exported activity', () => {
    const exported = Object.keys(activities).sort();
    expect(exported.length).toBeGreaterThan(0);
    expect([...NAMES].sort()).toEqual(exported);
    for (const name of exported) {
      expect([name, ACTIVITY_CASES[name as ActivityName].failures.length > 0]).toEqual([
        name,
        true,
      ]);
    }
  });

  it.each(NAMES)('%s returns only public data on a valid input', async (name) => {
    const result = await call(activities, name, ACTIVITY_CASES[name].valid);
    expect(result).toBeDefined();
    expectNoSecrets(result);
  });
});

describe('keys activities: failures carry no secrets', () => {
  const failures = NAMES.flatMap((name) =>
    ACTIVITY_CASES[name].failures.map((failure) => ({ name, ...failure })),
  );

  it.each(failures)(
    '$name rejects $label with a pinned message',
    async ({ name, input, code, message }) => {
      const error = await outcome(() => call(activities, name, input));
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect(error).toMatchObject({
        type: code,
        message,
        nonRetryable: !errorCodes[code].retryable,
      });
      expectNoSecrets(error);
    },
  );

  it.each(NAMES)(
    '%s passes on a key-store failure without adding secret material',
    async (name) => {
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
      const error = await outcome(() => call(failing, name, ACTIVITY_CASES[name].valid));
      expect(error).toMatchObject({
        type: 'ERR_KEYSTORE',
        message: 'Key store is locked.',
        nonRetryable: true,
      });
      expectNoSecrets(error);
    },
  );
});

describe('keys activities: a shares-library failure quoting the key', () => {
  const key0 = deriveKeyFromEntropy(bip39Seed(STAFI_MNEMONIC), 'm/12381/3600/0/0/0');
  const hex = Buffer.from(key0).toString('hex');
  const leaks: Array<[string, string]> = [
    ['hex', `Invalid private key ${hex}`],
    ['0x-hex', `Invalid private key 0x${hex}`],
    ['base64', `bad key material: ${Buffer.from(key0).toString('base64')}`],
    ['base64url', `bad key material: ${Buffer.from(key0).toString('base64url')}`],
    ['decimal', `scalar ${BigInt(`0x${hex}`).toString(10)} is out of range`],
    ['a byte list', `key bytes [${[...key0].join(', ')}]`],
    ['hex bytes', `key ${[...key0].map((b) => b.toString(16).padStart(2, '0')).join(':')}`],
  ];
  let spy: jest.SpiedFunction<SSVKeys['createThreshold']> | undefined;
  afterEach(() => spy?.mockRestore());

  function failWith(message: string): void {
    class PrivateKeyFormatError extends Error {
      // ssv-keys keeps the offending key on such a property.
      readonly data = `0x${hex}`;
    }
    const error = new PrivateKeyFormatError(message);
    error.name = 'PrivateKeyFormatError';
    spy = jest.spyOn(SSVKeys.prototype, 'createThreshold').mockRejectedValueOnce(error);
  }

  it.each(leaks)('withholds a message with the key in %s', async (_form, leak) => {
    failWith(leak);
    const error = await outcome(() =>
      activities.buildSharesPayload({ keyIndex: 0, operators, ownerNonce: 0 }),
    );
    expect(spy).toHaveBeenCalledTimes(1);
    expect(error).toMatchObject({
      type: 'ERR_SHARES_PAYLOAD',
      message: `Building the SSV shares of ${STAFI_PUBKEY_0} failed (PrivateKeyFormatError; its message is withheld: it may quote key material).`,
      nonRetryable: !errorCodes.ERR_SHARES_PAYLOAD.retryable,
    });
    expectNoSecrets(error);
    expect(observable(error)).not.toContain(leak);
  });

  it('quotes a message that holds nothing key-like, so the failure stays diagnosable', async () => {
    failWith('operators count must be 3f+1');
    const error = await outcome(() =>
      activities.buildSharesPayload({ keyIndex: 0, operators, ownerNonce: 0 }),
    );
    expect(error).toMatchObject({
      type: 'ERR_SHARES_PAYLOAD',
      message: `Building the SSV shares of ${STAFI_PUBKEY_0} failed (PrivateKeyFormatError: operators count must be 3f+1).`,
    });
    expectNoSecrets(error);
  });
});

describe('keys activities: key handling', () => {
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
