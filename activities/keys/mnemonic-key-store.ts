import { readFile, writeFile } from 'node:fs/promises';

import bls from '@chainsafe/bls';
import { deriveKeyFromEntropy } from '@chainsafe/bls-keygen';
import { create, decrypt, defaultScryptModule } from '@chainsafe/bls-keystore';
import type { IKeystore } from '@chainsafe/bls-keystore';
import { Mnemonic } from 'ethers';

import { DvtError } from '../../domain/errors.js';
import { bytesToHex } from '../../domain/beacon/hex.js';
import { bip39Seed } from './bip39-seed.js';
import { checkKeyIndex } from './check-key-index.js';
import { signingKeyPath } from './key-source.js';
import type { KeySource } from './key-source.js';

/**
 * What the key-store file holds: an EIP-2335 (version 4) keystore whose secret is the 64-byte
 * BIP-39 **seed** of the mnemonic, not its entropy. Why the seed: it is the input EIP-2333 needs
 * (no PBKDF2 at every start), it already folds in an optional BIP-39 passphrase (so no second
 * secret has to be stored), and a decrypted file yields no human-readable phrase. The mnemonic
 * itself stays the operator's offline backup. `pubkey` is the signing key of validator 0, which
 * lets {@link openMnemonicKeyStore} prove that it decrypted the right seed.
 */
export const KEY_STORE_DESCRIPTION =
  'dvt-router BIP-39 seed (64 bytes); validator i signs with m/12381/3600/i/0/0';

/** Production scrypt cost (EIP-2335 default): about 2–3 s per open on a server core. */
export const DEFAULT_SCRYPT_N = 262144;

export interface ImportMnemonicParameters {
  /** BIP-39 English mnemonic; checked (word list and checksum) before anything is written. */
  mnemonic: string;
  /** BIP-39 passphrase; StaFi's router uses none. */
  passphrase?: string;
  /** Password that encrypts the key store (already resolved: prompt, file or env). */
  password: string;
  /** Path of the key-store file to create; an existing file is never overwritten. */
  file: string;
  /** scrypt cost; tests lower it, production keeps {@link DEFAULT_SCRYPT_N}. */
  scryptN?: number;
}

export interface ImportMnemonicReturnType {
  /** The file written. */
  file: string;
  /** Public key of validator 0, to check the import against a known deposit. */
  pubkey0: `0x${string}`;
}

function deriveFromSeed(seed: Uint8Array, index: number): Uint8Array {
  return deriveKeyFromEntropy(seed, signingKeyPath(checkKeyIndex(index)));
}

function pubkeyOf(secretKey: Uint8Array): `0x${string}` {
  return bytesToHex(bls.secretKeyToPublicKey(secretKey));
}

/**
 * The mnemonic with its words single-spaced, after checking it is a valid BIP-39 English phrase
 * (word list and checksum). Pure. Errors: `ERR_INVALID_INPUT`, without echoing the phrase.
 */
export function normalizeMnemonic(mnemonic: string): string {
  const phrase = mnemonic.trim().split(/\s+/).join(' ');
  if (!Mnemonic.isValidMnemonic(phrase)) {
    throw new DvtError('ERR_INVALID_INPUT', 'The mnemonic is not a valid BIP-39 English phrase.', {
      hint: 'Check the word count, the spelling and the word order.',
    });
  }
  return phrase;
}

/**
 * Imports a BIP-39 mnemonic once: keeps only an EIP-2335 scrypt keystore of its seed, written
 * with mode 0600. The file never contains the phrase or the seed in plain text.
 *
 * Not idempotent by design: it refuses to overwrite an existing file (`ERR_KEYSTORE`) so a second
 * import cannot silently replace the keys the pool's validators were made with.
 * Errors: `ERR_INVALID_INPUT` for an invalid mnemonic (the phrase is not echoed); `ERR_KEYSTORE`
 * when the file exists or cannot be written.
 */
export async function importMnemonic({
  mnemonic,
  passphrase = '',
  password,
  file,
  scryptN = DEFAULT_SCRYPT_N,
}: ImportMnemonicParameters): Promise<ImportMnemonicReturnType> {
  const seed = bip39Seed(normalizeMnemonic(mnemonic), passphrase);
  const key0 = deriveFromSeed(seed, 0);
  const pubkey0 = pubkeyOf(key0);
  key0.fill(0);
  const kdf = defaultScryptModule();
  kdf.params.n = scryptN;
  let keystore: IKeystore;
  try {
    keystore = await create(
      password,
      seed,
      Buffer.from(pubkey0.slice(2), 'hex'),
      '',
      KEY_STORE_DESCRIPTION,
      kdf,
    );
  } finally {
    seed.fill(0);
  }
  try {
    await writeFile(file, `${JSON.stringify(keystore, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === 'EEXIST';
    throw new DvtError(
      'ERR_KEYSTORE',
      exists ? `Key store ${file} already exists.` : `Cannot write key store ${file}.`,
      {
        details: { file },
        cause,
        hint: exists
          ? 'Import once; move the old file away first if you really mean to replace it.'
          : 'Check the directory exists and is writable.',
      },
    );
  }
  return { file, pubkey0 };
}

export interface DecryptKeystoreParameters {
  /** A parsed EIP-2335 keystore. */
  keystore: IKeystore;
  /** Its password; NFKD-normalised and stripped of control codes as EIP-2335 says. */
  password: string;
  /** Where it came from, for error messages. */
  file: string;
}

/**
 * Decrypts an EIP-2335 version 4 keystore (scrypt or PBKDF2, AES-128-CTR, SHA-256 checksum) and
 * returns its secret; the caller zeroes it after use. This is the step {@link
 * openMnemonicKeyStore} opens the key store with.
 *
 * Idempotent (pure). Errors: `ERR_KEYSTORE` when it is not a version 4 keystore, when the
 * password is wrong (the checksum does not match) or when its fields cannot be decoded; the
 * messages name the file, never the password.
 */
export async function decryptKeystore({
  keystore,
  password,
  file,
}: DecryptKeystoreParameters): Promise<Uint8Array> {
  if (keystore.version !== 4 || keystore.crypto?.cipher?.message === undefined) {
    throw new DvtError('ERR_KEYSTORE', `Key store ${file} is not an EIP-2335 version 4 keystore.`, {
      details: { file },
    });
  }
  try {
    // One KDF run: decrypt checks the checksum itself (scrypt at n = 2^18 costs seconds).
    return await decrypt(keystore, password);
  } catch (cause) {
    if (cause instanceof Error && cause.message === 'Invalid password') {
      throw new DvtError('ERR_KEYSTORE', `Cannot decrypt key store ${file}: wrong password.`, {
        details: { file },
        hint: 'Check the password given by prompt, password file or environment variable.',
      });
    }
    // The library's error is not kept: it may quote the file's fields.
    throw new DvtError('ERR_KEYSTORE', `Cannot decrypt key store ${file}: it is malformed.`, {
      details: { file },
      hint: 'Restore the file from backup or import the mnemonic again.',
    });
  }
}

export interface OpenMnemonicKeyStoreParameters {
  /** Key-store file written by {@link importMnemonic}. */
  file: string;
  /** Its password (already resolved: prompt, file or env). */
  password: string;
}

/**
 * Opens a key store written by {@link importMnemonic} and returns a {@link KeySource} that derives
 * signing keys on demand (EIP-2333/2334). The decrypted seed lives only in the returned closure.
 *
 * Idempotent (reads only). Errors: `ERR_KEYSTORE` when the file is missing or not a keystore,
 * when the password is wrong, or when the seed does not derive the recorded public key.
 */
export async function openMnemonicKeyStore({
  file,
  password,
}: OpenMnemonicKeyStoreParameters): Promise<KeySource> {
  let keystore: IKeystore;
  try {
    keystore = JSON.parse(await readFile(file, 'utf8')) as IKeystore;
  } catch (cause) {
    throw new DvtError('ERR_KEYSTORE', `Cannot read key store ${file}.`, {
      details: { file },
      cause,
      hint: 'Check the path, or import the mnemonic first.',
    });
  }
  const seed = await decryptKeystore({ keystore, password, file });
  const key0 = deriveFromSeed(seed, 0);
  const pubkey0 = pubkeyOf(key0);
  key0.fill(0);
  if (pubkey0.slice(2) !== keystore.pubkey.toLowerCase()) {
    seed.fill(0);
    throw new DvtError('ERR_KEYSTORE', `Key store ${file} is corrupt: its seed does not match.`, {
      details: { file, expectedPubkey: `0x${keystore.pubkey}` },
      hint: 'Restore the file from backup or import the mnemonic again.',
    });
  }
  return {
    // The executor turns a thrown ERR_INVALID_INPUT into a rejection.
    deriveSigningKey: (index: number) =>
      new Promise<Uint8Array>((resolve) => resolve(deriveFromSeed(seed, index))),
  };
}
