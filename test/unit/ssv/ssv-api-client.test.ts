// The SSV API client against a local node:http fixture on 127.0.0.1: pagination that fetches
// each page once, malformed and partial payloads (skipped and reported, never fatal), non-JSON,
// 5xx then success with bounded backoff, timeouts, 404/400, and the mapping to operator
// candidates. Backoff waits are injected, so nothing sleeps.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  makeSsvApiClient,
  toOperatorCandidate,
  type ApiOperator,
} from '../../../activities/ssv/ssv-api-client.js';
import { makeOperators } from '../../fixtures/ssv-operators.js';

type Handler = (req: IncomingMessage, url: URL, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
let requests: string[];
const waits: number[] = [];
const noSleep = (ms: number): Promise<void> => {
  waits.push(ms);
  return Promise.resolve();
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    requests.push(`${url.pathname}${url.search}`);
    handler(req, url, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  waits.length = 0;
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function operator(id: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    id_str: String(id),
    name: `op-${id}`,
    owner_address: `0x${String(id).padStart(40, '0')}`,
    public_key: 'cHVibGljLWtleQ==',
    fee: '1770000000',
    validators_count: id * 10,
    performance: { '24h': 99.5, '30d': 98 },
    status: 'Active',
    is_active: 1,
    is_private: false,
    is_valid: true,
    is_deleted: false,
    type: 'operator',
    ...extra,
  };
}

function client(options: { retries?: number; timeoutMs?: number; perPage?: number } = {}) {
  return makeSsvApiClient({
    baseUrl,
    network: 'devnet',
    sleep: noSleep,
    backoffMs: 10,
    retries: options.retries ?? 2,
    timeoutMs: options.timeoutMs ?? 2_000,
    perPage: options.perPage ?? 2,
  });
}

describe('SSV API client: operators', () => {
  it('walks pages 1..pagination.pages once each, ordered by id', async () => {
    handler = (_req, url, res) => {
      const page = Number(url.searchParams.get('page'));
      const ids = [1, 2, 3, 4, 5].slice((page - 1) * 2, page * 2);
      json(res, 200, {
        operators: ids.map((id) => operator(id)),
        pagination: { total: 5, pages: 3, per_page: 2, page },
      });
    };
    const result = await client().listOperators();
    expect(result.operators.map((op) => op.id)).toEqual([1, 2, 3, 4, 5]);
    expect(result).toMatchObject({ skipped: [], total: 5, pagesFetched: 3 });
    expect(requests).toEqual(
      [1, 2, 3].map((page) => `/api/v4/devnet/operators?page=${page}&perPage=2&ordering=id:asc`),
    );
  });

  it('skips and reports malformed operators, duplicates and operators the list omits', async () => {
    handler = (_req, url, res) => {
      const page = Number(url.searchParams.get('page'));
      const operators =
        page === 1
          ? [operator(1), operator(2, { public_key: undefined }), operator(3, { fee: 1770000000 })]
          : [operator(3), { id: 'four', name: 'bad' }, operator(1), 'garbage'];
      // Eight claimed, seven entries listed.
      json(res, 200, { operators, pagination: { total: 8, pages: 2, per_page: 3, page } });
    };
    const result = await client().listOperators();
    expect(result.operators.map((op) => op.id)).toEqual([1, 3]);
    expect(result.skipped).toEqual([
      { id: 2, reason: expect.stringContaining('malformed: public_key') as unknown },
      { id: 3, reason: expect.stringContaining('malformed: fee') as unknown },
      { reason: expect.stringContaining('malformed: id') as unknown },
      { id: 1, reason: 'listed twice' },
      { reason: expect.stringContaining('malformed: (root)') as unknown },
      { reason: 'the API listed 6 of 8 operators' },
    ]);
    expect(requests).toHaveLength(2);
  });

  it('fails with ERR_UPSTREAM_MALFORMED, naming only the host, when the wrapper is wrong', async () => {
    handler = (_req, _url, res) => json(res, 200, { operators: [operator(1)] });
    const error = await client()
      .listOperators()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_UPSTREAM_MALFORMED',
      message: `SSV API ${new URL(baseUrl).host} sent a malformed operators response: pagination: Invalid input: expected object, received undefined.`,
    });
    expect((error as Error).message).not.toContain('/api/v4');
  });

  it('rejects a non-JSON body as malformed', async () => {
    handler = (_req, _url, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
    };
    await expect(client().getOperator(1)).rejects.toMatchObject({
      code: 'ERR_UPSTREAM_MALFORMED',
      message: `SSV API ${new URL(baseUrl).host} sent a malformed operator response: not JSON.`,
    });
  });

  it('retries 5xx with doubling backoff and then succeeds', async () => {
    let calls = 0;
    handler = (_req, _url, res) => {
      calls++;
      if (calls <= 2) json(res, 503, { message: 'busy' });
      else json(res, 200, operator(7));
    };
    expect((await client().getOperator(7))?.id).toBe(7);
    expect(calls).toBe(3);
    expect(waits).toEqual([10, 20]);
  });

  it('gives up after the bounded retries with ERR_UPSTREAM_UNAVAILABLE', async () => {
    handler = (_req, _url, res) => json(res, 502, {});
    await expect(client({ retries: 1 }).getOperator(7)).rejects.toMatchObject({
      code: 'ERR_UPSTREAM_UNAVAILABLE',
      message: `SSV API ${new URL(baseUrl).host} did not answer the operator request after 2 attempts (last: HTTP 502). Check that SSV API at ${new URL(baseUrl).host} is running and reachable.`,
      details: { attempts: 2, lastFailure: 'HTTP 502' },
    });
    expect(requests).toHaveLength(2);
  });

  it('treats a request that never answers as a timeout and retries it', async () => {
    handler = () => undefined; // hold the request
    await expect(client({ retries: 1, timeoutMs: 50 }).getOperator(7)).rejects.toMatchObject({
      code: 'ERR_UPSTREAM_UNAVAILABLE',
      details: { attempts: 2, lastFailure: 'timeout' },
    });
    expect(requests).toHaveLength(2);
    server.closeAllConnections();
  });

  it('returns null for an unknown operator and refuses a 400 without retrying', async () => {
    handler = (_req, url, res) =>
      url.pathname.endsWith('/404')
        ? json(res, 404, { message: 'not found' })
        : json(res, 400, { message: 'bad id' });
    expect(await client().getOperator(404)).toBeNull();
    await expect(client().getOperator(400)).rejects.toMatchObject({
      code: 'ERR_UPSTREAM_REJECTED',
      message: `SSV API ${new URL(baseUrl).host} refused the operator request with HTTP 400: bad id.`,
    });
    expect(requests).toHaveLength(2);
  });
});

describe('SSV API client: accounts and clusters', () => {
  const owner = '0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494';
  const hash = '0x23db69945fabb51dfec03f362783658725bf77cdb5b4330b46762dc06a68f2c9';

  it('reads the owner nonce from either account shape, null when unknown', async () => {
    let shape = 0;
    handler = (_req, url, res) => {
      if (!url.pathname.endsWith(owner)) return json(res, 404, {});
      shape++;
      json(
        res,
        200,
        shape === 1 ? { type: 'account', data: { nonce: 7 } } : { account: { nonce: 9 } },
      );
    };
    expect(await client().getAccountNonce(owner.toLowerCase())).toBe(7);
    expect(await client().getAccountNonce(owner)).toBe(9);
    expect(await client().getAccountNonce('0x0000000000000000000000000000000000000001')).toBeNull();
  });

  it('maps a cluster to the domain struct and null when the API has none', async () => {
    handler = (_req, url, res) =>
      url.pathname.endsWith(hash)
        ? json(res, 200, {
            type: 'cluster',
            cluster: {
              id: 1,
              clusterId: hash,
              ownerAddress: owner,
              validatorCount: 2,
              networkFeeIndex: '123',
              index: '456',
              balance: '1000000000000000000',
              active: true,
              isLiquidated: false,
              blockNumber: 99,
              operators: [1, 2, 3, 4],
            },
          })
        : json(res, 200, { type: 'cluster', cluster: null });
    expect(await client().getCluster(hash)).toEqual({
      clusterHash: hash,
      owner: owner.toLowerCase(),
      operatorIds: [1, 2, 3, 4],
      cluster: {
        validatorCount: 2,
        networkFeeIndex: '123',
        index: '456',
        active: true,
        balance: '1000000000000000000',
      },
      isLiquidated: false,
      blockNumber: 99,
    });
    expect(await client().getCluster(`0x${'11'.repeat(32)}`)).toBeNull();
  });
});

describe('toOperatorCandidate', () => {
  const [valid] = makeOperators(1);

  it('maps API fields and lets on-chain facts win', () => {
    const apiOperator = {
      ...operator(5),
      public_key: valid!.publicKey,
      location: 'DE',
      eth1_node_client: 'geth',
    } as ApiOperator;
    expect(toOperatorCandidate(apiOperator)).toEqual({
      id: 5,
      owner: `0x${'5'.padStart(40, '0')}`,
      active: true,
      removed: false,
      deleted: false,
      isPrivate: false,
      whitelistedForOwner: false,
      validatorCount: 50,
      fee: 1_770_000_000n,
      validKey: true,
      performance24h: 99.5,
      performance30d: 98,
      eth1Client: 'geth',
      location: 'DE',
    });
    const onChain = {
      id: 5,
      owner: apiOperator.owner_address,
      fee: '2000000000',
      validatorCount: 51,
      whitelistedAddress: '0x0000000000000000000000000000000000000000',
      isPrivate: true,
      isActive: false,
    };
    expect(toOperatorCandidate(apiOperator, { onChain, whitelistedForOwner: true })).toMatchObject({
      active: false,
      removed: true,
      isPrivate: true,
      whitelistedForOwner: true,
      validatorCount: 51,
      fee: 2_000_000_000n,
    });
  });

  it('marks an unusable RSA key instead of throwing', () => {
    expect(
      toOperatorCandidate({ ...operator(6), public_key: 'bm90IGEga2V5' } as ApiOperator).validKey,
    ).toBe(false);
  });
});
