// The start-up network check: every endpoint must serve the configured network, and a mismatch
// names each disagreement and how to fix it.
import { checkNetworkAgreement } from '../../../activities/beacon/network-agreement.js';

const MAINNET = {
  chainId: 1,
  depositContract: '0x00000000219ab540356cBB839Cbe05303d7705Fa',
  ssvApiNetwork: 'mainnet',
};

describe('checkNetworkAgreement', () => {
  it('accepts endpoints that all serve the expected network (addresses case-insensitive)', () => {
    expect(
      checkNetworkAgreement({
        executionChainId: 1,
        beacon: { chainId: '1', address: MAINNET.depositContract.toLowerCase() },
        ssvApiNetwork: 'mainnet',
        expected: MAINNET,
      }),
    ).toBeUndefined();
  });

  it('names a beacon node of another network and the fix', () => {
    expect(() =>
      checkNetworkAgreement({
        executionChainId: 1,
        beacon: { chainId: '560048', address: MAINNET.depositContract },
        ssvApiNetwork: 'mainnet',
        expected: MAINNET,
      }),
    ).toThrow(
      "The configured endpoints disagree: the beacon node's deposit contract is on chain 560048, expected 1 (point BEACON_URLS at a node of the same network). Fix the endpoint URLs so all serve one network, then restart.",
    );
  });

  it('lists every disagreement at once with ERR_NETWORK_MISMATCH', () => {
    let error: unknown;
    try {
      checkNetworkAgreement({
        executionChainId: 17000,
        beacon: { chainId: 1, address: '0x4242424242424242424242424242424242424242' },
        ssvApiNetwork: 'hoodi',
        expected: MAINNET,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'ERR_NETWORK_MISMATCH',
      retryable: false,
      message:
        'The configured endpoints disagree: the execution RPC is on chain 17000, expected 1 (point EXECUTION_RPC_URL at a chain-1 node); the beacon node\'s deposit contract is 0x4242424242424242424242424242424242424242, expected 0x00000000219ab540356cBB839Cbe05303d7705Fa (check BEACON_URLS and the network\'s deposit contract); the SSV API network is "hoodi", expected "mainnet" (set SSV_API_NETWORK=mainnet). Fix the endpoint URLs so all serve one network, then restart.',
      details: {
        executionChainId: 17000,
        beaconChainId: '1',
        ssvApiNetwork: 'hoodi',
        expectedChainId: 1,
      },
    });
  });
});
