/**
 * Client of the SSV REST API v4 (specs/ssv-api-and-shares.md §1–4): operators (paginated),
 * operator by id, account nonce and cluster by hash. The API is an indexer, used for discovery
 * and cross-checks; money-relevant facts are verified on chain (SsvNetworkClient, owner index).
 *
 * Every body is validated with zod. A malformed operator inside a list is skipped and reported
 * (`skipped`), never fatal; a malformed wrapper is `ERR_UPSTREAM_MALFORMED`. Timeouts, connection
 * errors, 5xx and 429 are retried with bounded backoff, then `ERR_UPSTREAM_UNAVAILABLE`. Errors
 * name the API host only. Read-only, so every call is safe to retry.
 */
import type { AxiosInstance } from 'axios';
import { getAddress, isHexString } from 'ethers';
import { z } from 'zod';
import { DvtError } from '../../domain/errors.js';
import type { ClusterJson } from '../../domain/ssv/cluster.js';
import type { OperatorCandidate } from '../../domain/operators/eligibility.js';
import { parseOperatorPublicKey } from '../keys/operator-public-key.js';
import type { OnChainOperator } from './ssv-network-client.js';
import { issues, makeUpstreamHttp } from '../http/upstream-http.js';

/** Dependencies of {@link makeSsvApiClient}. */
export interface SsvApiClientDeps {
  /** `https://api.ssv.network/api/v4` (the network is appended). */
  baseUrl: string;
  /** `mainnet`, `hoodi`, or the devnet simulator's name. */
  network: string;
  axios?: AxiosInstance;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Operators per page; default 100 (eth-ssv-client). */
  perPage?: number;
  /** Hard stop for pagination; default 500 pages. */
  maxPages?: number;
}

const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, 'not a decimal integer string');
const address = z.string().refine((value) => isHexString(value, 20), 'not an address');

/** An operator as the API describes it (the fields the router uses). */
export const apiOperatorSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().optional(),
  owner_address: address,
  public_key: z.string().min(1),
  fee: decimal,
  validators_count: z.number().int().nonnegative(),
  performance: z.object({ '24h': z.number(), '30d': z.number() }),
  status: z.string(),
  is_active: z.number().optional(),
  is_private: z.boolean(),
  is_deleted: z.boolean(),
  type: z.string().optional(),
  whitelist_addresses: z.array(z.string()).optional(),
  eth1_node_client: z.string().optional(),
  eth2_node_client: z.string().optional(),
  location: z.string().optional(),
});

/** A validated API operator. */
export type ApiOperator = z.infer<typeof apiOperatorSchema>;

const paginationSchema = z.object({
  total: z.number().int().nonnegative(),
  pages: z.number().int().nonnegative(),
  page: z.number().int().optional(),
});

const operatorListSchema = z.object({
  operators: z.array(z.unknown()),
  pagination: paginationSchema,
});

const accountSchema = z.union([
  z.object({ data: z.object({ nonce: z.number().int().nonnegative() }) }),
  z.object({ account: z.object({ nonce: z.number().int().nonnegative() }) }),
]);

const apiClusterSchema = z.object({
  clusterId: z.string(),
  ownerAddress: address,
  validatorCount: z.number().int().nonnegative(),
  networkFeeIndex: decimal,
  index: decimal,
  balance: decimal,
  active: z.boolean(),
  isLiquidated: z.boolean().optional(),
  blockNumber: z.number().int().optional(),
  operators: z.array(z.union([z.number().int(), z.object({ id: z.number().int() })])).optional(),
});

const clusterResponseSchema = z.object({ cluster: apiClusterSchema.nullable() });

/** An operator entry the client left out, and why. */
export interface SkippedOperator {
  id?: number;
  reason: string;
}

/** What {@link SsvApiClient.listOperators} returns. */
export interface ListOperatorsReturnType {
  operators: ApiOperator[];
  skipped: SkippedOperator[];
  /** `pagination.total` of the first page. */
  total: number;
  pagesFetched: number;
}

/** The API's cluster, with the struct in the domain's JSON form. */
export interface ApiCluster {
  clusterHash: string;
  owner: string;
  operatorIds: number[];
  cluster: ClusterJson;
  isLiquidated: boolean | null;
  blockNumber: number | null;
}

/** Makes the client. */
export function makeSsvApiClient(deps: SsvApiClientDeps) {
  const network = encodeURIComponent(deps.network);
  const http = makeUpstreamHttp({
    baseUrl: `${deps.baseUrl.replace(/\/+$/, '')}/${network}`,
    name: 'SSV API',
    ...(deps.axios !== undefined ? { axios: deps.axios } : {}),
    ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
    ...(deps.retries !== undefined ? { retries: deps.retries } : {}),
    ...(deps.backoffMs !== undefined ? { backoffMs: deps.backoffMs } : {}),
    ...(deps.sleep !== undefined ? { sleep: deps.sleep } : {}),
  });
  const perPage = deps.perPage ?? 100;
  const maxPages = deps.maxPages ?? 500;

  /**
   * Every operator, page 1 to `pagination.pages` (read from the first page), each page fetched
   * exactly once, ordered `id:asc`. Malformed entries, duplicates across pages and operators the
   * list omits (fewer than `pagination.total`) are reported in `skipped`.
   */
  async function listOperators(): Promise<ListOperatorsReturnType> {
    const operators: ApiOperator[] = [];
    const skipped: SkippedOperator[] = [];
    const seen = new Set<number>();
    let pages = 1;
    let total = 0;
    let page = 1;
    for (; page <= pages && page <= maxPages; page++) {
      const response = await http.request({
        path: '/operators',
        params: { page, perPage, ordering: 'id:asc' },
        endpoint: 'operators',
        schema: operatorListSchema,
      });
      if (!response.ok) break;
      if (page === 1) {
        pages = response.data.pagination.pages;
        total = response.data.pagination.total;
      }
      for (const entry of response.data.operators) {
        const parsed = apiOperatorSchema.safeParse(entry);
        const id = idOf(entry);
        if (!parsed.success) {
          skipped.push({
            ...(id !== undefined ? { id } : {}),
            reason: `malformed: ${issues(parsed.error)}`,
          });
        } else if (seen.has(parsed.data.id)) {
          skipped.push({ id: parsed.data.id, reason: 'listed twice' });
        } else {
          seen.add(parsed.data.id);
          operators.push(parsed.data);
        }
      }
    }
    const listed = operators.length + skipped.filter((s) => s.reason !== 'listed twice').length;
    if (listed < total) {
      skipped.push({ reason: `the API listed ${listed} of ${total} operators` });
    }
    if (pages > maxPages) {
      skipped.push({ reason: `stopped after ${maxPages} of ${pages} pages` });
    }
    return { operators, skipped, total, pagesFetched: page - 1 };
  }

  return {
    listOperators,

    /** `GET /operators/{id}`; null when the API does not know the id (404). */
    async getOperator(id: number): Promise<ApiOperator | null> {
      const response = await http.request({
        path: `/operators/${id}`,
        endpoint: 'operator',
        schema: apiOperatorSchema,
        passStatuses: [404],
      });
      return response.ok ? response.data : null;
    },

    /**
     * `GET /accounts/{owner}` → the owner nonce the indexer has seen (lags the chain; the owner
     * index is authoritative). Null for an unknown account (404).
     */
    async getAccountNonce(owner: string): Promise<number | null> {
      const response = await http.request({
        path: `/accounts/${checksum(owner)}`,
        endpoint: 'account',
        schema: accountSchema,
        passStatuses: [404],
      });
      if (!response.ok) return null;
      return 'data' in response.data ? response.data.data.nonce : response.data.account.nonce;
    },

    /** `GET /clusters/{clusterHash}`; null when the API has no such cluster. */
    async getCluster(clusterHash: string): Promise<ApiCluster | null> {
      if (!isHexString(clusterHash, 32)) {
        throw new DvtError('ERR_INVALID_INPUT', 'clusterHash is not 32 bytes of 0x-hex.', {
          details: { clusterHash: String(clusterHash).slice(0, 80) },
        });
      }
      const response = await http.request({
        path: `/clusters/${clusterHash}`,
        endpoint: 'cluster',
        schema: clusterResponseSchema,
        passStatuses: [404],
      });
      if (!response.ok || response.data.cluster === null) return null;
      const c = response.data.cluster;
      return {
        clusterHash: c.clusterId.toLowerCase(),
        owner: c.ownerAddress.toLowerCase(),
        operatorIds: (c.operators ?? []).map((op) => (typeof op === 'number' ? op : op.id)),
        cluster: {
          validatorCount: c.validatorCount,
          networkFeeIndex: c.networkFeeIndex,
          index: c.index,
          active: c.active,
          balance: c.balance,
        },
        isLiquidated: c.isLiquidated ?? null,
        blockNumber: c.blockNumber ?? null,
      };
    },
  };
}

/** The SSV API client. */
export type SsvApiClient = ReturnType<typeof makeSsvApiClient>;

/** On-chain facts that override the API's (which can lag). */
export interface CandidateOverrides {
  /** Our cluster owner, to judge `whitelist_addresses` when no on-chain answer is given. */
  owner?: string;
  onChain?: OnChainOperator;
  /** From `getWhitelistedOperators(ids, owner)`. */
  whitelistedForOwner?: boolean;
}

/**
 * Maps an API operator to the domain's candidate. On-chain data, when given, wins for activity,
 * privacy, validator count and fee (the API's `fee` may be the SSV fee after v2). The RSA key is
 * checked here so an unusable key excludes the operator instead of failing a registration.
 */
export function toOperatorCandidate(
  operator: ApiOperator,
  overrides: CandidateOverrides = {},
): OperatorCandidate {
  const { onChain } = overrides;
  let validKey = true;
  try {
    parseOperatorPublicKey({ id: operator.id, publicKey: operator.public_key });
  } catch {
    validKey = false;
  }
  const owner = overrides.owner?.toLowerCase();
  const whitelisted =
    overrides.whitelistedForOwner ??
    (owner !== undefined &&
      (operator.whitelist_addresses ?? []).some((a) => a.toLowerCase() === owner));
  return {
    id: operator.id,
    owner: operator.owner_address.toLowerCase(),
    active: operator.status === 'Active' && (onChain?.isActive ?? true),
    removed: operator.status === 'Removed' || (onChain !== undefined && !onChain.isActive),
    deleted: operator.is_deleted,
    isPrivate: onChain?.isPrivate ?? operator.is_private,
    whitelistedForOwner: whitelisted,
    validatorCount: onChain?.validatorCount ?? operator.validators_count,
    fee: BigInt(onChain?.fee ?? operator.fee),
    validKey,
    performance24h: operator.performance['24h'],
    performance30d: operator.performance['30d'],
    ...(operator.eth1_node_client ? { eth1Client: operator.eth1_node_client } : {}),
    ...(operator.eth2_node_client ? { eth2Client: operator.eth2_node_client } : {}),
    ...(operator.location ? { location: operator.location } : {}),
  };
}

function idOf(entry: unknown): number | undefined {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}

function checksum(owner: string): string {
  try {
    return getAddress(owner);
  } catch (cause) {
    throw new DvtError('ERR_INVALID_INPUT', 'owner is not an address.', {
      details: { owner: String(owner).slice(0, 80) },
      cause,
    });
  }
}
