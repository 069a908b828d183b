/**
 * The devnet's simulated beacon node (DESIGN.md §7, specs/beacon-and-keys.md §12): a Fastify
 * server on 127.0.0.1 serving the Beacon API subset the router reads, driven by the devnet chain's
 * deposit, EIP-7002 and SSV logs, with an admin API to move the clock, report syncing and inject
 * faults. State is in memory; a restart starts from genesis and re-reads the chain.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';

import { devnetProvider } from '../chain.js';
import { freePort } from '../ports.js';
import { BeaconApiError, registerBeaconApi, type SignedVoluntaryExitJson } from './beacon-api.js';
import { makeBeaconState, type DroppedDeposit, type IgnoredExitRequest } from './beacon-state.js';
import { makeFaultInjector, type FaultRule } from './fault-injector.js';
import { makeLogIngester, type IngestResult } from './ingest-logs.js';
import {
  resolveBeaconSimParams,
  type BeaconSimParams,
  type BeaconSimParamsInput,
} from './params.js';
import { makeSimClock } from './sim-clock.js';

/** Options of {@link startBeaconSim}; every timing option has a devnet default (see params.ts). */
export type BeaconSimOptions = Omit<BeaconSimParamsInput, 'genesisTime'> & {
  /** JSON-RPC URL of the devnet chain. */
  rpcUrl: string;
  /** SSVNetwork address; when set, `ValidatorExited` starts exits. */
  ssvNetwork?: string | undefined;
  /** Port on 127.0.0.1; default a free one. */
  port?: number | undefined;
  /** Genesis time in Unix seconds; default the clock's now at start. */
  genesisTime?: number | undefined;
  /** Clock in milliseconds since the Unix epoch; default `Date.now`. */
  now?: (() => number) | undefined;
  /** First block to ingest; default 0. */
  fromBlock?: number | undefined;
  /** Blocks to stay behind the head, as a beacon node follows the execution chain (a reorg shallower than this is never seen); default 0. */
  followBlocks?: number | undefined;
  /** Milliseconds between ingestion passes; 0 disables polling (call `admin.ingestNow()`). Default 500. */
  pollMs?: number | undefined;
  /** Add swept balances to the withdrawal address with `hardhat_setBalance`; default true. */
  payWithdrawals?: boolean | undefined;
};

/** The admin report: ingestion progress, dropped deposits and ignored exit requests. */
export interface BeaconSimReport {
  /** Next block ingestion reads. */
  cursor: number;
  headSlot: string;
  currentEpoch: string;
  isSyncing: boolean;
  validatorCount: number;
  pendingDeposits: number;
  droppedDeposits: Array<
    Omit<DroppedDeposit, 'amountGwei' | 'depositIndex' | 'epoch'> & {
      amountGwei: string;
      depositIndex: string;
      epoch: string;
    }
  >;
  ignoredExitRequests: IgnoredExitRequest[];
  activeFaults: FaultRule[];
  lastIngestError: string | null;
}

/** The admin operations (also served under `/admin/`). */
export interface BeaconSimAdmin {
  /** Moves the clock to the start of the epoch `epochs` ahead. */
  advanceEpochs(epochs: number): void;
  /** Moves the clock `slots` slots ahead. */
  advanceSlots(slots: number): void;
  /** Reports `is_syncing` (and health 206) while on. */
  setSyncing(syncing: boolean): void;
  /** Arms a fault rule for the next `count` API requests under `pathPrefix`. */
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Reads new chain logs now (after any pass in flight). */
  ingestNow(): Promise<IngestResult>;
  report(): BeaconSimReport;
  currentEpoch(): bigint;
  currentSlot(): bigint;
}

/** A running simulator. */
export interface BeaconSim {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  params: BeaconSimParams;
  admin: BeaconSimAdmin;
  /** Stops polling and the server; safe to call twice. */
  stop(): Promise<void>;
}

const faultSchema = z.object({
  pathPrefix: z.string().startsWith('/'),
  count: z.number().int().positive(),
  status: z.number().int().min(400).max(599).optional(),
  stallMs: z.number().int().min(0).max(600_000).optional(),
});

/**
 * Starts the simulator. Rejects when the options are invalid or the port is taken. Ingestion
 * errors (chain unreachable) do not stop the server; they show in `report().lastIngestError`.
 */
export async function startBeaconSim(options: BeaconSimOptions): Promise<BeaconSim> {
  const now = options.now ?? Date.now;
  const params = resolveBeaconSimParams({
    ...options,
    genesisTime: options.genesisTime ?? Math.floor(now() / 1000),
  });
  const clock = makeSimClock({ ...params, now });
  const state = makeBeaconState(params);
  const faults = makeFaultInjector();
  const provider = devnetProvider(options.rpcUrl, params.chainId);
  const ingester = makeLogIngester({
    provider,
    state,
    clock,
    depositContract: params.depositContract,
    eip7002Address: params.eip7002Address,
    ...(options.ssvNetwork === undefined ? {} : { ssvNetwork: options.ssvNetwork }),
    fromBlock: options.fromBlock ?? 0,
    followBlocks: options.followBlocks ?? 0,
    payWithdrawals: options.payWithdrawals ?? true,
  });
  const exitPool: SignedVoluntaryExitJson[] = [];
  let syncing = false;
  const stalls = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  const admin: BeaconSimAdmin = {
    advanceEpochs: (epochs) => clock.advanceEpochs(epochs),
    advanceSlots: (slots) => clock.advanceSlots(slots),
    setSyncing: (value) => {
      syncing = value;
    },
    injectFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    ingestNow: () => ingester.ingest(),
    currentEpoch: () => clock.currentEpoch(),
    currentSlot: () => clock.currentSlot(),
    report: () => {
      state.processTo(clock.currentEpoch());
      return {
        cursor: ingester.cursor(),
        headSlot: clock.currentSlot().toString(),
        currentEpoch: clock.currentEpoch().toString(),
        isSyncing: syncing,
        validatorCount: state.validatorsAt(clock.currentEpoch()).length,
        pendingDeposits: state.pendingDeposits().length,
        droppedDeposits: state.droppedDeposits().map((d) => ({
          ...d,
          amountGwei: d.amountGwei.toString(),
          depositIndex: d.depositIndex.toString(),
          epoch: d.epoch.toString(),
        })),
        ignoredExitRequests: [...state.ignoredExitRequests()],
        activeFaults: [...faults.active()],
        lastIngestError: ingester.lastError(),
      };
    },
  };

  const app = Fastify({ logger: false });
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/admin/')) return;
    const verdict = faults.take(path);
    if (verdict === null) return;
    if (verdict.stallMs !== undefined && verdict.stallMs > 0) {
      await new Promise<void>((resolve) => {
        const entry = {
          timer: setTimeout(() => {
            stalls.delete(entry);
            resolve();
          }, verdict.stallMs),
          resolve,
        };
        stalls.add(entry);
      });
    }
    if (verdict.status !== undefined) {
      await reply.code(verdict.status).send({ code: verdict.status, message: 'Injected fault' });
    }
  });
  app.setErrorHandler(async (error, _request, reply) => {
    const status =
      error instanceof BeaconApiError
        ? error.statusCode
        : typeof (error as { statusCode?: unknown }).statusCode === 'number'
          ? (error as { statusCode: number }).statusCode
          : 500;
    const message = error instanceof Error ? error.message : String(error);
    await reply.code(status).send({ code: status, message });
  });
  app.setNotFoundHandler(async (request, reply) => {
    await reply
      .code(404)
      .send({ code: 404, message: `Route ${request.method} ${request.url} not found` });
  });
  registerBeaconApi(app, { params, clock, state, exitPool, isSyncing: () => syncing });
  registerAdminApi(app, admin);

  const port = options.port ?? (await freePort());
  await app.listen({ host: '127.0.0.1', port });

  const pollMs = options.pollMs ?? 500;
  let stopped = false;
  let pollTimer: NodeJS.Timeout | undefined;
  const poll = (): void => {
    pollTimer = setTimeout(() => {
      ingester
        .ingest()
        .then(
          () => undefined,
          () => undefined, // recorded as lastIngestError
        )
        .finally(() => {
          if (!stopped) poll();
        });
    }, pollMs);
  };
  if (pollMs > 0) poll();

  return {
    url: `http://127.0.0.1:${port}`,
    params,
    admin,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(pollTimer);
      for (const stall of stalls) {
        clearTimeout(stall.timer);
        stall.resolve();
      }
      stalls.clear();
      await app.close();
      provider.destroy();
    },
  };
}

function registerAdminApi(app: FastifyInstance, admin: BeaconSimAdmin): void {
  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new BeaconApiError(400, z.prettifyError(parsed.error));
    return parsed.data;
  };
  const clockJson = () => ({
    head_slot: admin.currentSlot().toString(),
    current_epoch: admin.currentEpoch().toString(),
  });
  app.post('/admin/advance-epochs', (request) => {
    admin.advanceEpochs(parse(z.object({ epochs: z.number().int().min(0) }), request.body).epochs);
    return { data: clockJson() };
  });
  app.post('/admin/advance-slots', (request) => {
    admin.advanceSlots(parse(z.object({ slots: z.number().int().min(0) }), request.body).slots);
    return { data: clockJson() };
  });
  app.post('/admin/syncing', (request) => {
    admin.setSyncing(parse(z.object({ syncing: z.boolean() }), request.body).syncing);
    return { data: { is_syncing: admin.report().isSyncing } };
  });
  app.post('/admin/faults', (request) => {
    const rule = parse(faultSchema, request.body);
    admin.injectFault({
      pathPrefix: rule.pathPrefix,
      count: rule.count,
      ...(rule.status === undefined ? {} : { status: rule.status }),
      ...(rule.stallMs === undefined ? {} : { stallMs: rule.stallMs }),
    });
    return { data: admin.report().activeFaults };
  });
  app.delete('/admin/faults', () => {
    admin.clearFaults();
    return { data: [] };
  });
  app.post('/admin/ingest', async () => ({ data: await admin.ingestNow() }));
  app.get('/admin/report', () => ({ data: admin.report() }));
}
