/**
 * The composition root: configuration → clients → activities → Worker, plus the Schedule and the
 * long-running singleton workflows (started idempotently at every start, by workflow identity).
 * `startRouter` is what `dvt-router worker`, the devnet and the end-to-end tests run.
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
import { ensurePoolMonitorSchedule } from '../client/schedules.js';
import { DEFAULT_GAS_POLICY } from '../domain/tx/fee-policy.js';
import { workflowIds } from '../workflows/definitions.js';
import { makeClients, type Clients } from './clients.js';
import type { WorkerConfig } from './config.js';
import { routerSettings, type RouterSettings } from './settings.js';

export interface Router {
  client: Client;
  worker: Worker;
  clients: Clients;
  settings: RouterSettings;
  /** Resolves when the worker stopped (after `shutdown()`), rejects if it crashed. */
  run: Promise<void>;
  /** Stops polling, lets in-flight activities finish within the grace time, closes connections. */
  shutdown(): Promise<void>;
}

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export function createActivities(clients: Clients, config: WorkerConfig, settings: RouterSettings) {
  const owner = clients.signer.address;
  const pool = config.DVT_POOL_STORAGE;
  const taskQueue = config.DVT_TASK_QUEUE;
  const engine = makeTxEngine({
    provider: clients.provider,
    chainId: clients.chainId,
    signers: new Map([[owner.toLowerCase(), clients.signer]]),
    decodeRevert: makeRevertDecoder([SSV_NETWORK_ABI, DEPOSIT_CONTRACT_ABI, ...STAFI_ABIS]),
    policy: { ...DEFAULT_GAS_POLICY, maxFeeCapWei: BigInt(settings.signer.maxFeeCapWei) },
    transientReverts: SSV_TRANSIENT_REVERTS,
  });
  const keys = createKeysActivities({
    keySource: clients.keySource,
    network: clients.network,
    config: { ssvOwnerAddress: owner },
  });
  const submitDeps = { chainId: clients.chainId, settings: settings.signer, taskQueue };
  const submit = makeSignerSubmit(submitDeps);
  // One owner index per worker, shared: each separate cache would rescan from the deploy block.
  const ownerIndex = makeOwnerIndex(clients.clusterIndex);
  const feeCapWei = config.DVT_OPERATOR_FEE_CAP_WEI;
  return {
    ...createChainActivities({ engine }),
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
        depositAmountGwei: '1000000000',
        stakeAmountGwei: '31000000000',
        taskQueue,
        batcher: settings.batcher,
        clusterKeeper: settings.clusterKeeper,
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

export async function startRouter(config: WorkerConfig): Promise<Router> {
  const clients = await makeClients(config);
  const settings = routerSettings(config);
  const owner = clients.signer.address;
  const pool = config.DVT_POOL_STORAGE;
  const taskQueue = config.DVT_TASK_QUEUE;
  const namespace = config.DVT_TEMPORAL_NAMESPACE;

  const connection = await NativeConnection.connect({ address: config.DVT_TEMPORAL_ADDRESS });
  const clientConnection = await Connection.connect({ address: config.DVT_TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities(clients, config, settings),
    // A rolling deploy lets in-flight activities (a broadcast awaiting its receipt) finish.
    shutdownGraceTime: '30 seconds',
  });

  await ensurePoolMonitorSchedule(client, {
    input: {
      pool,
      owner,
      settings: settings.poolMonitor,
      lifecycleSettings: { ...settings.lifecycle },
    },
    intervalSeconds: config.DVT_POOL_MONITOR_INTERVAL_SECONDS,
    taskQueue,
  });
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
  return {
    client,
    worker,
    clients,
    settings,
    run,
    async shutdown() {
      worker.shutdown();
      await run.catch(() => undefined);
      await clientConnection.close();
      await connection.close();
      clients.provider.destroy();
    },
  };
}
