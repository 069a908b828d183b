/**
 * The composition root: configuration → clients → metrics → activities → Worker, plus the
 * Schedule and the long-running singleton workflows (started idempotently at every start, by
 * workflow identity), and the metrics/health endpoint (worker/telemetry.ts) while the worker runs.
 * `startRouter` is what `dvt-router worker`, the devnet and the end-to-end tests run (through
 * `runWorkerProcess` in worker/main.ts, which installs the Temporal Runtime first).
 */
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { parseEther } from 'ethers';
import { DEPOSIT_CONTRACT_ABI } from '../activities/abi/deposit-contract.js';
import { SSV_NETWORK_ABI, SSV_TRANSIENT_REVERTS } from '../activities/abi/ssv-network.js';
import { STAFI_ABIS } from '../activities/abi/stafi.js';
import { createChainActivities } from '../activities/chain/index.js';
import { makeRevertDecoder } from '../activities/chain/revert.js';
import { createSubmitActivities, makeSignerSubmit } from '../activities/chain/submit.js';
import { makeTxEngine } from '../activities/chain/tx-engine.js';
import { createKeysActivities } from '../activities/keys/index.js';
import { createLifecycleActivities } from '../activities/router/lifecycle-activities.js';
import { createMonitorActivities } from '../activities/router/monitor-activities.js';
import { makeOwnerIndex } from '../activities/ssv/cluster-index-sync.js';
import { makeFileIndexSnapshotStore } from '../activities/ssv/index-snapshot-store.js';
import { dataConverterFor, loadKeyring } from '../client/codec.js';
import { ensureRouterSchedules } from '../client/temporal-setup.js';
import { DEFAULT_GAS_POLICY } from '../domain/tx/fee-policy.js';
import { searchAttributes, workflowIds } from '../workflows/definitions.js';
import { makeClients, type Clients } from './clients.js';
import type { WorkerConfig } from './config.js';
import { makeLogger, type AppLogger } from './logging.js';
import { routerSettings, type RouterSettings } from './settings.js';
import {
  fetchMetricsText,
  makeMetrics,
  makeStateCollector,
  startTelemetryServer,
  type Metrics,
  type Readiness,
  type TelemetryServer,
} from './telemetry.js';

export interface Router {
  client: Client;
  worker: Worker;
  clients: Clients;
  settings: RouterSettings;
  /** The worker's metrics; null when `DVT_METRICS_PORT` is 0. */
  metrics: Metrics | null;
  /** The `/metrics`, `/healthz`, `/readyz` endpoint; null when `DVT_METRICS_PORT` is 0. */
  telemetry: TelemetryServer | null;
  /** Resolves when the worker stopped (after `shutdown()`), rejects if it crashed. */
  run: Promise<void>;
  /**
   * Stops polling, lets in-flight activities finish within the grace time, then closes the
   * telemetry endpoint and the connections. Safe to call more than once.
   */
  shutdown(): Promise<void>;
}

/** Options of {@link startRouter}. */
export interface StartRouterOptions {
  /** The process's JSON logger; one at `DVT_LOG_LEVEL` when omitted. */
  logger?: AppLogger;
  /** The Temporal runtime's Prometheus endpoint (`installTemporalRuntime`), appended to `/metrics`. */
  sdkMetricsUrl?: string | null;
}

const LIFECYCLE_TYPE = 'validatorLifecycle';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export function createActivities(
  clients: Clients,
  config: WorkerConfig,
  settings: RouterSettings,
  metrics: Metrics | null = null,
  logger: AppLogger | null = null,
) {
  const owner = clients.signer.address;
  const pool = config.DVT_POOL_STORAGE;
  const taskQueue = config.DVT_TASK_QUEUE;
  const engine = makeTxEngine({
    provider: clients.provider,
    chainId: clients.chainId,
    signers: new Map([[owner.toLowerCase(), clients.signer]]),
    decodeRevert: makeRevertDecoder([SSV_NETWORK_ABI, DEPOSIT_CONTRACT_ABI, ...STAFI_ABIS]),
    policy: {
      ...DEFAULT_GAS_POLICY,
      maxFeeCapWei: BigInt(settings.signer.maxFeeCapWei),
      ...(settings.signer.maxFeePastDeadlineWei === undefined
        ? {}
        : { deadlineFeeCapWei: BigInt(settings.signer.maxFeePastDeadlineWei) }),
    },
    transientReverts: SSV_TRANSIENT_REVERTS,
    metrics,
    stuckAfterMs: settings.signer.stuckAfterMs,
  });
  const keys = createKeysActivities({
    keySource: clients.keySource,
    network: clients.network,
    config: { ssvOwnerAddress: owner },
  });
  const submitDeps = { chainId: clients.chainId, settings: settings.signer, taskQueue };
  const submit = makeSignerSubmit(submitDeps);
  // One owner index per worker, shared: each separate cache would rescan from the deploy block.
  // Its snapshot (when a directory is set) trails the head by the signer's confirmations.
  const ownerIndex = makeOwnerIndex(clients.clusterIndex, {
    chainId: clients.chainId,
    store:
      config.DVT_SSV_INDEX_DIR === undefined
        ? null
        : makeFileIndexSnapshotStore({ dir: config.DVT_SSV_INDEX_DIR }),
    confirmations: config.DVT_CONFIRMATIONS,
    logger: logger?.child({ component: 'ssv-index' }) ?? null,
  });
  const feeCapWei = config.DVT_OPERATOR_FEE_CAP_WEI;
  return {
    ...createChainActivities({ engine, dryRun: config.DVT_DRY_RUN }),
    ...createSubmitActivities(submitDeps),
    ...createLifecycleActivities({
      pool: clients.pool,
      ssv: clients.ssvNetwork,
      indexSync: clients.clusterIndex,
      ownerIndex,
      ssvApi: clients.ssvApi,
      beacon: clients.beacon,
      keys,
      submit,
      settings: {
        pool,
        ownerAddress: owner,
        superNodeAccount: owner,
        clusterSize: config.DVT_CLUSTER_SIZE as 4 | 7 | 10 | 13,
        operatorPolicy: { feeCapWei },
        targetRunwayDays: config.DVT_TARGET_RUNWAY_DAYS,
        depositAmountGwei: config.DVT_DEPOSIT_AMOUNT_GWEI,
        stakeAmountGwei: config.DVT_STAKE_AMOUNT_GWEI,
        taskQueue,
        batcher: settings.batcher,
        clusterKeeper: settings.clusterKeeper,
        dryRun: config.DVT_DRY_RUN,
      },
    }),
    ...createMonitorActivities({
      pool: { address: pool, adapter: clients.pool },
      keys,
      ssv: {
        network: clients.ssvNetwork,
        indexSync: clients.clusterIndex,
        ownerIndex,
        api: clients.ssvApi,
      },
      beacon: clients.beacon,
      chain: clients.provider,
      submitTransaction: submit,
      taskQueue,
      metrics,
      operatorMinPerformance24h: settings.operatorWatch.minPerformance24h,
      ssvPath: {
        clusterSize: config.DVT_CLUSTER_SIZE as 4 | 7 | 10 | 13,
        feeCapWei,
        minOwnerBalanceWei: parseEther(config.DVT_MIN_OWNER_BALANCE_ETH).toString(),
      },
    }),
  };
}

async function ensureRunning(start: () => Promise<WorkflowHandle>): Promise<void> {
  try {
    await start();
  } catch (error) {
    if ((error as { name?: string }).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
  }
}

export async function startRouter(
  config: WorkerConfig,
  options: StartRouterOptions = {},
): Promise<Router> {
  const logger = options.logger ?? makeLogger({ level: config.DVT_LOG_LEVEL });
  const clients = await makeClients(config, { logger });
  const settings = routerSettings(config);
  const metrics = config.DVT_METRICS_PORT === 0 ? null : makeMetrics({ processMetrics: true });
  const owner = clients.signer.address;
  const pool = config.DVT_POOL_STORAGE;
  const taskQueue = config.DVT_TASK_QUEUE;
  const namespace = config.DVT_TEMPORAL_NAMESPACE;

  const connection = await NativeConnection.connect({ address: config.DVT_TEMPORAL_ADDRESS });
  const clientConnection = await Connection.connect({ address: config.DVT_TEMPORAL_ADDRESS });
  // Payloads (and failure messages) encrypted at rest when a codec keyring is configured.
  const dataConverter = dataConverterFor(
    config.DVT_CODEC_KEYRING_FILE ? loadKeyring({ file: config.DVT_CODEC_KEYRING_FILE }) : null,
  );
  const client = new Client({ connection: clientConnection, namespace, dataConverter });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    dataConverter,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities(clients, config, settings, metrics, logger),
    // A rolling deploy lets in-flight activities (a broadcast awaiting its receipt) finish.
    shutdownGraceTime: '30 seconds',
  });

  await ensureRouterSchedules(client, config, owner);
  const singleton = { taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' as const };
  await ensureRunning(() =>
    client.workflow.start('operatorWatch', {
      ...singleton,
      workflowId: workflowIds.operatorWatch(owner),
      args: [{ owner, settings: settings.operatorWatch }],
    }),
  );
  await ensureRunning(() =>
    client.workflow.start('ejector', {
      ...singleton,
      workflowId: workflowIds.ejector(pool),
      args: [{ pool, settings: settings.ejector }],
    }),
  );
  await ensureRunning(() =>
    client.workflow.start('feeRecipient', {
      ...singleton,
      workflowId: workflowIds.feeRecipient(owner),
      args: [{ pool, owner, settings: settings.feeRecipient }],
    }),
  );

  const run = worker.run();
  let telemetry: TelemetryServer | null = null;
  if (metrics) {
    try {
      telemetry = await startTelemetry({
        config,
        metrics,
        client,
        worker,
        clients,
        logger,
        options,
      });
    } catch (error) {
      await stop();
      throw error;
    }
  }

  let stopping: Promise<void> | null = null;
  async function stop(): Promise<void> {
    // The runtime or a second signal may have begun the shutdown already.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await run.catch(() => undefined);
    await telemetry?.close();
    await clientConnection.close();
    await connection.close();
    clients.provider.destroy();
  }
  return {
    client,
    worker,
    clients,
    settings,
    metrics,
    telemetry,
    run,
    shutdown() {
      stopping ??= stop();
      return stopping;
    },
  };
}

/**
 * Serves `/metrics` (ours: state gauges refreshed on a scrape, at most every 15 s; then the
 * Temporal runtime's), `/healthz` and `/readyz` (worker RUNNING and the Temporal frontend
 * answering within 2 s) on `DVT_METRICS_HOST:DVT_METRICS_PORT`.
 */
async function startTelemetry(deps: {
  config: WorkerConfig;
  metrics: Metrics;
  client: Client;
  worker: Worker;
  clients: Clients;
  logger: AppLogger;
  options: StartRouterOptions;
}): Promise<TelemetryServer> {
  const { config, metrics, client, worker, clients, logger } = deps;
  const collector = makeStateCollector({
    metrics,
    logger,
    async countLifecycles(stage) {
      const query =
        `WorkflowType = '${LIFECYCLE_TYPE}' AND ${searchAttributes.stage.name} = '${stage}' ` +
        `AND ExecutionStatus = 'Running'`;
      return (await client.workflow.count(query)).count;
    },
    async readPoolUsableWei() {
      return BigInt((await clients.pool.getBalance()).usableWei);
    },
    async readSignerBalances() {
      const account = clients.signer.address;
      return [{ account, wei: await clients.provider.getBalance(account) }];
    },
  });
  const sdkMetricsUrl = deps.options.sdkMetricsUrl ?? null;
  return startTelemetryServer({
    host: config.DVT_METRICS_HOST,
    port: config.DVT_METRICS_PORT,
    metrics,
    logger,
    beforeScrape: () => collector.refresh(),
    sdkMetrics: sdkMetricsUrl ? () => fetchMetricsText(sdkMetricsUrl) : null,
    async readiness(): Promise<Readiness> {
      const state = worker.getState();
      if (state !== 'RUNNING') return { ready: false, reason: `worker is ${state}` };
      try {
        await client.connection.withDeadline(Date.now() + 2_000, () =>
          client.workflowService.getSystemInfo({}),
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { ready: false, reason: `Temporal unreachable: ${message.slice(0, 200)}` };
      }
      return { ready: true };
    },
  });
}
