// The beacon client against local node:http fixtures on 127.0.0.1: response shapes, POST
// chunking and the GET fallback with ≤ 64 ids, 404s, a 400 on a voluntary exit, fallback across
// endpoints keeping every failure, and the syncing flag. Backoff waits are injected.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeBeaconClient } from '../../../activities/beacon/beacon-client.js';
import { DvtError } from '../../../domain/errors.js';

type Handler = (req: IncomingMessage, url: URL, body: string, res: ServerResponse) => void;
interface Fixture {
  url: string;
  host: string;
  calls: { method: string; path: string; ids: string[] }[];
  handler: Handler;
  server: Server;
}

const fixtures: Fixture[] = [];
const noSleep = (): Promise<void> => Promise.resolve();

async function fixture(handler: Handler): Promise<Fixture> {
  const fx = { calls: [], handler } as unknown as Fixture;
  fx.server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fixture');
      const ids =
        req.method === 'POST' && body.startsWith('{"ids"')
          ? ((JSON.parse(body) as { ids: string[] }).ids ?? [])
          : url.searchParams.getAll('id');
      fx.calls.push({ method: req.method ?? '', path: url.pathname, ids });
      fx.handler(req, url, body, res);
    });
  });
  await new Promise<void>((resolve) => fx.server.listen(0, '127.0.0.1', resolve));
  const port = (fx.server.address() as AddressInfo).port;
  fx.url = `http://127.0.0.1:${port}/beacon`;
  fx.host = `127.0.0.1:${port}`;
  fixtures.push(fx);
  return fx;
}

afterAll(async () => {
  for (const fx of fixtures) {
    fx.server.closeAllConnections();
    await new Promise((resolve) => fx.server.close(resolve));
  }
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const FAR = '18446744073709551615';
function validator(index: number) {
  return {
    index: String(index),
    balance: '32000000000',
    status: 'active_ongoing',
    validator: {
      pubkey: `0x${index.toString(16).padStart(96, '0')}`,
      withdrawal_credentials: `0x01${'00'.repeat(31)}`,
      effective_balance: '32000000000',
      slashed: false,
      activation_eligibility_epoch: '0',
      activation_epoch: '0',
      exit_epoch: FAR,
      withdrawable_epoch: FAR,
    },
  };
}

const validatorsOf = (ids: string[]) => ({
  execution_optimistic: false,
  finalized: false,
  data: ids.filter((id) => Number(id) < 1000).map((id) => validator(Number(id))),
});

const client = (urls: string[], extra: { postChunkSize?: number } = {}) =>
  makeBeaconClient({
    baseUrls: urls,
    sleep: noSleep,
    backoffMs: 1,
    retries: 1,
    timeoutMs: 2_000,
    ...extra,
  });

describe('beacon client: shapes', () => {
  let node: Fixture;
  beforeAll(async () => {
    node = await fixture((_req, url, _body, res) => {
      switch (url.pathname) {
        case '/beacon/eth/v1/beacon/genesis':
          return json(res, 200, {
            data: {
              genesis_time: '1606824023',
              genesis_validators_root: `0x${'4b'.repeat(32)}`,
              genesis_fork_version: '0x00000000',
            },
          });
        case '/beacon/eth/v1/config/spec':
          return json(res, 200, {
            data: { SECONDS_PER_SLOT: '12', CAPELLA_FORK_VERSION: '0x03000000', NESTED: { x: 1 } },
          });
        case '/beacon/eth/v1/config/deposit_contract':
          return json(res, 200, {
            data: { chain_id: '1', address: '0x00000000219ab540356cBB839Cbe05303d7705Fa' },
          });
        case '/beacon/eth/v1/beacon/states/head/fork':
          return json(res, 200, {
            data: {
              previous_version: '0x04000000',
              current_version: '0x05000000',
              epoch: '364032',
            },
          });
        case '/beacon/eth/v1/node/syncing':
          return json(res, 200, {
            data: {
              head_slot: '100',
              sync_distance: '5000',
              is_syncing: true,
              is_optimistic: false,
            },
          });
        case '/beacon/eth/v1/beacon/states/head/validators/42':
          return json(res, 200, { data: validator(42) });
        case '/beacon/eth/v1/beacon/states/head/validator_balances':
          return json(res, 200, {
            data: url.searchParams.getAll('id').map((index) => ({ index, balance: '31000000000' })),
          });
        case '/beacon/eth/v1/beacon/states/head/validators':
          return json(res, 200, validatorsOf(url.searchParams.getAll('id')));
        default:
          return json(res, 404, { code: 404, message: 'Validator not found' });
      }
    });
  });

  it('reads genesis, spec, deposit contract, fork and syncing', async () => {
    const beacon = client([node.url]);
    expect(await beacon.getGenesis()).toEqual({
      genesisTime: '1606824023',
      genesisValidatorsRoot: `0x${'4b'.repeat(32)}`,
      genesisForkVersion: '0x00000000',
    });
    expect(await beacon.getSpec()).toEqual({
      SECONDS_PER_SLOT: '12',
      CAPELLA_FORK_VERSION: '0x03000000',
    });
    expect(await beacon.getDepositContract()).toEqual({
      chainId: '1',
      address: '0x00000000219ab540356cbb839cbe05303d7705fa',
    });
    expect(await beacon.getFork()).toEqual({
      previousVersion: '0x04000000',
      currentVersion: '0x05000000',
      epoch: '364032',
    });
    expect(await beacon.getSyncing()).toEqual({
      headSlot: '100',
      syncDistance: '5000',
      isSyncing: true,
      isOptimistic: false,
      elOffline: false,
    });
  });

  it('returns one validator, null for an unknown one, and balances', async () => {
    const beacon = client([node.url]);
    expect(await beacon.getValidator('42')).toEqual(validator(42));
    expect(await beacon.getValidator('43')).toBeNull();
    expect(await beacon.getValidatorBalances(['1', '2'])).toEqual([
      { index: '1', balance: '31000000000' },
      { index: '2', balance: '31000000000' },
    ]);
    await expect(beacon.getValidator('not-an-id')).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
    });
  });

  it('fails with ERR_UPSTREAM_UNAVAILABLE while genesis is unknown (404)', async () => {
    const early = await fixture((_req, _url, _body, res) =>
      json(res, 404, { code: 404, message: 'Genesis not found' }),
    );
    await expect(client([early.url]).getGenesis()).rejects.toMatchObject({
      code: 'ERR_UPSTREAM_UNAVAILABLE',
      message:
        'The beacon node does not know genesis yet (404). Wait for the beacon node to reach genesis and sync.',
    });
  });
});

describe('beacon client: many validators', () => {
  it('POSTs ids in chunks and concatenates the answers, dropping unknown ids', async () => {
    const node = await fixture((_req, _url, body, res) =>
      json(res, 200, validatorsOf((JSON.parse(body) as { ids: string[] }).ids)),
    );
    const ids = ['1', '2', '3', '4', '5', '6', '1001'];
    const found = await client([node.url], { postChunkSize: 3 }).getValidators([...ids, '1']);
    expect(found.map((v) => v.index)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(node.calls.map((call) => [call.method, call.ids.length])).toEqual([
      ['POST', 3],
      ['POST', 3],
      ['POST', 1],
    ]);
  });

  it('falls back to GET with at most 64 ids per call where POST is unsupported', async () => {
    const node = await fixture((req, url, _body, res) =>
      req.method === 'POST'
        ? json(res, 405, { code: 405, message: 'Method Not Allowed' })
        : json(res, 200, validatorsOf(url.searchParams.getAll('id'))),
    );
    const ids = Array.from({ length: 100 }, (_, i) => String(i));
    const found = await client([node.url]).getValidators(ids);
    expect(found).toHaveLength(100);
    expect(node.calls.map((call) => [call.method, call.ids.length])).toEqual([
      ['POST', 100],
      ['GET', 64],
      ['GET', 36],
    ]);
  });

  it('rejects a malformed validator as ERR_UPSTREAM_MALFORMED', async () => {
    const node = await fixture((_req, _url, _body, res) =>
      json(res, 200, { data: [{ ...validator(1), status: 'active' }] }),
    );
    const error = await client([node.url])
      .getValidators(['1'])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_UPSTREAM_MALFORMED',
      message: expect.stringContaining(
        'All 1 beacon endpoint(s) failed for validators.',
      ) as unknown,
    });
    expect(String((error as DvtError).details['failures'])).toContain(
      `Beacon node ${node.host} sent a malformed validators response: data.0.status`,
    );
  });
});

describe('beacon client: voluntary exits', () => {
  const exit = {
    message: { epoch: '300', validator_index: '42' },
    signature: `0x${'aa'.repeat(96)}`,
  };

  it('submits an exit and turns a 400 into a final error with the node message', async () => {
    const node = await fixture((_req, _url, body, res) => {
      const parsed = JSON.parse(body) as typeof exit;
      if (parsed.message.epoch === '300') return json(res, 200, {});
      json(res, 400, {
        code: 400,
        message: 'Invalid voluntary exit: validator has not been active long enough',
      });
    });
    const backup = await fixture((_req, _url, _body, res) => json(res, 200, {}));
    const beacon = client([node.url, backup.url]);
    await expect(beacon.submitVoluntaryExit(exit)).resolves.toBeUndefined();
    const error = await beacon
      .submitVoluntaryExit({ ...exit, message: { ...exit.message, epoch: '1' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DvtError);
    expect(error).toMatchObject({
      code: 'ERR_VOLUNTARY_EXIT_REJECTED',
      retryable: false,
      message: `Beacon node ${node.host} rejected the voluntary exit of validator 42: Invalid voluntary exit: validator has not been active long enough. Check the exit epoch, the validator status and the signing domain (EIP-7044).`,
      details: { nodeMessage: 'Invalid voluntary exit: validator has not been active long enough' },
    });
    expect(backup.calls).toHaveLength(0); // a 400 is an answer, not an outage
  });

  it('takes a 200 with an empty body as accepted, as real beacon nodes answer', async () => {
    const node = await fixture((_req, _url, _body, res) => {
      res.writeHead(200);
      res.end();
    });
    await expect(client([node.url]).submitVoluntaryExit(exit)).resolves.toBeUndefined();
    expect(node.calls).toHaveLength(1);
  });
});

describe('beacon client: endpoint fallback', () => {
  it('uses the next endpoint when one is down', async () => {
    const down = await fixture((_req, _url, _body, res) => json(res, 503, {}));
    const up = await fixture((_req, _url, _body, res) =>
      json(res, 200, { data: { head_slot: '7', sync_distance: '0', is_syncing: false } }),
    );
    expect(await client([down.url, up.url]).getSyncing()).toMatchObject({
      headSlot: '7',
      isSyncing: false,
    });
    expect(down.calls).toHaveLength(2); // first attempt + one retry
  });

  it('keeps every endpoint failure in an AggregateError when all fail', async () => {
    const down = await fixture((_req, _url, _body, res) => json(res, 503, {}));
    const garbled = await fixture((_req, _url, _body, res) => {
      res.writeHead(200);
      res.end('not json');
    });
    const error = await client([down.url, garbled.url])
      .getSyncing()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_UPSTREAM_UNAVAILABLE',
      message:
        'All 2 beacon endpoint(s) failed for syncing. Check the beacon nodes in BEACON_URLS; each failure is listed in details.failures.',
      details: { endpoints: `${down.host},${garbled.host}` },
    });
    const cause = (error as DvtError).cause as AggregateError;
    expect(cause).toBeInstanceOf(AggregateError);
    expect(cause.errors.map((e: DvtError) => e.code)).toEqual([
      'ERR_UPSTREAM_UNAVAILABLE',
      'ERR_UPSTREAM_MALFORMED',
    ]);
    expect(String((error as DvtError).details['failures'])).toBe(
      `${down.host}: Beacon node ${down.host} did not answer the syncing request after 2 attempts (last: HTTP 503). Check that Beacon node at ${down.host} is running and reachable. | ${garbled.host}: Beacon node ${garbled.host} sent a malformed syncing response: not JSON.`,
    );
    expect((error as Error).message).not.toContain('/beacon');
  });

  it('refuses to start without endpoints', () => {
    expect(() => makeBeaconClient({ baseUrls: [] })).toThrow(
      'At least one beacon node URL is needed. Set BEACON_URLS, e.g. "http://127.0.0.1:5052".',
    );
  });
});
