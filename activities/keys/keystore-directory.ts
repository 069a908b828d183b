import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import bls from '@chainsafe/bls';
import { schemaValidationErrors } from '@chainsafe/bls-keystore';
import type { IKeystore } from '@chainsafe/bls-keystore';

import { DvtError } from '../../domain/errors.js';
import { bytesToHex } from '../../domain/beacon/hex.js';
import { checkKeyIndex } from './check-key-index.js';
import { signingKeyPath } from './key-source.js';
import type { KeySource } from './key-source.js';
import { KEY_STORE_DESCRIPTION, decryptKeystore } from './mnemonic-key-store.js';

export interface OpenKeystoreDirectoryParameters {
  /** Directory of EIP-2335 keystores, one `*.json` file per validator signing key. */
  dir: string;
  /** The password all of them share (already resolved: file or env). */
  password: string;
}

/** `m/12381/3600/<i>/0/0` (signing key) and `m/12381/3600/<i>/0` (withdrawal key), `i` a uint32. */
const SIGNING_PATH = /^m\/12381\/3600\/(0|[1-9]\d{0,9})\/0\/0$/;
const WITHDRAWAL_PATH = /^m\/12381\/3600\/(0|[1-9]\d{0,9})\/0$/;
const PUBKEY_HEX = /^(?:0x)?([0-9a-fA-F]{96})$/;
/** At most this many index ranges are spelled out in an error message. */
const MAX_RANGES_SHOWN = 20;

/** A keystore checked for shape, path and pubkey, not yet decrypted. */
interface CheckedKeystore {
  file: string;
  index: number;
  /** Lower-case hex, no 0x. */
  pubkey: string;
  keystore: IKeystore;
}

function keystoreError(file: string, message: string, hint: string): DvtError {
  return new DvtError('ERR_KEYSTORE', message, { details: { file }, hint });
}

/** A value quoted from a file, kept short (it is public data, but may be anything). */
function quoted(value: unknown): string {
  const short = (text: string) => (text.length > 40 ? `${text.slice(0, 37)}...` : text);
  return typeof value === 'string'
    ? JSON.stringify(short(value))
    : short(JSON.stringify(value) ?? String(value));
}

/** Sorted indices as ranges: `0-1, 3`; long lists end in `…`. */
function describeIndices(indices: readonly number[]): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    const start = sorted[i] as number;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) {
      i += 1;
      end = sorted[i] as number;
    }
    i += 1;
    ranges.push(start === end ? String(start) : `${start}-${end}`);
  }
  return ranges.length > MAX_RANGES_SHOWN
    ? `${ranges.slice(0, MAX_RANGES_SHOWN).join(', ')}, …`
    : ranges.join(', ');
}

/** The `*.json` files of `dir` (symbolic links to files included, dotfiles left out), sorted. */
async function jsonFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new DvtError('ERR_KEYSTORE', `Cannot read the keystore directory ${dir}.`, {
      details: { dir },
      cause,
      hint: 'Check that DVT_KEYSTORE_DIR names a directory the worker may read.',
    });
  }
  const files: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.') || !name.toLowerCase().endsWith('.json')) continue;
    const file = path.join(dir, name);
    // stat follows links: a Kubernetes secret volume links each file into a hidden directory.
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) files.push(file);
  }
  return files;
}

/** Reads one file and checks everything that needs no password: shape, version, path, pubkey. */
async function checkKeystoreFile(file: string): Promise<CheckedKeystore> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new DvtError('ERR_KEYSTORE', `Cannot read keystore ${file}.`, {
      details: { file },
      cause,
      hint: 'Check that the worker may read every file in the keystore directory.',
    });
  }
  const notKeystore = 'Keep only EIP-2335 keystores (one per validator signing key) there.';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // The parser's message quotes the text, which is not shown.
    throw keystoreError(file, `Keystore ${file} is not valid JSON.`, notKeystore);
  }
  if (Array.isArray(data)) {
    throw keystoreError(
      file,
      `${file} is not an EIP-2335 keystore but a JSON list (the staking-deposit-cli's deposit_data file is one).`,
      `Move it out of the keystore directory. ${notKeystore}`,
    );
  }
  const fields = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (fields.description === KEY_STORE_DESCRIPTION) {
    throw keystoreError(
      file,
      `${file} is a dvt-router mnemonic key store, not a validator keystore.`,
      'Set DVT_KEYSTORE_FILE to it and unset DVT_KEYSTORE_DIR.',
    );
  }
  if (typeof data === 'object' && data !== null && 'version' in data && fields.version !== 4) {
    throw keystoreError(
      file,
      `Keystore ${file} has version ${quoted(fields.version)}; only EIP-2335 version 4 is supported.`,
      notKeystore,
    );
  }
  const problem = schemaValidationErrors(data)?.[0];
  if (problem) {
    const where = problem.instancePath ? `at ${problem.instancePath} it` : 'it';
    throw keystoreError(
      file,
      `${file} is not an EIP-2335 version 4 keystore: ${where} ${problem.message ?? 'is invalid'}.`,
      notKeystore,
    );
  }
  const keystore = data as IKeystore;
  const withdrawal = WITHDRAWAL_PATH.exec(keystore.path);
  if (withdrawal) {
    const i = withdrawal[1] ?? '';
    throw keystoreError(
      file,
      `Keystore ${file} holds the withdrawal key of validator ${i} (path m/12381/3600/${i}/0), not its signing key (m/12381/3600/${i}/0/0).`,
      'Use the signing keystores (keystore-m_12381_3600_<i>_0_0-*.json); the router never needs withdrawal keys.',
    );
  }
  const signing = SIGNING_PATH.exec(keystore.path);
  const index = signing ? Number(signing[1]) : Number.NaN;
  if (!signing || index > 0xffffffff) {
    throw keystoreError(
      file,
      `Keystore ${file} has path ${quoted(keystore.path)}; a validator signing keystore has path m/12381/3600/<i>/0/0.`,
      'Only keystores of EIP-2334 signing keys can be used: the router signs for key index i with the key at m/12381/3600/i/0/0.',
    );
  }
  const pubkey = typeof keystore.pubkey === 'string' ? PUBKEY_HEX.exec(keystore.pubkey) : null;
  if (!pubkey) {
    throw keystoreError(
      file,
      `Keystore ${file} has no pubkey (48 bytes of hex) to check its key against.`,
      'Restore the file from backup or generate it again.',
    );
  }
  return { file, index, pubkey: (pubkey[1] ?? '').toLowerCase(), keystore };
}

/** Every keystore of the directory, checked; refuses two keystores for one index or one key. */
async function checkDirectory(dir: string): Promise<CheckedKeystore[]> {
  const files = await jsonFiles(dir);
  if (files.length === 0) {
    throw new DvtError('ERR_KEYSTORE', `The keystore directory ${dir} holds no keystore files.`, {
      details: { dir },
      hint: 'Put the EIP-2335 keystores of validator keys 0, 1, 2, … there (*.json, e.g. the staking-deposit-cli keystore-m_12381_3600_<i>_0_0-*.json files), or use a mnemonic key store (DVT_KEYSTORE_FILE).',
    });
  }
  const byIndex = new Map<number, CheckedKeystore>();
  const byPubkey = new Map<string, CheckedKeystore>();
  const checked: CheckedKeystore[] = [];
  for (const file of files) {
    const entry = await checkKeystoreFile(file);
    const sameIndex = byIndex.get(entry.index);
    if (sameIndex) {
      throw new DvtError(
        'ERR_KEYSTORE',
        `Keystores ${sameIndex.file} and ${file} are both for validator key ${entry.index} (${signingKeyPath(entry.index)}).`,
        { details: { file, keyIndex: entry.index }, hint: 'Keep one of them.' },
      );
    }
    const samePubkey = byPubkey.get(entry.pubkey);
    if (samePubkey) {
      throw new DvtError(
        'ERR_KEYSTORE',
        `Keystores ${samePubkey.file} and ${file} hold the same public key 0x${entry.pubkey} under different paths.`,
        {
          details: { file, pubkey: `0x${entry.pubkey}` },
          hint: 'A key belongs to one index only; remove the keystore whose path is wrong.',
        },
      );
    }
    byIndex.set(entry.index, entry);
    byPubkey.set(entry.pubkey, entry);
    checked.push(entry);
  }
  return checked;
}

/** The public key of a decrypted secret, or `undefined` when it is not a valid BLS secret key. */
function publicKeyOf(secret: Uint8Array): string | undefined {
  if (secret.length !== 32) return undefined;
  try {
    return bytesToHex(bls.secretKeyToPublicKey(secret)).slice(2);
  } catch {
    return undefined;
  }
}

/**
 * Opens a directory of EIP-2335 keystores (one per validator signing key, all with one password,
 * e.g. the `keystore-m_12381_3600_<i>_0_0-*.json` files of the staking-deposit-cli) and returns a
 * {@link KeySource} that hands out key `i` from the keystore whose path is `m/12381/3600/<i>/0/0`.
 * For keys generated elsewhere; the mnemonic key store ({@link openMnemonicKeyStore}) derives any
 * index, this source only the indices it holds.
 *
 * Every file is checked before the first (slow, scrypt) decryption, then all are decrypted in
 * sequence and each secret is checked against the keystore's `pubkey`. The keys live only in the
 * returned closure; `deriveSigningKey` returns a copy the caller zeroes.
 *
 * Idempotent (reads only). Errors (`ERR_KEYSTORE`, naming the file, never a secret): an unreadable
 * or empty directory; a file that is not an EIP-2335 v4 keystore, has another path (a withdrawal
 * key's, say) or no pubkey; two files for one index or one key; a wrong password; a secret that
 * does not match its pubkey. `deriveSigningKey` rejects with `ERR_INVALID_INPUT` for an index
 * outside 0..2^32−1 and with `ERR_KEYSTORE` for an index without a keystore.
 */
export async function openKeystoreDirectory({
  dir,
  password,
}: OpenKeystoreDirectoryParameters): Promise<KeySource> {
  const checked = await checkDirectory(dir);
  const keys = new Map<number, Uint8Array>();
  try {
    for (const { file, index, pubkey, keystore } of checked) {
      const secret = await decryptKeystore({ keystore, password, file });
      const actual = publicKeyOf(secret);
      if (actual !== pubkey) {
        secret.fill(0);
        throw new DvtError(
          'ERR_KEYSTORE',
          actual === undefined
            ? `Keystore ${file} does not decrypt to a BLS secret key.`
            : `Keystore ${file} is inconsistent: its secret key does not belong to its pubkey 0x${pubkey}.`,
          {
            details: { file, pubkey: `0x${pubkey}` },
            hint: 'Restore the file from backup or generate it again.',
          },
        );
      }
      keys.set(index, Uint8Array.from(secret));
      secret.fill(0);
    }
  } catch (error) {
    for (const key of keys.values()) key.fill(0);
    throw error;
  }
  const held = describeIndices([...keys.keys()]);
  return {
    // The executor turns a thrown error into a rejection.
    deriveSigningKey: (index: number) =>
      new Promise<Uint8Array>((resolve) => {
        const key = keys.get(checkKeyIndex(index));
        if (key === undefined) {
          throw new DvtError(
            'ERR_KEYSTORE',
            `Validator key ${index} has no keystore in ${dir}: it holds keys for indices ${held}.`,
            {
              details: { keyIndex: index, dir, keys: keys.size },
              hint: `The router hands out key indices in order from 0, so add keystores for the next indices (path ${signingKeyPath(index)} and on, same password) and restart the worker, or use a mnemonic key store (DVT_KEYSTORE_FILE), which derives any index.`,
            },
          );
        }
        resolve(Uint8Array.from(key));
      }),
  };
}
