/**
 * The devnet's simulated SSV REST API v4 (specs/ssv-api-and-shares.md §10): Fastify on 127.0.0.1
 * under `/api/v4/{network}`, backed by the devnet chain (operators, nonces, cluster structs,
 * validators) and by the verifier's report (validity). Admin controls under `/admin/` (and on
 * the returned `admin` object) make operators go bad, hide them, serve a stale snapshot of
 * cluster and nonce data, and inject 5xx, malformed JSON or wrong field types;
 * `GET /admin/verifier` serves the verifier's report (public fields only, never a share).
 */
import fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { getAddress, isAddress } from 'ethers';
import { z } from 'zod';

import { clusterIdOf } from '../../domain/ssv/cluster.js';
import { devnetProvider } from '../chain.js';
import type { Artifacts } from '../contracts/compile.js';
import { ssvNetworkInterface } from '../operators/ssv-network-logs.js';
import type { VerificationRecord, VerifierService } from '../operators/verifier-service.js';
import {
  makeSsvChainIndex,
  type IndexedCluster,
  type IndexedOperator,
  type OwnerData,
} from './chain-index.js';
import {
  OPERATOR_STATUSES,
  corruptFieldTypes,
  paginate,
  parseOrdering,
  sortOperators,
  type ApiOperator,
  type OperatorPerformance,
  type OperatorStatus,
  type OperatorType,
} from './operator-listing.js';

/** Display metadata of a simulated operator (all optional). */
export interface OperatorMeta {
  name?: string;
  description?: string;
  location?: string;
  setupProvider?: string;
  eth1NodeClient?: string;
  eth2NodeClient?: string;
  mevRelays?: string;
  type?: OperatorType;
  dkgAddress?: string;
  /** Initial performance; default a fixed value derived from the id. */
  performance?: OperatorPerformance;
}

/** Fault kinds `injectFaults` accepts. */
export type FaultKind = '5xx' | 'malformed-json' | 'wrong-types';

export interface InjectFaultsParameters {
  kind: FaultKind;
  /** How many of the next API requests (not admin) get the fault. */
  count: number;
  /** HTTP status for `5xx`; default 503. */
  status?: number;
}

/** Liveness and fault controls. */
export interface SsvApiSimAdmin {
  /** Overrides an operator's status (null: back to the chain-derived status). */
  setOperatorStatus(id: number, status: OperatorStatus | null): void;
  /** Overrides an operator's performance (null: back to its default). */
  setOperatorPerformance(id: number, performance: Partial<OperatorPerformance> | null): void;
  /** Omits an operator from `GET /operators` (detail still answers). */
  setOperatorHidden(id: number, hidden: boolean): void;
  /** Serves a frozen snapshot of accounts, clusters and validators (indexer lag) until `unfreeze`. */
  freeze(): void;
  unfreeze(): void;
  /** The next `count` API requests fail as `kind`. Faults queue in order. */
  injectFaults(parameters: InjectFaultsParameters): void;
  /** Scans the chain to its head now. */
  ingestNow(): Promise<void>;
  /** Clears every override, fault and freeze. */
  reset(): void;
}

export interface StartSsvApiSimParameters {
  rpcUrl: string;
  chainId: number;
  ssvNetwork: string;
  /** Network name in the path; default `devnet`. */
  network?: string;
  /** Source of `is_valid` / `is_shares_valid`. */
  verifier: Pick<VerifierService, 'report'>;
  /** Display metadata by operator id. */
  operatorsMeta?: Readonly<Record<number, OperatorMeta>>;
  /** First block to scan (SSVNetwork deployment). Default 0. */
  fromBlock?: number;
  /** Blocks to stay behind the head, as a beacon node follows the execution chain (a reorg shallower than this is never seen); default 0. */
  followBlocks?: number;
  /** Chain poll interval; 0 disables polling (use `admin.ingestNow()`). Default 500. */
  pollMs?: number;
  /**
   * Report `"No validators"` for operators without validators, as the live API does. Off by
   * default because a fresh devnet has no validators and routers select only `"Active"`.
   */
  reportNoValidators?: boolean;
  /** Port on 127.0.0.1; default an OS-chosen free port. */
  port?: number;
  artifacts?: Artifacts;
}

export interface SsvApiSim {
  /** Base URL including `/api/v4/{network}`, no trailing slash. */
  url: string;
  /** Origin of the server (admin routes live under `<origin>/admin/`). */
  origin: string;
  admin: SsvApiSimAdmin;
  stop(): Promise<void>;
}

const API_VERSION = 'v4';
const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
const PUBKEY = /^(0x)?[0-9a-fA-F]{96}$/;
const HASH = /^(0x)?[0-9a-fA-F]{64}$/;

const positiveInt = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);
const listQuery = z.object({
  page: positiveInt(1, 1_000_000),
  perPage: positiveInt(10, 1000),
  ordering: z.string().optional(),
});
const performanceBody = z
  .object({ '24h': z.number().min(0).max(100), '30d': z.number().min(0).max(100) })
  .partial();
/** The body `POST /admin/operators/:id` accepts (null: back to the default). */
export const operatorAdminBodySchema = z.object({
  status: z.enum(OPERATOR_STATUSES).nullable().optional(),
  performance: performanceBody.nullable().optional(),
  hidden: z.boolean().optional(),
});
const faultsBody = z.object({
  kind: z.enum(['5xx', 'malformed-json', 'wrong-types']),
  count: z.number().int().min(1).max(10_000),
  status: z.number().int().min(500).max(599).optional(),
});
const lagBody = z.object({ frozen: z.boolean() });

/**
 * One checked registration as `GET /admin/verifier` serves it: the record's public fields (its
 * type holds nothing else; `verifierReport` copies them by name all the same).
 */
export type VerifierReportEntry = VerificationRecord;

/** The body of `GET /admin/verifier`: every checked registration in chain order, and counts. */
export interface VerifierReportBody {
  total: number;
  valid: number;
  invalid: number;
  registrations: VerifierReportEntry[];
}

/**
 * The verifier's records as `GET /admin/verifier` serves them. Fields are copied by name, so
 * nothing the records may carry beyond the public event data and the verdict (the verifier holds
 * operator keys and decrypted shares) can reach the response.
 */
export function verifierReport(records: readonly VerificationRecord[]): VerifierReportBody {
  const registrations = records.map((r) => ({
    publicKey: r.publicKey,
    owner: r.owner,
    nonce: r.nonce,
    operatorIds: [...r.operatorIds],
    valid: r.valid,
    reasons: [...r.reasons],
    block: r.block,
    logIndex: r.logIndex,
    transactionHash: r.transactionHash,
    removed: r.removed && { block: r.removed.block, logIndex: r.removed.logIndex },
  }));
  const valid = registrations.filter((r) => r.valid).length;
  return {
    total: registrations.length,
    valid,
    invalid: registrations.length - valid,
    registrations,
  };
}

function defaultPerformance(id: number): OperatorPerformance {
  return { '24h': 100 - ((id * 7) % 10) * 0.5, '30d': 100 - ((id * 3) % 10) * 0.4 };
}

/** Starts the simulator; the first chain scan completes before it resolves. */
export async function startSsvApiSim({
  rpcUrl,
  chainId,
  ssvNetwork,
  network = 'devnet',
  verifier,
  operatorsMeta = {},
  fromBlock = 0,
  followBlocks = 0,
  pollMs = 500,
  reportNoValidators = false,
  port = 0,
  artifacts,
}: StartSsvApiSimParameters): Promise<SsvApiSim> {
  const provider = devnetProvider(rpcUrl, chainId);
  const index = makeSsvChainIndex({
    provider,
    ssvNetwork,
    networkInterface: ssvNetworkInterface(artifacts),
    fromBlock,
    followBlocks,
  });
  await index.ingest();

  const statusOverrides = new Map<number, OperatorStatus>();
  const performanceOverrides = new Map<number, Partial<OperatorPerformance>>();
  const hidden = new Set<number>();
  const faults: InjectFaultsParameters[] = [];
  let frozen: OwnerData | null = null;
  const ownerData = (): OwnerData => frozen ?? index.ownerData();

  function toApiOperator(operator: IndexedOperator): ApiOperator {
    const meta = operatorsMeta[operator.id] ?? {};
    const chainStatus: OperatorStatus =
      operator.removed || !operator.chain.isActive
        ? 'Removed'
        : reportNoValidators && operator.chain.validatorCount === 0
          ? 'No validators'
          : 'Active';
    const status = statusOverrides.get(operator.id) ?? chainStatus;
    const performance = {
      ...(meta.performance ?? defaultPerformance(operator.id)),
      ...performanceOverrides.get(operator.id),
    };
    return {
      id: operator.id,
      id_str: String(operator.id),
      declared_fee: operator.declaredFee,
      previous_fee: operator.previousFee,
      fee: operator.chain.fee,
      public_key: operator.publicKey,
      owner_address: operator.owner,
      address_whitelist:
        operator.chain.whitelistedAddress === ZERO_ADDRESS ? '' : operator.chain.whitelistedAddress,
      whitelist_addresses: [...operator.whitelist],
      whitelisting_contract: operator.whitelistingContract ?? '',
      is_private: operator.chain.isPrivate,
      location: meta.location ?? 'Devnet, Localhost',
      setup_provider: meta.setupProvider ?? 'devnet',
      eth1_node_client: meta.eth1NodeClient ?? 'Geth',
      eth2_node_client: meta.eth2NodeClient ?? 'Lighthouse',
      mev_relays: meta.mevRelays ?? '',
      description: meta.description ?? '',
      website_url: '',
      twitter_url: '',
      linkedin_url: '',
      dkg_address: meta.dkgAddress ?? '',
      logo: '',
      type: meta.type ?? 'operator',
      name: meta.name ?? `Devnet operator ${operator.id}`,
      performance,
      is_valid: true,
      is_deleted: status === 'Removed',
      is_active: status === 'Active' || status === 'No validators' ? 1 : 0,
      status,
      validators_count: operator.chain.validatorCount,
      version: API_VERSION,
      network,
      block: operator.block,
      created_at: operator.createdAt,
      updated_at: operator.updatedAt,
    };
  }

  function toApiCluster(cluster: IndexedCluster) {
    return {
      id: cluster.id,
      clusterId: cluster.clusterHash,
      network,
      version: API_VERSION,
      ownerAddress: cluster.owner,
      validatorCount: cluster.struct.validatorCount,
      networkFeeIndex: cluster.struct.networkFeeIndex,
      index: cluster.struct.index,
      balance: cluster.struct.balance,
      active: cluster.struct.active,
      isLiquidated: !cluster.struct.active,
      blockNumber: cluster.updatedBlock,
      createdAt: cluster.createdAt,
      updatedAt: cluster.updatedAt,
      operators: [...cluster.operatorIds],
    };
  }

  const notFound = (reply: FastifyReply, message: string) =>
    reply.code(404).send({ error: { code: 404, message } });
  const badRequest = (reply: FastifyReply, message: string) =>
    reply.code(400).send({ error: { code: 400, message } });

  const app = fastify({ logger: false });
  const corrupted = new WeakSet<FastifyRequest>();

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const fault = faults[0];
    if (!fault) return;
    fault.count -= 1;
    if (fault.count <= 0) faults.shift();
    if (fault.kind === '5xx') {
      const status = fault.status ?? 503;
      return reply.code(status).send({ error: { code: status, message: 'injected fault' } });
    }
    if (fault.kind === 'malformed-json') {
      return reply
        .code(200)
        .header('content-type', 'application/json; charset=utf-8')
        .send('{"operators": [{"id": 1, "fee": "1770000000",');
    }
    corrupted.add(request);
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    if (!corrupted.has(request) || typeof payload !== 'string') return payload;
    return JSON.stringify(corruptFieldTypes(JSON.parse(payload)));
  });

  await app.register(
    (api) => {
      api.get('/operators', async (request, reply) => {
        const query = listQuery.safeParse(request.query);
        if (!query.success) return badRequest(reply, z.prettifyError(query.error));
        const ordering = parseOrdering(query.data.ordering);
        if ('error' in ordering) return badRequest(reply, ordering.error);
        const listed = index
          .operators()
          .filter((operator) => !hidden.has(operator.id))
          .map(toApiOperator);
        const { items, pagination } = paginate(
          sortOperators(listed, ordering),
          query.data.page,
          query.data.perPage,
        );
        return { operators: items, pagination };
      });

      api.get<{ Params: { id: string } }>('/operators/:id', async (request, reply) => {
        const id = /^[1-9][0-9]{0,15}$/.test(request.params.id) ? Number(request.params.id) : NaN;
        const operator = index.operators().find((o) => o.id === id);
        if (!operator) return notFound(reply, `Operator ${request.params.id} not found`);
        return toApiOperator(operator);
      });

      api.get<{ Params: { owner: string } }>('/accounts/:owner', async (request, reply) => {
        const raw: string = request.params.owner;
        if (!isAddress(raw)) return badRequest(reply, `${String(raw)} is not an address`);
        const owner = getAddress(raw);
        const account = ownerData().accounts.get(owner.toLowerCase());
        return {
          type: 'account',
          data: {
            id: account?.id ?? 0,
            ownerAddress: owner,
            recipientAddress: account?.recipientAddress ?? owner,
            network,
            version: API_VERSION,
            nonce: account?.nonce ?? 0,
          },
        };
      });

      api.get<{ Params: { hash: string } }>('/clusters/:hash', async (request, reply) => {
        if (!HASH.test(request.params.hash)) {
          return badRequest(reply, `${request.params.hash} is not a 32-byte cluster hash`);
        }
        const hash = `0x${request.params.hash.replace(/^0x/, '').toLowerCase()}`;
        const cluster = ownerData().clusters.get(hash);
        return { type: 'cluster', cluster: cluster ? toApiCluster(cluster) : null };
      });

      api.get<{ Params: { pubkey: string } }>('/validators/:pubkey', async (request, reply) => {
        if (!PUBKEY.test(request.params.pubkey)) {
          return badRequest(reply, `${request.params.pubkey} is not a 48-byte public key`);
        }
        const publicKey = `0x${request.params.pubkey.replace(/^0x/, '').toLowerCase()}`;
        const data = ownerData();
        const validator = data.validators.get(publicKey);
        // The verdict of the registration the index holds; absent until the verifier saw it,
        // which the live indexer shows as "not found" too.
        const verdict = verifier
          .report()
          .findLast(
            (r) =>
              validator !== undefined &&
              r.publicKey === publicKey &&
              r.owner === validator.owner &&
              r.block <= validator.block,
          );
        if (!validator || !verdict) return notFound(reply, `Validator ${publicKey} not found`);
        const cluster = data.clusters.get(validator.clusterHash);
        const operators = index
          .operators()
          .filter((o) => validator.operatorIds.includes(o.id))
          .map(toApiOperator);
        return {
          public_key: publicKey.slice(2),
          cluster: validator.clusterHash,
          cluster_id: clusterIdOf(validator.owner, validator.operatorIds),
          owner_address: validator.owner,
          status: verdict.valid && !validator.removed ? 'Active' : 'Inactive',
          is_valid: verdict.valid,
          is_deleted: validator.removed,
          is_public_key_valid: !verdict.reasons.some((r) => r.startsWith('publicKey:')),
          is_shares_valid: verdict.valid,
          is_operators_valid: !verdict.reasons.some((r) => r.startsWith('operators:')),
          is_liquidated: cluster ? !cluster.struct.active : false,
          operators,
          version: API_VERSION,
          network,
          block: validator.block,
          created_at: validator.createdAt,
          updated_at: validator.updatedAt,
          validator_info: null,
        };
      });
      return Promise.resolve();
    },
    { prefix: `/api/${API_VERSION}/${network}` },
  );

  const admin: SsvApiSimAdmin = {
    setOperatorStatus(id, status) {
      if (status === null) statusOverrides.delete(id);
      else statusOverrides.set(id, status);
    },
    setOperatorPerformance(id, performance) {
      if (performance === null) performanceOverrides.delete(id);
      else performanceOverrides.set(id, { ...performanceOverrides.get(id), ...performance });
    },
    setOperatorHidden(id, hide) {
      if (hide) hidden.add(id);
      else hidden.delete(id);
    },
    freeze() {
      frozen ??= index.snapshot();
    },
    unfreeze() {
      frozen = null;
    },
    injectFaults({ kind, count, status }) {
      if (!Number.isSafeInteger(count) || count < 1) {
        throw new Error(`fault count must be a positive integer, got ${count}`);
      }
      faults.push(status === undefined ? { kind, count } : { kind, count, status });
    },
    ingestNow: () => index.ingest(),
    reset() {
      statusOverrides.clear();
      performanceOverrides.clear();
      hidden.clear();
      faults.length = 0;
      frozen = null;
    },
  };

  await app.register(
    (routes) => {
      routes.post<{ Params: { id: string } }>('/operators/:id', async (request, reply) => {
        const body = operatorAdminBodySchema.safeParse(request.body);
        const id = Number(request.params.id);
        if (!body.success) return badRequest(reply, z.prettifyError(body.error));
        if (!index.operators().some((o) => o.id === id)) {
          return notFound(reply, `Operator ${request.params.id} not found`);
        }
        if (body.data.status !== undefined) admin.setOperatorStatus(id, body.data.status);
        if (body.data.performance !== undefined) {
          const performance = body.data.performance;
          admin.setOperatorPerformance(
            id,
            performance === null
              ? null
              : Object.fromEntries(
                  Object.entries(performance).filter(([, value]) => value !== undefined),
                ),
          );
        }
        if (body.data.hidden !== undefined) admin.setOperatorHidden(id, body.data.hidden);
        return { ok: true };
      });
      routes.post('/lag', async (request, reply) => {
        const body = lagBody.safeParse(request.body);
        if (!body.success) return badRequest(reply, z.prettifyError(body.error));
        if (body.data.frozen) admin.freeze();
        else admin.unfreeze();
        return { ok: true, frozen: body.data.frozen };
      });
      routes.post('/faults', async (request, reply) => {
        const body = faultsBody.safeParse(request.body);
        if (!body.success) return badRequest(reply, z.prettifyError(body.error));
        const { kind, count, status } = body.data;
        admin.injectFaults(status === undefined ? { kind, count } : { kind, count, status });
        return { ok: true };
      });
      routes.post('/ingest', async () => {
        await admin.ingestNow();
        return { ok: true };
      });
      routes.post('/reset', () => {
        admin.reset();
        return Promise.resolve({ ok: true });
      });
      routes.get('/verifier', () => Promise.resolve(verifierReport(verifier.report())));
      return Promise.resolve();
    },
    { prefix: '/admin' },
  );

  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  if (address === null || typeof address !== 'object') {
    await app.close();
    provider.destroy();
    throw new Error('the SSV API simulator has no TCP address');
  }
  const origin = `http://127.0.0.1:${address.port}`;

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (stopped || pollMs <= 0) return;
    timer = setTimeout(() => {
      index
        .ingest()
        .catch(() => undefined) // the next poll rescans the same range
        .finally(schedule);
    }, pollMs);
  };
  schedule();

  return {
    url: `${origin}/api/${API_VERSION}/${network}`,
    origin,
    admin,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      await index.settled();
      await app.close();
      provider.destroy();
    },
  };
}
