import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import bls from '@chainsafe/bls';
import { deriveKeyFromEntropy } from '@chainsafe/bls-keygen';
import { create, defaultPbkdfModule } from '@chainsafe/bls-keystore';
import { bip39Seed } from '../../../activities/keys/bip39-seed.js';
import { bytesToHex } from '../../../domain/beacon/hex.js';
import { keystorePassword, openKeySource } from '../../../worker/clients.js';
import { loadConfig } from '../../../worker/config.js';
import { routerSettings } from '../../../worker/settings.js';
import { STAFI_MNEMONIC, STAFI_PUBKEY_0 } from '../../fixtures/beacon-vectors.js';

const valid = {
  DVT_EXECUTION_RPC_URL: 'http://127.0.0.1:8545',
  DVT_BEACON_URLS: 'http://127.0.0.1:5052',
  DVT_SSV_API_URL: 'http://127.0.0.1:3300',
  DVT_POOL_STORAGE: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
  DVT_SSV_NETWORK: '0x95401dc811bb5740090279Ba06cfA8fcF6113778',
  DVT_SIGNER_KEY_FILE: '/run/secrets/signer',
  DVT_KEYSTORE_FILE: '/var/lib/dvt/keystore.json',
  DVT_KEYSTORE_PASSWORD_FILE: '/run/secrets/keystore-password',
};

function messageOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('loadConfig', () => {
  it('parses a valid environment with defaults and freezes it', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      DVT_NETWORK: 'devnet',
      DVT_TEMPORAL_ADDRESS: '127.0.0.1:7233',
      DVT_BEACON_URLS: ['http://127.0.0.1:5052'],
      DVT_CLUSTER_SIZE: 4,
      DVT_RESERVE_ETH: '20',
      DVT_DRY_RUN: false,
      DVT_BATCHING: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('turns the stake deadline into lifecycle settings: hours, 0 at once, off never', () => {
    const deadline = (hours?: string) =>
      routerSettings(loadConfig({ ...valid, DVT_STAKE_DEADLINE_HOURS: hours })).lifecycle
        .stakeFeeDeadlineMs;
    expect(deadline()).toBe(24 * 60 * 60 * 1000);
    expect(deadline('6')).toBe(6 * 60 * 60 * 1000);
    expect(deadline('0')).toBe(0);
    expect(deadline('off')).toBeUndefined();
    const signer = routerSettings(loadConfig(valid)).signer;
    expect(signer.maxFeeCapWei).toBe((200n * 10n ** 9n).toString());
    expect(signer.maxFeePastDeadlineWei).toBe((1000n * 10n ** 9n).toString());
  });

  it.each([
    [
      'a missing RPC URL',
      { DVT_EXECUTION_RPC_URL: undefined },
      '  endpoints.executionRpc (DVT_EXECUTION_RPC_URL): is required (it is not set), e.g. DVT_EXECUTION_RPC_URL=http://127.0.0.1:8545',
    ],
    [
      'a malformed pool address',
      { DVT_POOL_STORAGE: '0x1234' },
      `  contracts.poolStorage (DVT_POOL_STORAGE): must be a 0x-prefixed 20-byte address (got "0x1234" from env DVT_POOL_STORAGE), e.g. DVT_POOL_STORAGE=0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0 (mainnet's)`,
    ],
    [
      'a cluster size SSV does not allow',
      { DVT_CLUSTER_SIZE: '5' },
      '  router.clusterSize (DVT_CLUSTER_SIZE): must be 4, 7, 10 or 13 (got "5" from env DVT_CLUSTER_SIZE), e.g. DVT_CLUSTER_SIZE=4',
    ],
    [
      'a beacon list with a non-URL',
      { DVT_BEACON_URLS: 'http://127.0.0.1:5052,beacon' },
      '  endpoints.beacon (DVT_BEACON_URLS): entry 2 must be an http:// or https:// URL (got "http://127.0.0.1:5052,beacon" from env DVT_BEACON_URLS), e.g. DVT_BEACON_URLS=http://127.0.0.1:5052,http://backup:5052',
    ],
    [
      'a reserve that is not an amount',
      { DVT_RESERVE_ETH: '20 ETH' },
      '  router.reserveEth (DVT_RESERVE_ETH): must be an ETH amount with at most 18 decimals, like 20 or 0.5 (got "20 ETH" from env DVT_RESERVE_ETH), e.g. DVT_RESERVE_ETH=20',
    ],
    [
      'mainnet with a devnet SSV API network',
      { DVT_NETWORK: 'mainnet', DVT_SSV_API_NETWORK: 'devnet' },
      '  endpoints.ssvApiNetwork (DVT_SSV_API_NETWORK): must be mainnet when network is mainnet (got "devnet" from env DVT_SSV_API_NETWORK), e.g. DVT_SSV_API_NETWORK=mainnet',
    ],
    [
      'a deposit amount that is not whole gwei',
      { DVT_DEPOSIT_AMOUNT_GWEI: '1.5' },
      '  router.depositAmountGwei (DVT_DEPOSIT_AMOUNT_GWEI): must be a whole number of gwei, like 1000000000 (1 ETH) (got "1.5" from env DVT_DEPOSIT_AMOUNT_GWEI), e.g. DVT_DEPOSIT_AMOUNT_GWEI=1000000000',
    ],
    [
      'a deposit below the deposit contract minimum',
      { DVT_DEPOSIT_AMOUNT_GWEI: '500000000', DVT_STAKE_AMOUNT_GWEI: '31500000000' },
      '  router.depositAmountGwei (DVT_DEPOSIT_AMOUNT_GWEI): must be at least 1000000000 gwei (1 ETH), the deposit contract minimum (got "500000000" from env DVT_DEPOSIT_AMOUNT_GWEI), e.g. DVT_DEPOSIT_AMOUNT_GWEI=1000000000',
    ],
    [
      'a deposit that leaves no room for a stake',
      { DVT_DEPOSIT_AMOUNT_GWEI: '32000000000' },
      '  router.depositAmountGwei (DVT_DEPOSIT_AMOUNT_GWEI): must be at most 31000000000 gwei (31 ETH): deposit + stake make a validator\'s 32 ETH effective balance and the stake needs at least 1 ETH (got "32000000000" from env DVT_DEPOSIT_AMOUNT_GWEI), e.g. DVT_DEPOSIT_AMOUNT_GWEI=1000000000',
    ],
    [
      'a deposit whose default stake no longer makes 32 ETH',
      { DVT_DEPOSIT_AMOUNT_GWEI: '2000000000' },
      "  router.stakeAmountGwei (DVT_STAKE_AMOUNT_GWEI): must be 30000000000 gwei with a deposit of 2000000000 gwei: deposit + stake must equal 32000000000 gwei (32 ETH, a validator's effective balance), not 33000000000 (the default 31000000000 applies), e.g. DVT_STAKE_AMOUNT_GWEI=30000000000",
    ],
    [
      'a stake that does not make 32 ETH with the deposit',
      { DVT_DEPOSIT_AMOUNT_GWEI: '2000000000', DVT_STAKE_AMOUNT_GWEI: '31000000000' },
      '  router.stakeAmountGwei (DVT_STAKE_AMOUNT_GWEI): must be 30000000000 gwei with a deposit of 2000000000 gwei: deposit + stake must equal 32000000000 gwei (32 ETH, a validator\'s effective balance), not 33000000000 (got "31000000000" from env DVT_STAKE_AMOUNT_GWEI), e.g. DVT_STAKE_AMOUNT_GWEI=30000000000',
    ],
    [
      'a stake below the deposit contract minimum',
      { DVT_STAKE_AMOUNT_GWEI: '0' },
      '  router.stakeAmountGwei (DVT_STAKE_AMOUNT_GWEI): must be at least 1000000000 gwei (1 ETH), the deposit contract minimum (got "0" from env DVT_STAKE_AMOUNT_GWEI), e.g. DVT_STAKE_AMOUNT_GWEI=31000000000',
    ],
    [
      'no key store password source',
      { DVT_KEYSTORE_PASSWORD_FILE: undefined },
      '  secrets.keystorePasswordFile (DVT_KEYSTORE_PASSWORD_FILE): is required: the path of a file holding the key store password (never the password itself), or set DVT_KEYSTORE_PASSWORD in the environment instead (it is not set), e.g. DVT_KEYSTORE_PASSWORD_FILE=/run/secrets/keystore-password',
    ],
    [
      'both key store password sources',
      { DVT_KEYSTORE_PASSWORD: 'both-sources-secret' },
      '  secrets.keystorePasswordFile (DVT_KEYSTORE_PASSWORD_FILE): is set and so is DVT_KEYSTORE_PASSWORD; the key store password comes from one of them, so unset the other (got "/run/secrets/keystore-password" from env DVT_KEYSTORE_PASSWORD_FILE), e.g. DVT_KEYSTORE_PASSWORD_FILE=/run/secrets/keystore-password',
    ],
    [
      'no validator key source',
      { DVT_KEYSTORE_FILE: undefined },
      '  secrets.keystoreFile (DVT_KEYSTORE_FILE): is required: the path of the key store `dvt-router keys import` writes (never the mnemonic itself), or set DVT_KEYSTORE_DIR (secrets.keystoreDir) to a directory of EIP-2335 validator keystores instead (it is not set), e.g. DVT_KEYSTORE_FILE=/var/lib/dvt-router/keystore.json',
    ],
    [
      'both validator key sources',
      { DVT_KEYSTORE_DIR: '/var/lib/dvt/validator_keys' },
      '  secrets.keystoreFile (DVT_KEYSTORE_FILE): is set and so is DVT_KEYSTORE_DIR; the validator keys come from one of them (the mnemonic key store or the keystore directory), so unset the other (got "/var/lib/dvt/keystore.json" from env DVT_KEYSTORE_FILE), e.g. DVT_KEYSTORE_FILE=/var/lib/dvt-router/keystore.json',
    ],
  ])('reports %s with the variable, the reason and an example', (_label, change, line) => {
    const message = messageOf({ ...valid, ...change });
    expect(message).toContain(line);
    expect(message).not.toContain('both-sources-secret');
  });

  it('accepts another deposit/stake split that makes 32 ETH, and defaults to 1 + 31 ETH', () => {
    expect(loadConfig(valid)).toMatchObject({
      DVT_DEPOSIT_AMOUNT_GWEI: '1000000000',
      DVT_STAKE_AMOUNT_GWEI: '31000000000',
    });
    expect(
      loadConfig({
        ...valid,
        DVT_DEPOSIT_AMOUNT_GWEI: '2000000000',
        DVT_STAKE_AMOUNT_GWEI: '030000000000',
      }),
    ).toMatchObject({
      DVT_DEPOSIT_AMOUNT_GWEI: '2000000000',
      DVT_STAKE_AMOUNT_GWEI: '30000000000',
    });
  });

  it('takes the key store password from the environment instead of a file, and never shows it', async () => {
    const password = 'env-password-never-shown';
    const config = loadConfig({
      ...valid,
      DVT_KEYSTORE_PASSWORD_FILE: undefined,
      DVT_KEYSTORE_PASSWORD: password,
    });
    expect(config.DVT_KEYSTORE_PASSWORD_FILE).toBeUndefined();
    expect(config.DVT_KEYSTORE_PASSWORD?.reveal()).toBe(password);
    expect(JSON.stringify(config)).not.toContain(password);
    expect(inspect(config, { depth: 5 })).not.toContain(password);
    expect(String(config.DVT_KEYSTORE_PASSWORD)).toBe('[redacted]');
    // What the worker opens the key store with (worker/clients.ts).
    await expect(keystorePassword(config)).resolves.toBe(password);
  });

  it('gives the worker the password from DVT_KEYSTORE_PASSWORD_FILE, naming the file when it cannot', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dvt-config-'));
    const file = path.join(dir, 'keystore-password');
    writeFileSync(file, 'from the file\n');
    const config = loadConfig({ ...valid, DVT_KEYSTORE_PASSWORD_FILE: file });
    await expect(keystorePassword(config)).resolves.toBe('from the file');
    const missing = loadConfig({ ...valid, DVT_KEYSTORE_PASSWORD_FILE: path.join(dir, 'none') });
    await expect(keystorePassword(missing)).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message: `Cannot read DVT_KEYSTORE_PASSWORD_FILE at ${path.join(dir, 'none')}. Check the path and that the worker may read it.`,
    });
  });

  it('opens a keystore directory when DVT_KEYSTORE_DIR replaces DVT_KEYSTORE_FILE', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dvt-config-keys-'));
    const secret = deriveKeyFromEntropy(bip39Seed(STAFI_MNEMONIC), 'm/12381/3600/0/0/0');
    const kdf = { ...defaultPbkdfModule(), params: { ...defaultPbkdfModule().params, c: 16 } };
    const keystore = await create(
      'dir-password',
      secret,
      bls.secretKeyToPublicKey(secret),
      'm/12381/3600/0/0/0',
      '',
      kdf,
    );
    writeFileSync(path.join(dir, 'keystore-m_12381_3600_0_0_0-1.json'), JSON.stringify(keystore));
    const config = loadConfig({
      ...valid,
      DVT_KEYSTORE_FILE: undefined,
      DVT_KEYSTORE_DIR: dir,
      DVT_KEYSTORE_PASSWORD_FILE: undefined,
      DVT_KEYSTORE_PASSWORD: 'dir-password',
    });
    expect(config.DVT_KEYSTORE_DIR).toBe(dir);
    expect(config.DVT_KEYSTORE_FILE).toBeUndefined();
    // What the worker signs with (worker/clients.ts): key 0 from the directory.
    const source = await openKeySource(config);
    expect(bytesToHex(bls.secretKeyToPublicKey(await source.deriveSigningKey(0)))).toBe(
      STAFI_PUBKEY_0,
    );
    await expect(source.deriveSigningKey(1)).rejects.toMatchObject({ code: 'ERR_KEYSTORE' });
  });

  it('opens the mnemonic key store when only DVT_KEYSTORE_FILE is set', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'dvt-config-keys-')), 'none.json');
    const config = loadConfig({
      ...valid,
      DVT_KEYSTORE_FILE: file,
      DVT_KEYSTORE_PASSWORD_FILE: undefined,
      DVT_KEYSTORE_PASSWORD: 'p',
    });
    await expect(openKeySource(config)).rejects.toMatchObject({
      code: 'ERR_KEYSTORE',
      message: `Cannot read key store ${file}. Check the path, or import the mnemonic first.`,
    });
  });

  it('refuses to run with the mnemonic left in the environment after an automated import', () => {
    const mnemonic =
      'emotion problem need nice museum proud room sell field impact ankle poet child video ' +
      'luggage awful next trophy engine forest price average husband exotic';
    const message = messageOf({ ...valid, DVT_MNEMONIC: mnemonic });
    expect(message).toContain(
      '  DVT_MNEMONIC: secret values are not read from the environment; put the mnemonic (import it with `dvt-router keys import`) in a file only the router can read and set DVT_KEYSTORE_FILE (secrets.keystoreFile) to its path (the value is not shown)',
    );
    expect(message).not.toContain('museum');
  });

  it('reports every invalid variable at once', () => {
    const message = messageOf({ DVT_CLUSTER_SIZE: '3' });
    const lines = message.split('\n').filter((l) => l.startsWith('  '));
    expect(lines).toHaveLength(9);
    expect(lines.every((l) => /^ {2}[a-zA-Z.]+ \(DVT_[A-Z_]+\): /.test(l))).toBe(true);
  });

  it('fills endpoints and addresses from the devnet state file, explicit variables winning', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dvt-config-'));
    const statePath = path.join(dir, 'state.json');
    writeFileSync(
      statePath,
      JSON.stringify({
        executionRpcUrl: 'http://127.0.0.1:18545',
        beaconUrl: 'http://127.0.0.1:15052',
        ssvApiUrl: 'http://127.0.0.1:13300',
        ssvApiNetwork: 'devnet',
        temporalAddress: '127.0.0.1:17233',
        temporalNamespace: 'default',
        contracts: { storage: valid.DVT_POOL_STORAGE, ssvNetwork: valid.DVT_SSV_NETWORK },
        deployBlocks: { ssv: 43 },
      }),
    );
    const config = loadConfig({
      DVT_DEVNET_STATE: statePath,
      DVT_BEACON_URLS: 'http://127.0.0.1:25052',
      DVT_SIGNER_KEY_FILE: '/k',
      DVT_KEYSTORE_FILE: '/s',
      DVT_KEYSTORE_PASSWORD_FILE: '/p',
    });
    expect(config).toMatchObject({
      DVT_EXECUTION_RPC_URL: 'http://127.0.0.1:18545',
      DVT_BEACON_URLS: ['http://127.0.0.1:25052'],
      DVT_TEMPORAL_ADDRESS: '127.0.0.1:17233',
      DVT_SSV_FROM_BLOCK: 43,
    });
  });

  it('names the state file and what to do when it cannot be read', () => {
    expect(messageOf({ DVT_DEVNET_STATE: '/nonexistent/state.json' })).toBe(
      'Cannot read the devnet state file /nonexistent/state.json. Start the devnet with `npm run devnet` first, or unset DVT_DEVNET_STATE.',
    );
  });
});
