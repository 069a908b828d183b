/**
 * Beacon node API client (specs/beacon-and-keys.md §11) over one or more endpoints: genesis,
 * spec, deposit contract, fork, syncing, validators (POST in chunks, GET with ≤ 64 ids where POST
 * is unsupported), balances, pending deposits and voluntary exit submission. Every body is
 * validated with zod; integers stay decimal strings as the API sends them.
 *
 * Endpoints are tried in order. An endpoint that is unavailable or answers malformed data is
 * recorded and the next is tried; when all fail, every failure is kept in an `AggregateError`
 * (the `cause`) and summarised in the DvtError (STYLE.md rule 16). A definite answer — 404, a
 * 400 on an exit — is returned at once, not retried elsewhere. Errors name hosts only.
 * Reads are side-effect free; submitting the same exit twice is harmless.
 */
import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { DvtError } from '../../domain/errors.js';
import { makeUpstreamHttp, type UpstreamHttp } from '../http/upstream-http.js';

/** Dependencies of {@link makeBeaconClient}. */
export interface BeaconClientDeps {
  /** Beacon API base URLs, tried in order. */
  baseUrls: readonly string[];
  axios?: AxiosInstance;
  timeoutMs?: number;
  /** Retries per endpoint before falling back to the next; default 1. */
  retries?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Ids per POST `validators` call; default 1,000. */
  postChunkSize?: number;
}

const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, 'not a decimal string');
const hex = (bytes: number) =>
  z.string().regex(new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`), `not ${bytes} bytes of 0x-hex`);
const wrapped = <T extends z.ZodType>(data: T) => z.object({ data });

/** Validator status strings (beacon-APIs). */
export const validatorStatusSchema = z.enum([
  'pending_initialized',
  'pending_queued',
  'active_ongoing',
  'active_exiting',
  'active_slashed',
  'exited_unslashed',
  'exited_slashed',
  'withdrawal_possible',
  'withdrawal_done',
]);

/** `ValidatorResponse`. */
export const beaconValidatorSchema = z.object({
  index: decimal,
  balance: decimal,
  status: validatorStatusSchema,
  validator: z.object({
    pubkey: hex(48),
    withdrawal_credentials: hex(32),
    effective_balance: decimal,
    slashed: z.boolean(),
    activation_eligibility_epoch: decimal,
    activation_epoch: decimal,
    exit_epoch: decimal,
    withdrawable_epoch: decimal,
  }),
});

/** A validator as the beacon node reports it. */
export type BeaconValidator = z.infer<typeof beaconValidatorSchema>;

const genesisSchema = wrapped(
  z.object({
    genesis_time: decimal,
    genesis_validators_root: hex(32),
    genesis_fork_version: hex(4),
  }),
);
const specSchema = wrapped(z.record(z.string(), z.unknown()));
const depositContractSchema = wrapped(z.object({ chain_id: decimal, address: hex(20) }));
const forkSchema = wrapped(
  z.object({ previous_version: hex(4), current_version: hex(4), epoch: decimal }),
);
const syncingSchema = wrapped(
  z.object({
    head_slot: decimal,
    sync_distance: decimal,
    is_syncing: z.boolean(),
    is_optimistic: z.boolean().optional(),
    el_offline: z.boolean().optional(),
  }),
);
const validatorsSchema = wrapped(z.array(beaconValidatorSchema));
const validatorSchema = wrapped(beaconValidatorSchema);
const balancesSchema = wrapped(z.array(z.object({ index: decimal, balance: decimal })));
const pendingDepositsSchema = wrapped(
  z.array(
    z.object({
      pubkey: hex(48),
      withdrawal_credentials: hex(32),
      amount: decimal,
      signature: hex(96),
      slot: decimal,
    }),
  ),
);
const anySchema = z.unknown();

/** A signed voluntary exit in the API shape (what `signVoluntaryExit` returns). */
export interface SignedVoluntaryExit {
  message: { epoch: string; validator_index: string };
  signature: string;
}

/** Ids per GET call: more gives 414 on common nodes. */
export const MAX_GET_IDS = 64;

/** Makes the client. */
export function makeBeaconClient(deps: BeaconClientDeps) {
  if (deps.baseUrls.length === 0) {
    throw new DvtError('ERR_CONFIG', 'At least one beacon node URL is needed.', {
      hint: 'Set BEACON_URLS, e.g. "http://127.0.0.1:5052".',
    });
  }
  const endpoints: UpstreamHttp[] = deps.baseUrls.map((baseUrl) =>
    makeUpstreamHttp({
      baseUrl,
      name: 'Beacon node',
      retries: deps.retries ?? 1,
      ...(deps.axios !== undefined ? { axios: deps.axios } : {}),
      ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
      ...(deps.backoffMs !== undefined ? { backoffMs: deps.backoffMs } : {}),
      ...(deps.sleep !== undefined ? { sleep: deps.sleep } : {}),
    }),
  );
  const postChunk = deps.postChunkSize ?? 1_000;

  /** Runs `fn` on each endpoint in turn until one answers; see the file comment. */
  async function withFallback<T>(what: string, fn: (http: UpstreamHttp) => Promise<T>): Promise<T> {
    const failures: DvtError[] = [];
    for (const http of endpoints) {
      try {
        return await fn(http);
      } catch (error) {
        if (
          error instanceof DvtError &&
          (error.code === 'ERR_UPSTREAM_UNAVAILABLE' || error.code === 'ERR_UPSTREAM_MALFORMED')
        ) {
          failures.push(error);
          continue;
        }
        throw error;
      }
    }
    const summary = failures.map((error, i) => `${endpoints[i]?.host ?? '?'}: ${error.message}`);
    const allMalformed = failures.every((error) => error.code === 'ERR_UPSTREAM_MALFORMED');
    throw new DvtError(
      allMalformed ? 'ERR_UPSTREAM_MALFORMED' : 'ERR_UPSTREAM_UNAVAILABLE',
      `All ${endpoints.length} beacon endpoint(s) failed for ${what}.`,
      {
        cause: new AggregateError(failures, summary.join(' | ')),
        details: {
          endpoints: endpoints.map((http) => http.host).join(','),
          failures: summary.join(' | ').slice(0, 2_000),
        },
        hint: 'Check the beacon nodes in BEACON_URLS; each failure is listed in details.failures.',
      },
    );
  }

  async function get<S extends z.ZodType>(
    path: string,
    endpoint: string,
    schema: S,
    params?: Record<string, string | readonly string[]>,
  ): Promise<z.infer<S> | null> {
    return withFallback(endpoint, async (http) => {
      const response = await http.request({
        path,
        endpoint,
        schema,
        passStatuses: [404],
        ...(params !== undefined ? { params } : {}),
      });
      return response.ok ? response.data : null;
    });
  }

  async function required<T>(value: Promise<T | null>, what: string): Promise<T> {
    const result = await value;
    if (result === null) {
      throw new DvtError(
        'ERR_UPSTREAM_UNAVAILABLE',
        `The beacon node does not know ${what} yet (404).`,
        {
          details: { endpoint: what },
          hint: 'Wait for the beacon node to reach genesis and sync.',
        },
      );
    }
    return result;
  }

  async function getValidators(
    ids: readonly string[],
    stateId = 'head',
  ): Promise<BeaconValidator[]> {
    checkIds(ids);
    const unique = [...new Set(ids)];
    const result: BeaconValidator[] = [];
    for (let i = 0; i < unique.length; i += postChunk) {
      const chunk = unique.slice(i, i + postChunk);
      const data = await withFallback('validators', async (http) => {
        const response = await http.request({
          method: 'POST',
          path: `/eth/v1/beacon/states/${encodeURIComponent(stateId)}/validators`,
          body: { ids: chunk },
          endpoint: 'validators',
          schema: validatorsSchema,
          passStatuses: [400, 404, 405, 415],
        });
        if (response.ok) return response.data.data;
        if (response.status === 404 && /state/i.test(messageOf(response.body))) {
          throw new DvtError('ERR_INVALID_INPUT', `Beacon state ${stateId} not found.`, {
            details: { stateId, host: http.host },
          });
        }
        // POST unsupported on this node: GET with at most 64 ids per call.
        const found: BeaconValidator[] = [];
        for (let j = 0; j < chunk.length; j += MAX_GET_IDS) {
          const got = await http.request({
            path: `/eth/v1/beacon/states/${encodeURIComponent(stateId)}/validators`,
            params: { id: chunk.slice(j, j + MAX_GET_IDS) },
            endpoint: 'validators',
            schema: validatorsSchema,
          });
          if (got.ok) found.push(...got.data.data);
        }
        return found;
      });
      result.push(...data);
    }
    return result;
  }

  return {
    hosts: endpoints.map((http) => http.host),

    /** `GET /eth/v1/beacon/genesis`; `ERR_UPSTREAM_UNAVAILABLE` before genesis (404). */
    async getGenesis() {
      const { data } = await required(
        get('/eth/v1/beacon/genesis', 'genesis', genesisSchema),
        'genesis',
      );
      return {
        genesisTime: data.genesis_time,
        genesisValidatorsRoot: data.genesis_validators_root.toLowerCase(),
        genesisForkVersion: data.genesis_fork_version.toLowerCase(),
      };
    },

    /** `GET /eth/v1/config/spec`: every constant, as the node sends it (strings). */
    async getSpec(): Promise<Record<string, string>> {
      const { data } = await required(get('/eth/v1/config/spec', 'spec', specSchema), 'spec');
      return Object.fromEntries(
        Object.entries(data).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      );
    },

    /** `GET /eth/v1/config/deposit_contract`. */
    async getDepositContract(): Promise<{ chainId: string; address: string }> {
      const { data } = await required(
        get('/eth/v1/config/deposit_contract', 'deposit_contract', depositContractSchema),
        'deposit_contract',
      );
      return { chainId: data.chain_id, address: data.address.toLowerCase() };
    },

    /** `GET /eth/v1/beacon/states/{state}/fork`. */
    async getFork(stateId = 'head') {
      const { data } = await required(
        get(`/eth/v1/beacon/states/${encodeURIComponent(stateId)}/fork`, 'fork', forkSchema),
        'fork',
      );
      return {
        previousVersion: data.previous_version,
        currentVersion: data.current_version,
        epoch: data.epoch,
      };
    },

    /** `GET /eth/v1/node/syncing`. */
    async getSyncing() {
      const { data } = await required(
        get('/eth/v1/node/syncing', 'syncing', syncingSchema),
        'syncing',
      );
      return {
        headSlot: data.head_slot,
        syncDistance: data.sync_distance,
        isSyncing: data.is_syncing,
        isOptimistic: data.is_optimistic ?? false,
        elOffline: data.el_offline ?? false,
      };
    },

    /** Validators by pubkey or index; unknown ids are omitted, order not guaranteed. */
    getValidators,

    /** One validator; null when the node does not know it (404 "Validator not found"). */
    async getValidator(id: string, stateId = 'head'): Promise<BeaconValidator | null> {
      checkIds([id]);
      const response = await get(
        `/eth/v1/beacon/states/${encodeURIComponent(stateId)}/validators/${encodeURIComponent(id)}`,
        'validator',
        validatorSchema,
      );
      return response?.data ?? null;
    },

    /** Balances (gwei strings) by id, GET with ≤ 64 ids per call. */
    async getValidatorBalances(ids: readonly string[], stateId = 'head') {
      checkIds(ids);
      const unique = [...new Set(ids)];
      const result: { index: string; balance: string }[] = [];
      for (let i = 0; i < unique.length; i += MAX_GET_IDS) {
        const response = await get(
          `/eth/v1/beacon/states/${encodeURIComponent(stateId)}/validator_balances`,
          'validator_balances',
          balancesSchema,
          { id: unique.slice(i, i + MAX_GET_IDS) },
        );
        result.push(...(response?.data ?? []));
      }
      return result;
    },

    /** `GET …/pending_deposits` (Electra); empty when the node has none or no such endpoint. */
    async getPendingDeposits(stateId = 'head') {
      const response = await get(
        `/eth/v1/beacon/states/${encodeURIComponent(stateId)}/pending_deposits`,
        'pending_deposits',
        pendingDepositsSchema,
      );
      return response?.data ?? [];
    },

    /**
     * `POST /eth/v1/beacon/pool/voluntary_exits`. Resubmitting an accepted exit is harmless. A
     * 400 is final: `ERR_VOLUNTARY_EXIT_REJECTED` carrying the node's message.
     */
    async submitVoluntaryExit(exit: SignedVoluntaryExit): Promise<void> {
      await withFallback('voluntary_exits', async (http) => {
        const response = await http.request({
          method: 'POST',
          path: '/eth/v1/beacon/pool/voluntary_exits',
          body: exit,
          endpoint: 'voluntary_exits',
          schema: anySchema,
          emptyBodyOk: true,
          passStatuses: [400],
        });
        if (!response.ok) {
          const message = messageOf(response.body) || 'no message';
          throw new DvtError(
            'ERR_VOLUNTARY_EXIT_REJECTED',
            `Beacon node ${http.host} rejected the voluntary exit of validator ${exit.message.validator_index}: ${message}.`,
            {
              details: {
                validatorIndex: exit.message.validator_index,
                epoch: exit.message.epoch,
                host: http.host,
                nodeMessage: message,
              },
              hint: 'Check the exit epoch, the validator status and the signing domain (EIP-7044).',
            },
          );
        }
      });
    },
  };
}

/** The beacon client. */
export type BeaconClient = ReturnType<typeof makeBeaconClient>;

function checkIds(ids: readonly string[]): void {
  for (const id of ids) {
    if (!/^(0|[1-9][0-9]*)$/.test(id) && !/^0x[0-9a-fA-F]{96}$/.test(id)) {
      throw new DvtError('ERR_INVALID_INPUT', 'A validator id is neither an index nor a pubkey.', {
        details: { id: String(id).slice(0, 100) },
      });
    }
  }
}

function messageOf(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message.slice(0, 500) : '';
}
