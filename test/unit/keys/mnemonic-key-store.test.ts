import bls from '@chainsafe/bls';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { bip39Seed } from '../../../activities/keys/bip39-seed.js';
import type { IKeystore } from '@chainsafe/bls-keystore';
import {
  KEY_STORE_DESCRIPTION,
  decryptKeystore,
  importMnemonic,
  openMnemonicKeyStore,
} from '../../../activities/keys/mnemonic-key-store.js';
import { resolveSecret } from '../../../activities/keys/resolve-secret.js';
import { bytesToHex } from '../../../domain/beacon/hex.js';
import { DvtError } from '../../../domain/errors.js';
import { STAFI_MNEMONIC, STAFI_PUBKEY_0, STAFI_PUBKEY_1 } from '../../fixtures/beacon-vectors.js';

// scrypt n = 2^10 keeps each open in milliseconds; production uses 2^18.
const FAST = { scryptN: 1024 };
const PASSWORD = 'correct horse battery staple';

function tempFile(name: string): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'dvt-keys-')), name);
}

async function imported(): Promise<string> {
  const file = tempFile('keystore.json');
  await importMnemonic({ mnemonic: STAFI_MNEMONIC, password: PASSWORD, file, ...FAST });
  return file;
}

describe('mnemonic key store', () => {
  it('round-trips: import, open, and derive the StaFi keys 0 and 1', async () => {
    const file = tempFile('keystore.json');
    const result = await importMnemonic({
      mnemonic: STAFI_MNEMONIC,
      password: PASSWORD,
      file,
      ...FAST,
    });
    expect(result).toEqual({ file, pubkey0: STAFI_PUBKEY_0 });
    const source = await openMnemonicKeyStore({ file, password: PASSWORD });
    expect(bytesToHex(bls.secretKeyToPublicKey(await source.deriveSigningKey(0)))).toBe(
      STAFI_PUBKEY_0,
    );
    expect(bytesToHex(bls.secretKeyToPublicKey(await source.deriveSigningKey(1)))).toBe(
      STAFI_PUBKEY_1,
    );
  });

  it('writes an EIP-2335 v4 scrypt keystore with mode 0600', async () => {
    const file = await imported();
    const keystore = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(keystore).toMatchObject({
      version: 4,
      path: '',
      description: KEY_STORE_DESCRIPTION,
      pubkey: STAFI_PUBKEY_0.slice(2),
      crypto: {
        kdf: { function: 'scrypt', params: { n: 1024, r: 8, p: 1, dklen: 32 } },
        checksum: { function: 'sha256' },
        cipher: { function: 'aes-128-ctr' },
      },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('never writes the mnemonic, any run of its words, or the seed to the file', async () => {
    const text = readFileSync(await imported(), 'utf8').toLowerCase();
    const words = STAFI_MNEMONIC.split(' ');
    for (let i = 0; i + 2 <= words.length; i += 1) {
      expect(text).not.toContain(words.slice(i, i + 2).join(' '));
    }
    const seedHex = bip39Seed(STAFI_MNEMONIC).toString('hex');
    for (let i = 0; i < seedHex.length; i += 16) {
      expect(text).not.toContain(seedHex.slice(i, i + 16));
    }
    expect(text).not.toContain(bip39Seed(STAFI_MNEMONIC).toString('base64').toLowerCase());
  });

  it('refuses a wrong password with a clear ERR_KEYSTORE error', async () => {
    const file = await imported();
    const error = await openMnemonicKeyStore({ file, password: 'wrong' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DvtError);
    expect(error).toMatchObject({ code: 'ERR_KEYSTORE', details: { file } });
    expect((error as DvtError).message).toBe(
      `Cannot decrypt key store ${file}: wrong password. Check the password given by prompt, password file or environment variable.`,
    );
  });

  it('refuses to overwrite an existing key store', async () => {
    const file = await imported();
    await expect(
      importMnemonic({ mnemonic: STAFI_MNEMONIC, password: PASSWORD, file, ...FAST }),
    ).rejects.toThrow(
      `Key store ${file} already exists. Import once; move the old file away first if you really mean to replace it.`,
    );
  });

  it('rejects an invalid mnemonic without echoing it', async () => {
    const bad = STAFI_MNEMONIC.replace('emotion', 'emotions');
    const error = (await importMnemonic({
      mnemonic: bad,
      password: PASSWORD,
      file: tempFile('k.json'),
      ...FAST,
    }).catch((e: unknown) => e)) as DvtError;
    expect(error.code).toBe('ERR_INVALID_INPUT');
    expect(error.message).toBe(
      'The mnemonic is not a valid BIP-39 English phrase. Check the word count, the spelling and the word order.',
    );
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('problem need');
  });

  it('detects a keystore whose recorded pubkey does not match its seed', async () => {
    const file = await imported();
    const keystore = JSON.parse(readFileSync(file, 'utf8')) as { pubkey: string };
    keystore.pubkey = STAFI_PUBKEY_1.slice(2);
    writeFileSync(file, JSON.stringify(keystore));
    await expect(openMnemonicKeyStore({ file, password: PASSWORD })).rejects.toMatchObject({
      code: 'ERR_KEYSTORE',
      message: `Key store ${file} is corrupt: its seed does not match. Restore the file from backup or import the mnemonic again.`,
    });
  });

  it('rejects a key index outside 0..2^32-1 as a rejected promise', async () => {
    const source = await openMnemonicKeyStore({ file: await imported(), password: PASSWORD });
    await expect(source.deriveSigningKey(-1)).rejects.toThrow(
      'Key index -1 is not an integer in 0..2^32-1.',
    );
    await expect(source.deriveSigningKey(2 ** 32)).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
    });
  });

  it('shows nothing secret when the key source is serialised', async () => {
    const source = await openMnemonicKeyStore({ file: await imported(), password: PASSWORD });
    expect(JSON.stringify(source)).toBe('{}');
    expect(Object.keys(source)).toEqual(['deriveSigningKey']);
  });
});

// EIP-2335's published test vectors (specs/beacon-and-keys.md §2.4): one secret, one password,
// one salt and iv, encrypted once with scrypt and once with PBKDF2.
const EIP2335 = {
  password: '𝔱𝔢𝔰𝔱𝔭𝔞𝔰𝔰𝔴𝔬𝔯𝔡🔑',
  salt: 'd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3',
  iv: '264daa3f303d7259501c93d997d84fe6',
  secret: '0x000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  pubkey:
    '9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07',
};

function eip2335Keystore(
  kdf: IKeystore['crypto']['kdf'],
  checksum: string,
  cipherMessage: string,
): IKeystore {
  return {
    version: 4,
    uuid: '1d85ae20-35c5-4611-98e8-aa14a633906f',
    path: '',
    pubkey: EIP2335.pubkey,
    crypto: {
      kdf,
      checksum: { function: 'sha256', params: {}, message: checksum },
      cipher: { function: 'aes-128-ctr', params: { iv: EIP2335.iv }, message: cipherMessage },
    },
  };
}

const EIP2335_SCRYPT = eip2335Keystore(
  {
    function: 'scrypt',
    params: { dklen: 32, n: 262144, r: 8, p: 1, salt: EIP2335.salt },
    message: '',
  },
  'd2217fe5f3e9a1e34581ef8a78f7c9928e436d36dacc5e846690a5581e8ea484',
  '06ae90d55fe0a6e9c5c3bc5b170827b2e5cce3929ed3f116c2811e6366dfe20f',
);
const EIP2335_PBKDF2 = eip2335Keystore(
  {
    function: 'pbkdf2',
    params: { dklen: 32, c: 262144, prf: 'hmac-sha256', salt: EIP2335.salt },
    message: '',
  },
  '8a9f5d9912ed7e75ea794bc5a89bca5f193721d30868ade6f73043c6ea6febf1',
  'cee03fde2af33149775b7223e7845e4fb2c8ae1792e5f99fe9ecf474cc8c16ad',
);

describe('EIP-2335 test vectors, through the key store decryption', () => {
  it('decrypts the scrypt vector (n = 2^18) to the published secret and pubkey', async () => {
    const secret = await decryptKeystore({
      keystore: EIP2335_SCRYPT,
      password: EIP2335.password,
      file: 'eip-2335-scrypt.json',
    });
    expect(bytesToHex(secret)).toBe(EIP2335.secret);
    expect(bytesToHex(bls.secretKeyToPublicKey(secret))).toBe(`0x${EIP2335.pubkey}`);
  }, 60_000);

  it('decrypts the PBKDF2 vector to the same secret', async () => {
    const secret = await decryptKeystore({
      keystore: EIP2335_PBKDF2,
      password: EIP2335.password,
      file: 'eip-2335-pbkdf2.json',
    });
    expect(bytesToHex(secret)).toBe(EIP2335.secret);
  }, 60_000);

  it('refuses the vector with a wrong password, naming the file only', async () => {
    await expect(
      decryptKeystore({
        keystore: EIP2335_PBKDF2,
        password: 'testpassword',
        file: 'eip-2335-pbkdf2.json',
      }),
    ).rejects.toMatchObject({
      code: 'ERR_KEYSTORE',
      message:
        'Cannot decrypt key store eip-2335-pbkdf2.json: wrong password. Check the password given by prompt, password file or environment variable.',
    });
  }, 60_000);
});

describe('decryptKeystore', () => {
  it('reports a keystore whose fields cannot be decoded as malformed, without the library text', async () => {
    const broken = {
      ...EIP2335_PBKDF2,
      crypto: {
        ...EIP2335_PBKDF2.crypto,
        cipher: { ...EIP2335_PBKDF2.crypto.cipher, message: 'not hex' },
      },
    };
    await expect(
      decryptKeystore({ keystore: broken, password: EIP2335.password, file: 'broken.json' }),
    ).rejects.toMatchObject({
      code: 'ERR_KEYSTORE',
      message:
        'Cannot decrypt key store broken.json: it is malformed. Restore the file from backup or import the mnemonic again.',
    });
  });
});

describe('resolveSecret', () => {
  it('reads a *_FILE source and drops one trailing newline', async () => {
    const file = tempFile('password');
    writeFileSync(file, 'from-a-file\n');
    await expect(resolveSecret({ name: 'DVT_KEYSTORE_PASSWORD', file })).resolves.toBe(
      'from-a-file',
    );
  });

  it('returns a value given directly', async () => {
    await expect(resolveSecret({ name: 'DVT_KEYSTORE_PASSWORD', value: 'v' })).resolves.toBe('v');
  });

  it('drops surrounding whitespace from either source, so both give the same password', async () => {
    const file = tempFile('password');
    writeFileSync(file, '  same password \r\n\n');
    await expect(resolveSecret({ name: 'P', file })).resolves.toBe('same password');
    await expect(resolveSecret({ name: 'P', value: 'same password\n' })).resolves.toBe(
      'same password',
    );
    await expect(resolveSecret({ name: 'P', value: ' \n' })).rejects.toThrow('P is empty.');
  });

  it('refuses both sources, neither source, an empty secret and a missing file', async () => {
    await expect(
      resolveSecret({ name: 'DVT_KEYSTORE_PASSWORD', value: 'v', file: '/x' }),
    ).rejects.toThrow('Set either DVT_KEYSTORE_PASSWORD or DVT_KEYSTORE_PASSWORD_FILE, not both.');
    await expect(resolveSecret({ name: 'DVT_KEYSTORE_PASSWORD' })).rejects.toThrow(
      'DVT_KEYSTORE_PASSWORD is not set. Set DVT_KEYSTORE_PASSWORD_FILE to a file holding it (e.g. /run/secrets/keystore-password) or DVT_KEYSTORE_PASSWORD.',
    );
    await expect(resolveSecret({ name: 'P', value: '' })).rejects.toThrow('P is empty.');
    await expect(resolveSecret({ name: 'P', file: '/nonexistent/p' })).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message:
        'Cannot read P_FILE at /nonexistent/p. Check the path and that the worker may read it.',
    });
  });
});
