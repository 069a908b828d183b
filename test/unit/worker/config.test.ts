import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../worker/config.js';

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
  ])('reports %s with the variable, the reason and an example', (_label, change, line) => {
    expect(messageOf({ ...valid, ...change })).toContain(line);
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
