/**
 * The standard Beacon API subset the router reads (specs/beacon-and-keys.md §11): decimal-string
 * integers, 0x-hex bytes and `{ code, message }` errors.
 */
import { createHash } from 'node:crypto';

import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';

import type { BeaconState, ValidatorView } from './beacon-state.js';
import { DEVNET_FORK_VERSIONS, configSpec, type BeaconSimParams } from './params.js';
import type { SimClock } from './sim-clock.js';
import { parseStatusFilter, statusMatches } from './validator-status.js';

/** GET id lists longer than this answer 414, as beacon nodes do. */
export const MAX_GET_VALIDATOR_IDS = 64;

/** A `SignedVoluntaryExit` in API JSON. */
export interface SignedVoluntaryExitJson {
  message: { epoch: string; validator_index: string };
  signature: string;
}

/** What the routes read and the switches the admin API flips. */
export interface BeaconApiContext {
  params: BeaconSimParams;
  clock: SimClock;
  state: BeaconState;
  isSyncing: () => boolean;
  exitPool: SignedVoluntaryExitJson[];
}

/** An API error with its HTTP status, rendered as `{ code, message }`. */
export class BeaconApiError extends Error {
  override readonly name = 'BeaconApiError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const tagRoot = (tag: string, slot: bigint): string =>
  `0x${createHash('sha256').update(`${tag}:${slot}`).digest('hex')}`;

/** The simulated state root of `slot` (deterministic; there is no real state tree). */
export const stateRootOf = (slot: bigint): string => tagRoot('state', slot);

/** JSON of a validator (`ValidatorResponse`). */
export function validatorJson(v: ValidatorView): Record<string, unknown> {
  return {
    index: String(v.index),
    balance: v.balanceGwei.toString(),
    status: v.status,
    validator: {
      pubkey: v.pubkey,
      withdrawal_credentials: v.withdrawalCredentials,
      effective_balance: v.effectiveBalanceGwei.toString(),
      slashed: v.slashed,
      activation_eligibility_epoch: v.activationEligibilityEpoch.toString(),
      activation_epoch: v.activationEpoch.toString(),
      exit_epoch: v.exitEpoch.toString(),
      withdrawable_epoch: v.withdrawableEpoch.toString(),
    },
  };
}

const decimal = z.string().regex(/^[0-9]{1,20}$/, 'must be a decimal string');
const signedExitSchema = z.object({
  message: z.object({ epoch: decimal, validator_index: decimal }),
  signature: z.string().regex(/^0x[0-9a-fA-F]{192}$/, 'must be 96 bytes of 0x-hex'),
});
const idListSchema = z.array(z.string()).nullish();
const validatorsBodySchema = z.object({ ids: idListSchema, statuses: idListSchema }).nullish();

/** Splits repeated and comma-separated query values (`id=a,b&id=c`). */
function queryList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const values = Array.isArray(value) ? value : [value];
  return values
    .flatMap((entry) => String(entry).split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function checkIds(ids: readonly string[]): void {
  for (const id of ids) {
    if (!/^0x[0-9a-fA-F]{96}$/.test(id) && !/^[0-9]{1,20}$/.test(id)) {
      throw new BeaconApiError(400, `Invalid validator ID: ${id}`);
    }
  }
}

/** Registers the Beacon API routes on `app`. */
export function registerBeaconApi(app: FastifyInstance, ctx: BeaconApiContext): void {
  const { params, clock, state } = ctx;

  /** Resolves `state_id` to the epoch whose view is served; head, finalized and justified coincide. */
  const stateEpoch = (stateId: string): bigint => {
    const head = clock.currentSlot();
    let slot: bigint;
    if (stateId === 'head' || stateId === 'finalized' || stateId === 'justified') slot = head;
    else if (stateId === 'genesis') slot = 0n;
    else if (/^[0-9]{1,20}$/.test(stateId)) slot = BigInt(stateId);
    else if (/^0x[0-9a-fA-F]{64}$/.test(stateId)) {
      if (stateId.toLowerCase() !== stateRootOf(head))
        throw new BeaconApiError(404, 'State not found');
      slot = head;
    } else throw new BeaconApiError(400, `Invalid state ID: ${stateId}`);
    if (slot > head) throw new BeaconApiError(404, 'State not found');
    state.processTo(clock.currentEpoch());
    return clock.epochOf(slot);
  };

  const envelope = (data: unknown): Record<string, unknown> => ({
    execution_optimistic: false,
    finalized: true,
    data,
  });

  const listValidators = (epoch: bigint, ids: readonly string[], statuses: readonly string[]) => {
    checkIds(ids);
    const filter = parseStatusFilter(statuses);
    if (filter.invalid.length > 0) {
      throw new BeaconApiError(400, `Invalid validator status: ${filter.invalid.join(',')}`);
    }
    const selected =
      ids.length === 0
        ? state.validatorsAt(epoch)
        : [
            ...new Map(
              ids.flatMap((id) => {
                const v = state.validatorAt(id, epoch);
                return v === undefined ? [] : [[v.index, v] as const];
              }),
            ).values(),
          ];
    return selected.filter(
      (v) =>
        filter.valid.length === 0 || filter.valid.some((term) => statusMatches(v.status, term)),
    );
  };

  app.get('/eth/v1/beacon/genesis', () => ({
    data: {
      genesis_time: String(params.genesisTime),
      genesis_validators_root: params.genesisValidatorsRoot,
      genesis_fork_version: params.genesisForkVersion,
    },
  }));

  app.get('/eth/v1/config/spec', () => ({ data: configSpec(params) }));

  app.get('/eth/v1/config/deposit_contract', () => ({
    data: { chain_id: String(params.chainId), address: params.depositContract },
  }));

  app.get('/eth/v1/node/syncing', () => ({
    data: {
      head_slot: clock.currentSlot().toString(),
      sync_distance: ctx.isSyncing() ? String(2 * params.slotsPerEpoch) : '0',
      is_syncing: ctx.isSyncing(),
      is_optimistic: false,
      el_offline: false,
    },
  }));

  app.get('/eth/v1/node/health', async (_request, reply) => {
    await reply.code(ctx.isSyncing() ? 206 : 200).send();
  });

  app.get('/eth/v1/beacon/headers/head', () => {
    const slot = clock.currentSlot();
    return {
      execution_optimistic: false,
      finalized: true,
      data: {
        root: tagRoot('block', slot),
        canonical: true,
        header: {
          message: {
            slot: slot.toString(),
            proposer_index: '0',
            parent_root: slot === 0n ? `0x${'00'.repeat(32)}` : tagRoot('block', slot - 1n),
            state_root: stateRootOf(slot),
            body_root: tagRoot('body', slot),
          },
          signature: `0x${'00'.repeat(96)}`,
        },
      },
    };
  });

  app.get<{ Params: { state_id: string } }>('/eth/v1/beacon/states/:state_id/fork', (request) => {
    stateEpoch(request.params.state_id);
    return envelope({
      previous_version: DEVNET_FORK_VERSIONS.deneb,
      current_version: params.electraForkVersion,
      epoch: '0',
    });
  });

  app.get<{ Params: { state_id: string; validator_id: string } }>(
    '/eth/v1/beacon/states/:state_id/validators/:validator_id',
    (request) => {
      const epoch = stateEpoch(request.params.state_id);
      checkIds([request.params.validator_id]);
      const v = state.validatorAt(request.params.validator_id, epoch);
      if (v === undefined) throw new BeaconApiError(404, 'Validator not found');
      return envelope(validatorJson(v));
    },
  );

  app.get<{ Params: { state_id: string }; Querystring: Record<string, unknown> }>(
    '/eth/v1/beacon/states/:state_id/validators',
    (request) => {
      const ids = queryList(request.query.id);
      if (ids.length > MAX_GET_VALIDATOR_IDS) {
        throw new BeaconApiError(
          414,
          `Too many validator IDs: at most ${MAX_GET_VALIDATOR_IDS} on GET; use POST`,
        );
      }
      const epoch = stateEpoch(request.params.state_id);
      return envelope(
        listValidators(epoch, ids, queryList(request.query.status)).map(validatorJson),
      );
    },
  );

  app.post<{ Params: { state_id: string } }>(
    '/eth/v1/beacon/states/:state_id/validators',
    (request) => {
      const body = validatorsBodySchema.safeParse(request.body);
      if (!body.success)
        throw new BeaconApiError(400, `Invalid request body: ${z.prettifyError(body.error)}`);
      const epoch = stateEpoch(request.params.state_id);
      return envelope(
        listValidators(epoch, body.data?.ids ?? [], body.data?.statuses ?? []).map(validatorJson),
      );
    },
  );

  const balances = (epoch: bigint, ids: readonly string[]) =>
    listValidators(epoch, ids, []).map((v) => ({
      index: String(v.index),
      balance: v.balanceGwei.toString(),
    }));

  app.get<{ Params: { state_id: string }; Querystring: Record<string, unknown> }>(
    '/eth/v1/beacon/states/:state_id/validator_balances',
    (request) => {
      const ids = queryList(request.query.id);
      if (ids.length > MAX_GET_VALIDATOR_IDS) {
        throw new BeaconApiError(
          414,
          `Too many validator IDs: at most ${MAX_GET_VALIDATOR_IDS} on GET; use POST`,
        );
      }
      return envelope(balances(stateEpoch(request.params.state_id), ids));
    },
  );

  app.post<{ Params: { state_id: string } }>(
    '/eth/v1/beacon/states/:state_id/validator_balances',
    (request) => {
      const ids = z.array(z.string()).nullish().safeParse(request.body);
      if (!ids.success)
        throw new BeaconApiError(400, 'Invalid request body: expected an array of validator IDs');
      return envelope(balances(stateEpoch(request.params.state_id), ids.data ?? []));
    },
  );

  app.get<{ Params: { state_id: string } }>(
    '/eth/v1/beacon/states/:state_id/pending_deposits',
    (request) => {
      stateEpoch(request.params.state_id);
      return {
        version: 'electra',
        ...envelope(
          state.pendingDeposits().map((d) => ({
            pubkey: d.pubkey,
            withdrawal_credentials: d.withdrawalCredentials,
            amount: d.amountGwei.toString(),
            signature: d.signature,
            slot: d.slot.toString(),
          })),
        ),
      };
    },
  );

  app.post('/eth/v1/beacon/pool/voluntary_exits', async (request, reply: FastifyReply) => {
    const parsed = signedExitSchema.safeParse(request.body);
    if (!parsed.success) {
      throw new BeaconApiError(400, `Invalid voluntary exit: ${z.prettifyError(parsed.error)}`);
    }
    const epoch = clock.currentEpoch();
    state.processTo(epoch);
    const { message, signature } = parsed.data;
    const rejection = state.submitVoluntaryExit(
      { epoch: BigInt(message.epoch), validatorIndex: BigInt(message.validator_index) },
      signature,
      epoch,
    );
    if (rejection !== null) throw new BeaconApiError(400, `Invalid voluntary exit: ${rejection}`);
    ctx.exitPool.push({ message: { ...message }, signature: signature.toLowerCase() });
    await reply.code(200).send();
  });

  app.get('/eth/v1/beacon/pool/voluntary_exits', () => ({ data: ctx.exitPool }));
}
