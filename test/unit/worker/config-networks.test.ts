import { PUBLIC_NETWORKS } from '../../../domain/beacon/network-params.js';
import type { DvtError } from '../../../domain/errors.js';
import { checkExecutionChain, NETWORK_PRESETS } from '../../../domain/networks.js';
import { loadConfig } from '../../../worker/config.js';

describe('network presets', () => {
  it('carry the spec values for mainnet and hoodi', () => {
    // specs/beacon-and-keys.md §5, specs/ssv-network-v2.md §0, specs/ssv-api-and-shares.md §1,
    // specs/stafi-pool.md §0.
    expect(NETWORK_PRESETS).toEqual({
      mainnet: {
        name: 'mainnet',
        chainId: 1,
        genesisForkVersion: '0x00000000',
        depositContract: '0x00000000219ab540356cBB839Cbe05303d7705Fa',
        ssvNetwork: '0xDD9BC35aE942eF0cFa76930954a156B3fF30a4E1',
        ssvFromBlock: 17_507_487,
        ssvApiUrl: 'https://api.ssv.network/api/v4',
        ssvApiNetwork: 'mainnet',
        poolStorage: '0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0',
      },
      hoodi: {
        name: 'hoodi',
        chainId: 560048,
        genesisForkVersion: '0x10000910',
        depositContract: '0x00000000219ab540356cBB839Cbe05303d7705Fa',
        ssvNetwork: '0x58410Bef803ECd7E63B23664C586A6DB72DAf59c',
        ssvFromBlock: null,
        ssvApiUrl: 'https://api.ssv.network/api/v4',
        ssvApiNetwork: 'hoodi',
        poolStorage: null,
      },
    });
    for (const network of ['mainnet', 'hoodi'] as const) {
      expect(NETWORK_PRESETS[network].chainId).toBe(PUBLIC_NETWORKS[network].chainId);
      expect(NETWORK_PRESETS[network].depositContract).toBe(
        PUBLIC_NETWORKS[network].depositContract,
      );
    }
  });

  it('fill addresses for a configuration given by environment only', () => {
    const config = loadConfig({
      DVT_NETWORK: 'mainnet',
      DVT_EXECUTION_RPC_URL: 'https://rpc.example',
      DVT_BEACON_URLS: 'https://beacon.example',
      DVT_SIGNER_KEY_FILE: '/s',
      DVT_KEYSTORE_FILE: '/k',
      DVT_KEYSTORE_PASSWORD_FILE: '/p',
    });
    expect(config).toMatchObject({
      DVT_POOL_STORAGE: '0x6c2f7b6110a37b3B0fbdd811876be368df02E8B0',
      DVT_SSV_NETWORK: '0xDD9BC35aE942eF0cFa76930954a156B3fF30a4E1',
      DVT_SSV_API_URL: 'https://api.ssv.network/api/v4',
      DVT_SSV_API_NETWORK: 'mainnet',
      DVT_SSV_FROM_BLOCK: 17_507_487,
    });
  });
});

describe('checkExecutionChain', () => {
  function errorOf(run: () => void): DvtError {
    try {
      run();
    } catch (error) {
      return error as DvtError;
    }
    throw new Error('expected a mismatch');
  }

  it('refuses an RPC of another network, naming its host, both chains and what to change', () => {
    const error = errorOf(() =>
      checkExecutionChain({ network: 'hoodi', chainId: 1, rpcHost: 'rpc.example:8545' }),
    );
    expect(error.code).toBe('ERR_NETWORK_MISMATCH');
    expect(error.message).toBe(
      'The RPC at rpc.example:8545 is chain 1 (mainnet) but network is hoodi (560048). Point endpoints.executionRpc (DVT_EXECUTION_RPC_URL) at a hoodi node, or set network (DVT_NETWORK) to the network you mean.',
    );
  });

  it('names an unknown chain by its id only', () => {
    expect(
      errorOf(() => checkExecutionChain({ network: 'mainnet', chainId: 31337, rpcHost: 'h' }))
        .message,
    ).toContain('The RPC at h is chain 31337 but network is mainnet (1).');
  });

  it("accepts the preset's chain, and leaves the devnet to the beacon comparison", () => {
    expect(() =>
      checkExecutionChain({ network: 'hoodi', chainId: 560048, rpcHost: 'h' }),
    ).not.toThrow();
    expect(() =>
      checkExecutionChain({ network: 'devnet', chainId: 31337, rpcHost: 'h' }),
    ).not.toThrow();
  });
});
