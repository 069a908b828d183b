// The start-up network check: every endpoint must serve the configured network, and a mismatch
// names each disagreement and how to fix it.
import {
  checkNetworkAgreement,
  checkSsvApiAgreement,
  verifySsvApiAgreement,
  type CheckSsvApiAgreementParameters,
} from '../../../activities/beacon/network-agreement.js';
import type { ApiOperator } from '../../../activities/ssv/ssv-api-client.js';
import type { OnChainOperator } from '../../../activities/ssv/ssv-network-client.js';
import { DvtError } from '../../../domain/errors.js';

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

const OWNER_A = '0xabababababababababababababababababababab';
const OWNER_B = '0x2222222222222222222222222222222222222222';
const ZERO = '0x0000000000000000000000000000000000000000';
const ENDPOINTS = {
  executionRpc: 'rpc.example:8545',
  beacon: ['beacon-a:5052', 'beacon-b:5052'],
  ssvApi: 'api.ssv.network',
  ssvApiNetwork: 'hoodi',
  ssvNetwork: '0x58410Bef803ECd7E63B23664C586A6DB72DAf59c',
  chainId: 560048,
};

const apiOperator = (
  id: number,
  owner: string,
  overrides: Partial<ApiOperator> = {},
): ApiOperator => ({
  id,
  owner_address: owner as `0x${string}`,
  public_key: 'LS0tLS1CRUdJTi...',
  fee: '0',
  validators_count: 0,
  performance: { '24h': 99, '30d': 99 },
  status: 'Active',
  is_private: false,
  is_deleted: false,
  ...overrides,
});

const chainOperator = (id: number, owner: string): OnChainOperator => ({
  id,
  owner,
  fee: '0',
  validatorCount: 0,
  whitelistedAddress: ZERO,
  isPrivate: false,
  isActive: owner !== ZERO,
});

/** Stub clients: the API answers from `api` (404 → null), the chain from `chain` (unknown → 0x0). */
function stubs(
  api: Record<number, ApiOperator> | Error,
  chain: Record<number, string>,
): CheckSsvApiAgreementParameters & { chainReads: number[] } {
  const chainReads: number[] = [];
  return {
    endpoints: ENDPOINTS,
    chainReads,
    ssvApi: {
      getOperator: (id) =>
        api instanceof Error ? Promise.reject(api) : Promise.resolve(api[id] ?? null),
    },
    ssvNetwork: {
      getOperatorById: (id) => {
        chainReads.push(id);
        return Promise.resolve(chainOperator(id, chain[id] ?? ZERO));
      },
    },
  };
}

function collector() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    info: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'info', fields, message }),
    warn: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'warn', fields, message }),
  };
}

describe('checkSsvApiAgreement', () => {
  it('agrees when the API and SSVNetwork name the same owner for each operator (any case)', async () => {
    const params = stubs(
      {
        1: apiOperator(1, `0x${OWNER_A.slice(2).toUpperCase()}`),
        2: apiOperator(2, OWNER_B),
        3: apiOperator(3, OWNER_A),
      },
      { 1: OWNER_A, 2: OWNER_B, 3: OWNER_A },
    );
    await expect(checkSsvApiAgreement(params)).resolves.toEqual({
      status: 'agree',
      compared: [1, 2, 3],
    });
    expect(params.chainReads).toEqual([1, 2, 3]);
  });

  it('names the three endpoints and every operator whose owner differs or that the chain lacks', async () => {
    const params = stubs(
      { 1: apiOperator(1, OWNER_A), 2: apiOperator(2, OWNER_B), 3: apiOperator(3, OWNER_A) },
      { 1: OWNER_A, 2: OWNER_A },
    );
    let error: unknown;
    try {
      await checkSsvApiAgreement(params);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DvtError);
    expect(error).toMatchObject({
      code: 'ERR_NETWORK_MISMATCH',
      retryable: false,
      message:
        'The SSV API api.ssv.network (network "hoodi") does not index the chain of the execution RPC rpc.example:8545 (chain 560048; beacon beacon-a:5052, beacon-b:5052): operator 2 is owned by 0x2222222222222222222222222222222222222222 on the SSV API but by 0xabababababababababababababababababababab on SSVNetwork 0x58410Bef803ECd7E63B23664C586A6DB72DAf59c; operator 3 is listed by the SSV API (owner 0xabababababababababababababababababababab) but does not exist on SSVNetwork 0x58410Bef803ECd7E63B23664C586A6DB72DAf59c. Point SSV_API_URL/SSV_API_NETWORK at the API of the same network as EXECUTION_RPC_URL (or fix SSV_NETWORK), then restart.',
      details: {
        executionRpc: 'rpc.example:8545',
        beacon: 'beacon-a:5052,beacon-b:5052',
        ssvApi: 'api.ssv.network',
        ssvApiNetwork: 'hoodi',
        chainId: 560048,
        operatorsCompared: '1,2,3',
      },
    });
  });

  it('reports an API that does not answer as unavailable, without reading the chain', async () => {
    const params = stubs(
      new DvtError(
        'ERR_UPSTREAM_UNAVAILABLE',
        'SSV API api.ssv.network did not answer the operator request after 2 attempts (last: ECONNREFUSED).',
      ),
      { 1: OWNER_A },
    );
    await expect(checkSsvApiAgreement(params)).resolves.toEqual({
      status: 'unavailable',
      reason:
        'SSV API api.ssv.network did not answer the operator request after 2 attempts (last: ECONNREFUSED).',
    });
    expect(params.chainReads).toEqual([]);
  });

  it('skips operators the API does not know or reports as removed or deleted', async () => {
    const params = stubs(
      {
        2: apiOperator(2, OWNER_B, { status: 'Removed' }),
        3: apiOperator(3, OWNER_A, { is_deleted: true }),
      },
      { 1: OWNER_A, 2: ZERO, 3: OWNER_B },
    );
    await expect(checkSsvApiAgreement(params)).resolves.toEqual({
      status: 'inconclusive',
      reason: 'the SSV API knows none of operators 1, 2, 3 (or only removed ones)',
    });
    expect(params.chainReads).toEqual([]);
  });

  it('compares the operator ids it is given', async () => {
    const params = stubs({ 7: apiOperator(7, OWNER_B) }, { 7: OWNER_B });
    await expect(checkSsvApiAgreement({ ...params, operatorIds: [7, 8] })).resolves.toEqual({
      status: 'agree',
      compared: [7],
    });
  });
});

describe('verifySsvApiAgreement (start-up)', () => {
  it('logs a warning and lets the worker start when the SSV API is down', async () => {
    const logger = collector();
    const params = stubs(
      new DvtError('ERR_UPSTREAM_UNAVAILABLE', 'SSV API api.ssv.network did not answer.'),
      {},
    );
    await expect(verifySsvApiAgreement(params, logger)).resolves.toMatchObject({
      status: 'unavailable',
    });
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'SSV API unavailable at start-up; its network was not cross-checked',
        fields: {
          ssvApi: 'api.ssv.network',
          ssvApiNetwork: 'hoodi',
          reason: 'SSV API api.ssv.network did not answer.',
        },
      },
    ]);
  });

  it('throws on a mismatch before logging anything', async () => {
    const logger = collector();
    const params = stubs({ 1: apiOperator(1, OWNER_B) }, { 1: OWNER_A });
    await expect(verifySsvApiAgreement(params, logger)).rejects.toMatchObject({
      code: 'ERR_NETWORK_MISMATCH',
    });
    expect(logger.lines).toEqual([]);
  });

  it('logs the compared operators at info when the API agrees', async () => {
    const logger = collector();
    const params = stubs({ 1: apiOperator(1, OWNER_A) }, { 1: OWNER_A });
    await verifySsvApiAgreement(params, logger);
    expect(logger.lines).toEqual([
      {
        level: 'info',
        message: 'SSV API agrees with the chain on operator owners',
        fields: { ssvApi: 'api.ssv.network', ssvApiNetwork: 'hoodi', operatorsCompared: [1] },
      },
    ]);
  });
});
