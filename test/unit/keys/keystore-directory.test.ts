import bls from '@chainsafe/bls';
import { create, defaultPbkdfModule } from '@chainsafe/bls-keystore';
import type { IKeystore } from '@chainsafe/bls-keystore';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';

import { openKeystoreDirectory } from '../../../activities/keys/keystore-directory.js';
import type { KeySource } from '../../../activities/keys/key-source.js';
import {
  importMnemonic,
  openMnemonicKeyStore,
} from '../../../activities/keys/mnemonic-key-store.js';
import { bytesToHex } from '../../../domain/beacon/hex.js';
import { DvtError } from '../../../domain/errors.js';
import { STAFI_MNEMONIC, STAFI_PUBKEY_0, STAFI_PUBKEY_1 } from '../../fixtures/beacon-vectors.js';

const PASSWORD = 'keystore-directory-password';
/** PBKDF2 with c = 16 keeps each keystore in microseconds; real keystores use scrypt 2^18. */
const CHEAP_KDF = { ...defaultPbkdfModule(), params: { ...defaultPbkdfModule().params, c: 16 } };

/** The mnemonic key store of the StaFi test mnemonic: the reference both sources must agree on. */
let mnemonicStore: KeySource;
/** Signing keys 0..4 of the test mnemonic, from the mnemonic key store. */
const keys: Uint8Array[] = [];

beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'dvt-keydir-ref-')), 'keystore.json');
  await importMnemonic({ mnemonic: STAFI_MNEMONIC, password: PASSWORD, file, scryptN: 1024 });
  mnemonicStore = await openMnemonicKeyStore({ file, password: PASSWORD });
  for (const index of [0, 1, 2, 3, 4]) keys.push(await mnemonicStore.deriveSigningKey(index));
});

function pubkeyHex(secret: Uint8Array): string {
  return bytesToHex(bls.secretKeyToPublicKey(secret)).slice(2);
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'dvt-keydir-'));
}

/** The staking-deposit-cli's file name for signing key `index`. */
function cliName(index: number): string {
  return `keystore-m_12381_3600_${index}_0_0-1700000000.json`;
}

interface KeystoreOptions {
  /** Key whose secret is encrypted (default: `index`). */
  key?: number;
  /** Recorded path (default: the signing path of `index`). */
  keyPath?: string;
  /** Key whose public key is recorded (default: `key`). */
  pubkeyOf?: number;
  password?: string;
  name?: string;
}

/** Writes an EIP-2335 keystore of the test mnemonic's key `index` into `dir`; returns its path. */
async function writeKeystore(
  dir: string,
  index: number,
  options: KeystoreOptions = {},
): Promise<string> {
  const key = keys[options.key ?? index] as Uint8Array;
  const pubkey = bls.secretKeyToPublicKey(keys[options.pubkeyOf ?? options.key ?? index]!);
  const keystore: IKeystore = await create(
    options.password ?? PASSWORD,
    key,
    pubkey,
    options.keyPath ?? `m/12381/3600/${index}/0/0`,
    '',
    CHEAP_KDF,
  );
  const file = path.join(dir, options.name ?? cliName(index));
  writeFileSync(file, JSON.stringify(keystore));
  return file;
}

/** A directory with keystores of keys 0, 1 and 3, plus files that are not keystores. */
async function directory013(): Promise<string> {
  const dir = tempDir();
  for (const index of [0, 1, 3]) await writeKeystore(dir, index);
  writeFileSync(path.join(dir, 'README.txt'), 'not a keystore, not read\n');
  mkdirSync(path.join(dir, 'archive.json'));
  return dir;
}

/** Every textual form a leaked secret could take: the keys, the mnemonic and the password. */
function secretForms(): string[] {
  const forms = [STAFI_MNEMONIC, PASSWORD];
  for (const key of keys) {
    const hex = Buffer.from(key).toString('hex');
    forms.push(hex, Buffer.from(key).toString('base64'), BigInt(`0x${hex}`).toString(10));
  }
  return forms;
}

const WORDS = STAFI_MNEMONIC.split(' ');
const MNEMONIC_PAIRS = WORDS.slice(1).map((word, i) => `${WORDS[i]} ${word}`);

/** Everything observable about an error: message, stack, JSON, own fields and causes. */
function observable(value: unknown, depth = 0): string {
  if (depth > 8 || value === undefined || value === null) return String(value);
  if (value instanceof Error) {
    const own = Object.getOwnPropertyNames(value).map((name) => {
      const field = (value as unknown as Record<string, unknown>)[name];
      return `${name}=${name === 'cause' ? observable(field, depth + 1) : JSON.stringify(field)}`;
    });
    return [value.message, value.stack ?? '', JSON.stringify(value), ...own].join('\n');
  }
  return JSON.stringify(value) ?? typeof value;
}

function expectNoSecrets(value: unknown): void {
  const text = observable(value).toLowerCase();
  for (const secret of secretForms()) expect(text).not.toContain(secret.toLowerCase());
  for (const pair of MNEMONIC_PAIRS) expect(text).not.toContain(pair);
}

async function openError(dir: string, password = PASSWORD): Promise<DvtError> {
  const error = await openKeystoreDirectory({ dir, password }).then(
    () => new Error('expected the directory to be refused'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DvtError);
  expectNoSecrets(error);
  return error as DvtError;
}

describe('keystore directory key source', () => {
  it('hands out the same signing keys as the mnemonic key store, so both sign for the same validators', async () => {
    const source = await openKeystoreDirectory({ dir: await directory013(), password: PASSWORD });
    for (const index of [0, 1, 3]) {
      const fromDirectory = await source.deriveSigningKey(index);
      expect(bytesToHex(fromDirectory)).toBe(
        bytesToHex(await mnemonicStore.deriveSigningKey(index)),
      );
    }
    expect(`0x${pubkeyHex(await source.deriveSigningKey(0))}`).toBe(STAFI_PUBKEY_0);
    expect(`0x${pubkeyHex(await source.deriveSigningKey(1))}`).toBe(STAFI_PUBKEY_1);
  });

  it('refuses an index without a keystore, listing the indices it has and what to do', async () => {
    const dir = await directory013();
    const source = await openKeystoreDirectory({ dir, password: PASSWORD });
    const error = await source.deriveSigningKey(2).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_KEYSTORE',
      details: { keyIndex: 2, dir, keys: 3 },
      message: `Validator key 2 has no keystore in ${dir}: it holds keys for indices 0-1, 3. The router hands out key indices in order from 0, so add keystores for the next indices (path m/12381/3600/2/0/0 and on, same password) and restart the worker, or use a mnemonic key store (DVT_KEYSTORE_FILE), which derives any index.`,
    });
    expectNoSecrets(error);
    await expect(source.deriveSigningKey(4)).rejects.toThrow(
      `Validator key 4 has no keystore in ${dir}: it holds keys for indices 0-1, 3.`,
    );
  });

  it('rejects a key index outside 0..2^32-1 as a rejected promise', async () => {
    const source = await openKeystoreDirectory({ dir: await directory013(), password: PASSWORD });
    await expect(source.deriveSigningKey(-1)).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
      message: 'Key index -1 is not an integer in 0..2^32-1.',
    });
    await expect(source.deriveSigningKey(1.5)).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
    });
  });

  it('returns a copy: zeroing the bytes a caller got does not change the next call', async () => {
    const source = await openKeystoreDirectory({ dir: await directory013(), password: PASSWORD });
    const first = await source.deriveSigningKey(1);
    const expected = bytesToHex(first);
    first.fill(0);
    const second = await source.deriveSigningKey(1);
    expect(bytesToHex(second)).toBe(expected);
    expect(expected).toBe(bytesToHex(keys[1] as Uint8Array));
    expect(second).not.toBe(first);
  });

  it('shows nothing secret when the key source is serialised or inspected', async () => {
    const source = await openKeystoreDirectory({ dir: await directory013(), password: PASSWORD });
    expect(JSON.stringify(source)).toBe('{}');
    expect(Object.keys(source)).toEqual(['deriveSigningKey']);
    expectNoSecrets(inspect(source, { depth: 10, showHidden: true }));
  });

  it('refuses a wrong password, naming the file', async () => {
    const dir = await directory013();
    const error = await openError(dir, 'not-the-password');
    expect(error).toMatchObject({
      code: 'ERR_KEYSTORE',
      details: { file: path.join(dir, cliName(0)) },
    });
    expect(error.message).toBe(
      `Cannot decrypt key store ${path.join(dir, cliName(0))}: wrong password. Check the password given by prompt, password file or environment variable.`,
    );
  });

  it('refuses a keystore whose secret does not belong to its pubkey field', async () => {
    const dir = tempDir();
    const file = await writeKeystore(dir, 1, { pubkeyOf: 0 });
    const error = await openError(dir);
    expect(error).toMatchObject({
      code: 'ERR_KEYSTORE',
      details: { file, pubkey: STAFI_PUBKEY_0 },
      message: `Keystore ${file} is inconsistent: its secret key does not belong to its pubkey ${STAFI_PUBKEY_0}. Restore the file from backup or generate it again.`,
    });
  });

  it('refuses a keystore that holds a withdrawal key', async () => {
    const dir = tempDir();
    await writeKeystore(dir, 0);
    const file = await writeKeystore(dir, 1, {
      keyPath: 'm/12381/3600/1/0',
      name: 'keystore-m_12381_3600_1_0-1700000000.json',
    });
    const error = await openError(dir);
    expect(error).toMatchObject({ code: 'ERR_KEYSTORE', details: { file } });
    expect(error.message).toBe(
      `Keystore ${file} holds the withdrawal key of validator 1 (path m/12381/3600/1/0), not its signing key (m/12381/3600/1/0/0). Use the signing keystores (keystore-m_12381_3600_<i>_0_0-*.json); the router never needs withdrawal keys.`,
    );
  });

  it.each([
    ['no path', ''],
    ['a path outside EIP-2334', 'm/44/60/0/0/0'],
    ['a hardened index', "m/12381/3600/0'/0/0"],
    ['an index above 2^32-1', 'm/12381/3600/4294967296/0/0'],
  ])('refuses a keystore with %s', async (_label, keyPath) => {
    const dir = tempDir();
    const file = await writeKeystore(dir, 0, { keyPath });
    const error = await openError(dir);
    expect(error).toMatchObject({ code: 'ERR_KEYSTORE', details: { file } });
    expect(error.message).toBe(
      `Keystore ${file} has path ${JSON.stringify(keyPath)}; a validator signing keystore has path m/12381/3600/<i>/0/0. Only keystores of EIP-2334 signing keys can be used: the router signs for key index i with the key at m/12381/3600/i/0/0.`,
    );
  });

  it('refuses two keystores for the same index', async () => {
    const dir = tempDir();
    const first = await writeKeystore(dir, 0, { name: 'a.json' });
    const second = await writeKeystore(dir, 0, { name: 'b.json' });
    const error = await openError(dir);
    expect(error).toMatchObject({ code: 'ERR_KEYSTORE', details: { file: second, keyIndex: 0 } });
    expect(error.message).toBe(
      `Keystores ${first} and ${second} are both for validator key 0 (m/12381/3600/0/0/0). Keep one of them.`,
    );
  });

  it('refuses one key recorded under two indices', async () => {
    const dir = tempDir();
    const first = await writeKeystore(dir, 0);
    const second = await writeKeystore(dir, 5, { key: 0 });
    const error = await openError(dir);
    expect(error).toMatchObject({ code: 'ERR_KEYSTORE', details: { file: second } });
    expect(error.message).toBe(
      `Keystores ${first} and ${second} hold the same public key ${STAFI_PUBKEY_0} under different paths. A key belongs to one index only; remove the keystore whose path is wrong.`,
    );
  });

  it.each([
    [
      'JSON that is not a keystore',
      '{"hello":"world"}',
      (file: string) =>
        `${file} is not an EIP-2335 version 4 keystore: it must have required property 'crypto'. Keep only EIP-2335 keystores (one per validator signing key) there.`,
    ],
    [
      "the staking-deposit-cli's deposit data",
      '[{"pubkey":"907b","amount":32000000000}]',
      (file: string) =>
        `${file} is not an EIP-2335 keystore but a JSON list (the staking-deposit-cli's deposit_data file is one). Move it out of the keystore directory. Keep only EIP-2335 keystores (one per validator signing key) there.`,
    ],
    [
      'text that is not JSON',
      'pubkey: 907b',
      (file: string) =>
        `Keystore ${file} is not valid JSON. Keep only EIP-2335 keystores (one per validator signing key) there.`,
    ],
  ])('refuses %s', async (_label, text, message) => {
    const dir = tempDir();
    await writeKeystore(dir, 0);
    const file = path.join(dir, 'zz-other.json');
    writeFileSync(file, text);
    const error = await openError(dir);
    expect(error).toMatchObject({ code: 'ERR_KEYSTORE', details: { file } });
    expect(error.message).toBe(message(file));
  });

  it('refuses a keystore of another version', async () => {
    const dir = tempDir();
    const file = await writeKeystore(dir, 0);
    const keystore = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...keystore, version: 3 }));
    expect((await openError(dir)).message).toBe(
      `Keystore ${file} has version 3; only EIP-2335 version 4 is supported. Keep only EIP-2335 keystores (one per validator signing key) there.`,
    );
  });

  it('points the mnemonic key store, put in the directory by mistake, at DVT_KEYSTORE_FILE', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'keystore.json');
    await importMnemonic({ mnemonic: STAFI_MNEMONIC, password: PASSWORD, file, scryptN: 1024 });
    expect((await openError(dir)).message).toBe(
      `${file} is a dvt-router mnemonic key store, not a validator keystore. Set DVT_KEYSTORE_FILE to it and unset DVT_KEYSTORE_DIR.`,
    );
  });

  it('refuses a directory without keystores', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'README.txt'), 'nothing here\n');
    const error = await openError(dir);
    expect(error).toMatchObject({ code: 'ERR_KEYSTORE', details: { dir } });
    expect(error.message).toBe(
      `The keystore directory ${dir} holds no keystore files. Put the EIP-2335 keystores of validator keys 0, 1, 2, … there (*.json, e.g. the staking-deposit-cli keystore-m_12381_3600_<i>_0_0-*.json files), or use a mnemonic key store (DVT_KEYSTORE_FILE).`,
    );
  });

  it('checks the leak check itself: it sees a key in an error cause', () => {
    const hex = Buffer.from(keys[3] as Uint8Array).toString('hex');
    const leaky = new DvtError('ERR_KEYSTORE', 'x', { cause: new Error(`key ${hex}`) });
    expect(observable(leaky)).toContain(hex);
    expect(() => expectNoSecrets(leaky)).toThrow();
  });

  it('refuses a directory that does not exist', async () => {
    const dir = path.join(tempDir(), 'missing');
    const error = await openError(dir);
    expect(error).toMatchObject({ code: 'ERR_KEYSTORE', details: { dir } });
    expect(error.message).toBe(
      `Cannot read the keystore directory ${dir}. Check that DVT_KEYSTORE_DIR names a directory the worker may read.`,
    );
  });
});
