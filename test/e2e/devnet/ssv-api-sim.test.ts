// The simulated SSV REST API v4 against a real devnet chain (specs/ssv-api-and-shares.md §2, §3,
// §10): operator pagination and ordering, the spec's field list and types, 404s, operators going
// bad through the admin controls, owner nonces and cluster structs that match the chain, validity
// from the verifier and its report on /admin/verifier, indexer lag and injected faults.
import { randomBytes } from 'node:crypto';

import { hexlify } from 'ethers';
import { z } from 'zod';

import { parseSharesData } from '../../../activities/keys/shares-data.js';
import { clusterKeyHash } from '../../../domain/ssv/cluster-hash.js';
import { operatorPrivateKeys } from '../../../devnet/operators/register-operator-set.js';
import { startVerifier, type VerifierService } from '../../../devnet/operators/verifier-service.js';
import { startSsvApiSim, type SsvApiSim } from '../../../devnet/ssv-api-sim/start-ssv-api-sim.js';
import { decryptShare } from '../../fixtures/ssv-operators.js';
import { shareOperators, startSsvDevnet, type SsvDevnet } from './verifier-helpers.js';

let devnet: SsvDevnet;
let verifier: VerifierService;
let sim: SsvApiSim;

beforeAll(async () => {
  devnet = await startSsvDevnet();
  verifier = startVerifier({
    rpcUrl: devnet.chain.rpcUrl,
    chainId: devnet.chain.chainId,
    ssvNetwork: devnet.deployed.ssvNetwork,
    operators: operatorPrivateKeys(devnet.operators),
    fromBlock: devnet.deployed.deployBlock,
    pollMs: 0,
  });
  sim = await startSsvApiSim({
    rpcUrl: devnet.chain.rpcUrl,
    chainId: devnet.chain.chainId,
    ssvNetwork: devnet.deployed.ssvNetwork,
    network: 'devnet',
    verifier,
    operatorsMeta: { 1: { name: 'Alpha', location: 'Zurich, Switzerland' } },
    fromBlock: devnet.deployed.deployBlock,
    pollMs: 0,
  });
}, 180_000);

afterAll(async () => {
  await sim?.stop();
  await verifier?.stop();
  await devnet?.stop();
});

afterEach(() => sim.admin.reset());

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sim.url}${path}`);
  const body: unknown = await response.json();
  return { status: response.status, body };
}

async function getOk<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const { status, body } = await get(path);
  expect(status).toBe(200);
  return schema.parse(body);
}

async function postAdmin(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${sim.origin}/admin${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Both indexers catch up with the chain head. */
async function ingest(): Promise<void> {
  await verifier.ingestNow();
  await sim.admin.ingestNow();
}

const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
/** Every §2.3 Operator field with its documented type. */
const operatorSchema = z.strictObject({
  id: z.number().int().positive(),
  id_str: decimal,
  name: z.string(),
  description: z.string(),
  logo: z.string(),
  website_url: z.string(),
  twitter_url: z.string(),
  linkedin_url: z.string(),
  owner_address: address,
  public_key: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
  fee: decimal,
  declared_fee: decimal,
  previous_fee: decimal,
  validators_count: z.number().int().nonnegative(),
  performance: z.strictObject({ '24h': z.number(), '30d': z.number() }),
  status: z.enum(['Active', 'Inactive', 'No validators', 'Removed']),
  is_active: z.union([z.literal(0), z.literal(1)]),
  is_private: z.boolean(),
  is_valid: z.boolean(),
  is_deleted: z.boolean(),
  type: z.enum(['operator', 'verified_operator', 'dapp_node']),
  whitelist_addresses: z.array(address),
  address_whitelist: z.string(),
  whitelisting_contract: z.string(),
  dkg_address: z.string(),
  location: z.string(),
  setup_provider: z.string(),
  eth1_node_client: z.string(),
  eth2_node_client: z.string(),
  mev_relays: z.string(),
  network: z.literal('devnet'),
  version: z.string(),
  block: z.number().int().nonnegative(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
type Operator = z.infer<typeof operatorSchema>;
/** `GET /admin/verifier`: exactly these fields per registration. */
const verifierReportSchema = z.strictObject({
  total: z.number().int(),
  valid: z.number().int(),
  invalid: z.number().int(),
  registrations: z.array(
    z.strictObject({
      publicKey: z.string().regex(/^0x[0-9a-f]{96}$/),
      owner: address,
      nonce: z.number().int().nonnegative(),
      operatorIds: z.array(z.number().int().positive()),
      valid: z.boolean(),
      reasons: z.array(z.string()),
      block: z.number().int(),
      logIndex: z.number().int(),
      transactionHash: z.string().regex(/^0x[0-9a-f]{64}$/),
      removed: z.strictObject({ block: z.number().int(), logIndex: z.number().int() }).nullable(),
    }),
  ),
});
const paginationSchema = z.strictObject({
  total: z.number().int(),
  pages: z.number().int(),
  per_page: z.number().int(),
  page: z.number().int(),
  current_first: z.number().int(),
  current_last: z.number().int(),
});
const listSchema = z.strictObject({
  operators: z.array(operatorSchema),
  pagination: paginationSchema,
});
const accountSchema = z.strictObject({
  type: z.literal('account'),
  data: z.strictObject({
    id: z.number().int(),
    ownerAddress: address,
    recipientAddress: address,
    network: z.literal('devnet'),
    version: z.string(),
    nonce: z.number().int().nonnegative(),
  }),
});
const clusterObject = z.strictObject({
  id: z.number().int(),
  clusterId: z.string().regex(/^0x[0-9a-f]{64}$/),
  network: z.literal('devnet'),
  version: z.string(),
  ownerAddress: address,
  validatorCount: z.number().int(),
  networkFeeIndex: decimal,
  index: decimal,
  balance: decimal,
  active: z.boolean(),
  isLiquidated: z.boolean(),
  blockNumber: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  operators: z.array(z.number().int()),
});
const clusterSchema = z.strictObject({
  type: z.literal('cluster'),
  cluster: clusterObject.nullable(),
});
const validatorSchema = z.object({
  public_key: z.string().regex(/^[0-9a-f]{96}$/),
  cluster: z.string(),
  owner_address: address,
  status: z.enum(['Active', 'Inactive']),
  is_valid: z.boolean(),
  is_deleted: z.boolean(),
  is_public_key_valid: z.boolean(),
  is_shares_valid: z.boolean(),
  is_operators_valid: z.boolean(),
  is_liquidated: z.boolean(),
  operators: z.array(operatorSchema),
  network: z.literal('devnet'),
  block: z.number().int(),
});

async function allOperators(ordering: string, perPage = 5): Promise<Operator[]> {
  const first = await getOk(
    `/operators?page=1&perPage=${perPage}&ordering=${ordering}`,
    listSchema,
  );
  const operators = [...first.operators];
  for (let page = 2; page <= first.pagination.pages; page++) {
    const next = await getOk(
      `/operators?page=${page}&perPage=${perPage}&ordering=${ordering}`,
      listSchema,
    );
    operators.push(...next.operators);
  }
  return operators;
}

describe('SSV API simulator: operators', () => {
  it('pages through every operator once, with the SSV pagination wrapper', async () => {
    const count = devnet.operators.length;
    const pages = Math.ceil(count / 5);
    const seen: number[] = [];
    for (let page = 1; page <= pages; page++) {
      const { operators, pagination } = await getOk(
        `/operators?page=${page}&perPage=5&ordering=id:asc`,
        listSchema,
      );
      const first = (page - 1) * 5 + 1;
      expect(pagination).toEqual({
        total: count,
        pages,
        per_page: 5,
        page,
        current_first: first,
        current_last: first + operators.length - 1,
      });
      seen.push(...operators.map((o) => o.id));
    }
    expect(seen).toEqual(devnet.operators.map((o) => o.id));
    const beyond = await getOk(`/operators?page=${pages + 1}&perPage=5`, listSchema);
    expect(beyond.operators).toEqual([]);
    expect(beyond.pagination).toMatchObject({ total: count, current_first: 0, current_last: 0 });
  });

  it('orders by fee, performance and id in both directions without duplicates across pages', async () => {
    const byFee = await allOperators('fee:desc');
    expect(new Set(byFee.map((o) => o.id)).size).toBe(devnet.operators.length);
    for (const [i, operator] of byFee.entries()) {
      if (i === 0) continue;
      const previous = byFee[i - 1]!;
      expect(BigInt(previous.fee) >= BigInt(operator.fee)).toBe(true);
      if (previous.fee === operator.fee) expect(previous.id).toBeLessThan(operator.id);
    }
    const byPerformance = await allOperators('performance.30d:asc', 7);
    expect(byPerformance.map((o) => o.performance['30d'])).toEqual(
      byPerformance.map((o) => o.performance['30d']).sort((a, b) => a - b),
    );
    const byId = await allOperators('id:desc', 4);
    expect(byId.map((o) => o.id)).toEqual(devnet.operators.map((o) => o.id).reverse());
    expect((await get('/operators?ordering=colour:asc')).status).toBe(400);
    expect((await get('/operators?perPage=0')).status).toBe(400);
  });

  it('serves the spec fields with the chain fee, key, privacy and whitelist of each operator', async () => {
    const operators = await allOperators('id:asc', 100);
    for (const expected of devnet.operators) {
      const operator = operators.find((o) => o.id === expected.id);
      expect(operator).toMatchObject({
        id_str: String(expected.id),
        fee: expected.fee.toString(),
        public_key: expected.publicKey,
        owner_address: expected.owner,
        is_private: expected.isPrivate,
        whitelist_addresses: expected.whitelisted,
        status: 'Active',
        is_active: 1,
        is_deleted: false,
      });
    }
    expect(operators[0]).toMatchObject({ name: 'Alpha', location: 'Zurich, Switzerland' });
    const detail = await getOk('/operators/3', operatorSchema);
    expect(detail).toEqual(operators.find((o) => o.id === 3));
  });

  it('answers 404 for unknown or malformed operator ids', async () => {
    expect(await get('/operators/999')).toEqual({
      status: 404,
      body: { error: { code: 404, message: 'Operator 999 not found' } },
    });
    expect((await get('/operators/abc')).status).toBe(404);
    expect((await get('/operators/0')).status).toBe(404);
  });
});

describe('SSV API simulator: accounts, clusters and validators', () => {
  const clusterOps = () => devnet.operators.filter((o) => !o.isPrivate).slice(0, 4);
  let validKey: string;
  let validSharesData: string;
  let invalidKey: string;

  beforeAll(async () => {
    const operators = clusterOps();
    const payload = await devnet.keysFor().buildSharesPayload({
      keyIndex: 10,
      operators: shareOperators(operators),
      ownerNonce: 0,
    });
    await devnet.register(payload);
    validKey = payload.publicKey;
    validSharesData = payload.sharesData;
    invalidKey = hexlify(randomBytes(48));
    await devnet.register({
      publicKey: invalidKey as `0x${string}`,
      operatorIds: operators.map((o) => o.id),
      sharesData: hexlify(randomBytes(96 + 304 * 4)) as `0x${string}`,
    });
    await ingest();
  });

  it('serves the owner nonce as the chain count of ValidatorAdded, valid or not', async () => {
    const account = await getOk(`/accounts/${devnet.owner.address}`, accountSchema);
    const onChain = await devnet.network.queryFilter(
      devnet.network.filters.ValidatorAdded!(devnet.owner.address),
      devnet.deployed.deployBlock,
    );
    expect(account.data).toMatchObject({ ownerAddress: devnet.owner.address, nonce: 2 });
    expect(onChain).toHaveLength(2);
    const fresh = await getOk(`/accounts/${devnet.stranger.address.toLowerCase()}`, accountSchema);
    expect(fresh.data).toMatchObject({ ownerAddress: devnet.stranger.address, nonce: 0 });
    expect((await get('/accounts/not-an-address')).status).toBe(400);
  });

  it('serves the cluster struct of the latest event, which the contract accepts', async () => {
    const ids = clusterOps().map((o) => o.id);
    const hash = clusterKeyHash(devnet.owner.address, ids);
    const { cluster } = await getOk(`/clusters/${hash}`, clusterSchema);
    const latest = devnet.clusterOf(ids);
    expect(cluster).toMatchObject({
      clusterId: hash,
      ownerAddress: devnet.owner.address,
      validatorCount: 2,
      networkFeeIndex: latest.networkFeeIndex.toString(),
      index: latest.index.toString(),
      balance: latest.balance.toString(),
      active: true,
      isLiquidated: false,
      operators: ids,
    });
    // A stale struct would revert IncorrectClusterState; the API's struct is the live one.
    const liquidated = (await devnet.views.getFunction('isLiquidated')(devnet.owner.address, ids, {
      validatorCount: cluster!.validatorCount,
      networkFeeIndex: cluster!.networkFeeIndex,
      index: cluster!.index,
      active: cluster!.active,
      balance: cluster!.balance,
    })) as boolean;
    expect(liquidated).toBe(false);
    const unknown = await getOk(`/clusters/${hexlify(randomBytes(32))}`, clusterSchema);
    expect(unknown.cluster).toBeNull();
  });

  it('counts validators per operator from the chain', async () => {
    for (const operator of clusterOps()) {
      const detail = await getOk(`/operators/${operator.id}`, operatorSchema);
      expect(detail.validators_count).toBe(2);
    }
    const byCount = await allOperators('validators_count:desc', 100);
    expect(byCount.slice(0, 4).map((o) => o.id)).toEqual(clusterOps().map((o) => o.id));
  });

  it('serves validity from the verifier report', async () => {
    const valid = await getOk(`/validators/${validKey}`, validatorSchema);
    expect(valid).toMatchObject({
      public_key: validKey.slice(2),
      owner_address: devnet.owner.address,
      status: 'Active',
      is_valid: true,
      is_shares_valid: true,
      is_deleted: false,
    });
    expect(valid.operators.map((o) => o.id)).toEqual(clusterOps().map((o) => o.id));
    const invalid = await getOk(`/validators/${invalidKey.slice(2)}`, validatorSchema);
    expect(invalid).toMatchObject({ status: 'Inactive', is_valid: false, is_shares_valid: false });
    expect((await get(`/validators/${hexlify(randomBytes(48))}`)).status).toBe(404);
  });

  it('serves the verifier report on /admin/verifier, with verdicts and no share material', async () => {
    const response = await fetch(`${sim.origin}/admin/verifier`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const report = verifierReportSchema.parse(JSON.parse(text));
    const ids = clusterOps().map((o) => o.id);
    expect(report).toEqual({
      total: 2,
      valid: 1,
      invalid: 1,
      registrations: [
        expect.objectContaining({
          publicKey: validKey,
          owner: devnet.owner.address,
          nonce: 0,
          operatorIds: ids,
          valid: true,
          reasons: [],
          removed: null,
        }),
        expect.objectContaining({
          publicKey: invalidKey,
          owner: devnet.owner.address,
          nonce: 1,
          operatorIds: ids,
          valid: false,
          // random bytes: never a point of the BLS12-381 G1 subgroup
          reasons: ['publicKey: not a valid 48-byte BLS public key'],
        }),
      ],
    });
    expect(report.registrations).toEqual(
      verifier.report().map((r) => ({ ...r, operatorIds: [...r.operatorIds] })),
    );
    // Neither an encrypted nor a decrypted share, nor a key, reaches the response.
    const [firstOperator] = clusterOps();
    const parsed = parseSharesData(validSharesData, ids.length);
    const decrypted = decryptShare(
      operatorPrivateKeys(devnet.operators).get(firstOperator!.id)!,
      parsed.encryptedShares[0]!,
    );
    expect(decrypted).toMatch(/^0x[0-9a-f]{64}$/);
    expect(text).not.toContain(decrypted.slice(2));
    expect(text).not.toContain(hexlify(parsed.encryptedShares[0]!).slice(2, 66));
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('serves a frozen snapshot while lag is injected, then catches up', async () => {
    const ids = clusterOps().map((o) => o.id);
    const hash = clusterKeyHash(devnet.owner.address, ids);
    expect(await postAdmin('/lag', { frozen: true })).toBe(200);
    const payload = await devnet.keysFor().buildSharesPayload({
      keyIndex: 11,
      operators: shareOperators(clusterOps()),
      ownerNonce: 2,
    });
    await devnet.register(payload);
    await ingest();

    const stale = await getOk(`/accounts/${devnet.owner.address}`, accountSchema);
    expect(stale.data.nonce).toBe(2);
    expect((await getOk(`/clusters/${hash}`, clusterSchema)).cluster?.validatorCount).toBe(2);
    expect((await get(`/validators/${payload.publicKey}`)).status).toBe(404);

    expect(await postAdmin('/lag', { frozen: false })).toBe(200);
    expect((await getOk(`/accounts/${devnet.owner.address}`, accountSchema)).data.nonce).toBe(3);
    expect((await getOk(`/clusters/${hash}`, clusterSchema)).cluster?.validatorCount).toBe(3);
    expect((await getOk(`/validators/${payload.publicKey}`, validatorSchema)).is_valid).toBe(true);
  });
});

describe('SSV API simulator: admin controls', () => {
  it('marks an operator Inactive with low performance, then Removed', async () => {
    expect(
      await postAdmin('/operators/2', { status: 'Inactive', performance: { '30d': 12.5 } }),
    ).toBe(200);
    const inactive = await getOk('/operators/2', operatorSchema);
    expect(inactive).toMatchObject({ status: 'Inactive', is_active: 0, is_deleted: false });
    expect(inactive.performance['30d']).toBe(12.5);
    const worst = await getOk('/operators?ordering=performance.30d:asc&perPage=1', listSchema);
    expect(worst.operators[0]?.id).toBe(2);

    sim.admin.setOperatorStatus(2, 'Removed');
    expect(await getOk('/operators/2', operatorSchema)).toMatchObject({
      status: 'Removed',
      is_active: 0,
      is_deleted: true,
    });
    expect(await postAdmin('/operators/999', { status: 'Inactive' })).toBe(404);
    expect(await postAdmin('/operators/2', { status: 'Sleeping' })).toBe(400);
  });

  it('reports an operator removed on chain as Removed with the chain fee and count zeroed', async () => {
    const last = devnet.operators.at(-1)!;
    const network = devnet.network.connect(devnet.operatorOwner) as typeof devnet.network;
    await (await network.getFunction('removeOperator').send(last.id)).wait();
    await ingest();
    expect(await getOk(`/operators/${last.id}`, operatorSchema)).toMatchObject({
      status: 'Removed',
      is_active: 0,
      is_deleted: true,
      fee: '0',
      validators_count: 0,
    });
  });

  it('omits hidden operators from listings but still serves their detail', async () => {
    expect(await postAdmin('/operators/5', { hidden: true })).toBe(200);
    const listed = await allOperators('id:asc', 100);
    expect(listed.map((o) => o.id)).not.toContain(5);
    expect(listed).toHaveLength(devnet.operators.length - 1);
    expect((await getOk('/operators/5', operatorSchema)).id).toBe(5);
  });

  it('fails the next N requests with 5xx, then answers again', async () => {
    expect(await postAdmin('/faults', { kind: '5xx', count: 2, status: 502 })).toBe(200);
    expect((await get('/operators')).status).toBe(502);
    expect((await get('/operators/1')).status).toBe(502);
    expect((await get('/operators/1')).status).toBe(200);
  });

  it('serves malformed JSON and wrong field types when told to', async () => {
    sim.admin.injectFaults({ kind: 'malformed-json', count: 1 });
    sim.admin.injectFaults({ kind: 'wrong-types', count: 1 });
    const malformed = await fetch(`${sim.url}/operators/1`);
    expect(malformed.status).toBe(200);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await malformed.text();
    expect(() => JSON.parse(text) as unknown).toThrow(/JSON/);

    const { status, body } = await get('/operators/1');
    expect(status).toBe(200);
    expect(operatorSchema.safeParse(body).success).toBe(false);
    expect(body).toMatchObject({ id: '1', is_private: 0, fee: Number(devnet.operators[0]!.fee) });
    expect(operatorSchema.safeParse((await get('/operators/1')).body).success).toBe(true);
  });
});
