/**
 * The router's lifecycle activities against the devnet world and its Temporal dev server: every
 * write goes through the real signer workflow on a real worker, and the activities run in an
 * activity context (MockActivityEnvironment with the dev server's client). One validator journey
 * over three keys: a 3-key deposit batch in one transaction (and a re-run that sends nothing),
 * credentials votes, a stake batch, operator selection under a policy, a 2-key bulk registration
 * the devnet operators verify, a removal, activation on the beacon simulator, an SSV exit and a
 * voluntary exit.
 */
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { deriveKeyFromEntropy } from '@chainsafe/bls-keygen';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { NativeConnection } from '@temporalio/worker';
import { SSV_NETWORK_ABI, SSV_TRANSIENT_REVERTS } from '../../../activities/abi/ssv-network.js';
import { STAFI_ABIS } from '../../../activities/abi/stafi.js';
import { makeBeaconClient, type BeaconClient } from '../../../activities/beacon/beacon-client.js';
import { createChainActivities } from '../../../activities/chain/index.js';
import { makeRevertDecoder } from '../../../activities/chain/revert.js';
import { makeSignerSubmit } from '../../../activities/chain/submit.js';
import { makeTxEngine, type TxRequest } from '../../../activities/chain/tx-engine.js';
import { createKeysActivities } from '../../../activities/keys/index.js';
import { signingKeyPath } from '../../../activities/keys/key-source.js';
import { makeStafiPoolAdapter } from '../../../activities/pool/stafi-adapter.js';
import {
  createLifecycleActivities,
  type LifecycleActivityDeps,
  type LifecycleActivitySettings,
  type RouterLifecycleActivities,
} from '../../../activities/router/lifecycle-activities.js';
import type {
  BatchItem,
  BatchItemResult,
  ExecuteBatchParameters,
} from '../../../activities/router/lifecycle-contract.js';
import {
  makeClusterIndexSync,
  type ClusterIndexSync,
} from '../../../activities/ssv/cluster-index-sync.js';
import { makeSsvApiClient } from '../../../activities/ssv/ssv-api-client.js';
import {
  makeSsvNetworkClient,
  type SsvNetworkClient,
} from '../../../activities/ssv/ssv-network-client.js';
import { devnetNetworkParams } from '../../../domain/beacon/network-params.js';
import { getIndexedCluster } from '../../../domain/ssv/cluster-index.js';
import { DEFAULT_GAS_POLICY } from '../../../domain/tx/fee-policy.js';
import { Contract, parseEther } from 'ethers';
import { startDevnet, type Devnet } from '../../../devnet/world.js';
import { workflowIds } from '../../../workflows/definitions.js';
import { bundleWorkflows, createTestWorker, stopTestWorkers } from '../../helpers/temporal.js';

const ETHER = 10n ** 18n;
const GWEI = 10n ** 9n;
const FEE_CAP = 3_500_000_000n;
const KEY_INDEXES = [0, 1, 2] as const;
/** A fixed test seed: reproducible keys, never a real one. */
const SEED = createHash('sha512').update('dvt-router lifecycle activities test seed').digest();

let devnet: Devnet;
let connection: Connection;
let client: Client;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let ssv: SsvNetworkClient;
let indexSync: ClusterIndexSync;
let beacon: BeaconClient;
let deps: LifecycleActivityDeps;
let activities: RouterLifecycleActivities;
let env: MockActivityEnvironment;
let router: string;
let pool: string;
let pubkeys: string[];
/** The policy's allow list and the operators it must choose from it. */
let allowList: number[];
let expectedOperators: number[];
let privateNotWhitelisted: number;
let clusterIds: number[] = [];
const taskQueue = `router-lifecycle-${randomUUID()}`;
/** No worker polls it: batchers and keepers started by the activities wait there. */
const idleQueue = `${taskQueue}-idle`;
const run = randomUUID().slice(0, 8);

beforeAll(async () => {
  const [world, bundle] = await Promise.all([
    startDevnet({ depositIntervalMs: 0, oracleStalled: true }),
    bundleWorkflows(fileURLToPath(new URL('../../fixtures/router-workflows.ts', import.meta.url))),
  ]);
  devnet = world;
  const { state, provider } = devnet;
  const address = state.temporalAddress ?? '';
  const namespace = state.temporalNamespace ?? 'default';
  connection = await Connection.connect({ address });
  client = new Client({ connection, namespace });
  nativeConnection = await NativeConnection.connect({ address });
  const routerWallet = devnet.wallet(1);
  router = routerWallet.address;
  pool = state.contracts.storage.toLowerCase();

  const engine = makeTxEngine({
    provider,
    chainId: state.chainId,
    signers: new Map([[router.toLowerCase(), routerWallet]]),
    decodeRevert: makeRevertDecoder([SSV_NETWORK_ABI, ...STAFI_ABIS]),
    policy: DEFAULT_GAS_POLICY,
    transientReverts: SSV_TRANSIENT_REVERTS,
  });
  worker = await createTestWorker({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflowBundle: bundle,
    activities: createChainActivities({ engine }),
  });
  running = worker.run();

  beacon = makeBeaconClient({ baseUrls: [state.beaconUrl] });
  const [spec, genesis] = await Promise.all([beacon.getSpec(), beacon.getGenesis()]);
  const keys = createKeysActivities({
    keySource: {
      deriveSigningKey: (index) =>
        Promise.resolve(deriveKeyFromEntropy(SEED, signingKeyPath(index))),
    },
    network: devnetNetworkParams({
      spec,
      genesisValidatorsRoot: genesis.genesisValidatorsRoot,
    }),
    config: { ssvOwnerAddress: router },
  });
  ssv = makeSsvNetworkClient({ provider, ssvNetwork: state.contracts.ssvNetwork, owner: router });
  indexSync = makeClusterIndexSync({
    provider,
    ssvNetwork: state.contracts.ssvNetwork,
    owner: router,
    fromBlock: state.deployBlocks.ssv,
  });

  // The policy: three cheap public operators, a private one that whitelists the router, a
  // private one that does not, and a public one above the fee cap; exactly four are eligible.
  const operators = state.operators;
  const cheapPublic = operators.filter((o) => !o.isPrivate && BigInt(o.fee) <= FEE_CAP);
  const expensive = operators.find((o) => !o.isPrivate && BigInt(o.fee) > FEE_CAP);
  const privateWhitelisted = operators.find((o) => o.isPrivate && o.whitelisted.includes(router));
  const privateOther = operators.find((o) => o.isPrivate && o.whitelisted.length === 0);
  if (!expensive || !privateWhitelisted || !privateOther || cheapPublic.length < 3) {
    throw new Error('the devnet operator set lacks the operators this test needs');
  }
  privateNotWhitelisted = privateOther.id;
  expectedOperators = [...cheapPublic.slice(0, 3).map((o) => o.id), privateWhitelisted.id].sort(
    (a, b) => a - b,
  );
  allowList = [...expectedOperators, privateOther.id, expensive.id];

  const settings: LifecycleActivitySettings = {
    pool,
    ownerAddress: router,
    superNodeAccount: router,
    clusterSize: 4,
    operatorPolicy: { feeCapWei: FEE_CAP.toString(), allowList },
    targetRunwayDays: 30,
    depositAmountGwei: (1n * GWEI).toString(),
    stakeAmountGwei: (31n * GWEI).toString(),
    taskQueue: idleQueue,
    batcher: {
      windowMs: 5_000,
      maxBatchSize: 10,
      batchesPerRun: 50,
      recentLimit: 100,
      idleCloseMs: 60_000,
    },
    clusterKeeper: {
      checkIntervalMs: 3_600_000,
      minRunwayDays: 10,
      targetRunwayDays: 30,
      withdrawWhenEmpty: false,
      roundsPerRun: 100,
    },
  };
  deps = {
    pool: makeStafiPoolAdapter({
      provider,
      storageAddress: state.contracts.storage,
      superNodeAccount: router,
      reserveWei: '0',
    }),
    ssv,
    indexSync,
    ssvApi: makeSsvApiClient({
      baseUrl: `${state.ssvApiUrl}/api/v4`,
      network: state.ssvApiNetwork,
    }),
    beacon,
    keys,
    submit: makeSignerSubmit({
      chainId: state.chainId,
      taskQueue,
      heartbeatMs: 1_000,
      settings: {
        confirmations: 1,
        stuckAfterMs: 30_000,
        pollMs: 200,
        feeWaitMs: 1_000,
        replacementBumpBps: 1_250,
        maxFeeCapWei: (500n * GWEI).toString(),
      },
    }),
    settings,
  };
  activities = createLifecycleActivities(deps);
  env = new MockActivityEnvironment({}, { client });
  pubkeys = await Promise.all(
    KEY_INDEXES.map(async (keyIndex) => (await act('deriveValidatorPubkey', { keyIndex })).pubkey),
  );
  // 3 × 1 ETH pre-deposits and 3 × 31 ETH stakes.
  await devnet.depositors.depositNow(100n * ETHER);
}, 300_000);

afterAll(async () => {
  await stopTestWorkers();
  await running?.catch(() => undefined);
  await nativeConnection?.close();
  await connection?.close();
  await devnet?.stop();
});

type Activities = RouterLifecycleActivities;

/** Runs one activity in the activity context (Temporal client, heartbeats). */
function act<K extends keyof Activities>(
  name: K,
  input: Parameters<Activities[K]>[0],
  on: Activities = activities,
): ReturnType<Activities[K]> {
  const fn = on[name] as unknown as (arg: typeof input) => ReturnType<Activities[K]>;
  return env.run(fn, input) as ReturnType<Activities[K]>;
}

const item = (keyIndex: number, step: string, operatorIds?: number[]): BatchItem => ({
  itemKey: `test/${run}/validator/${keyIndex}/${step}`,
  keyIndex,
  pubkey: pubkeys[keyIndex] ?? '',
  ...(operatorIds ? { operatorIds } : {}),
});

const executeBatch = (params: ExecuteBatchParameters): Promise<BatchItemResult[]> =>
  act('executeBatch', params);

const sentCount = (): Promise<number> => devnet.provider.getTransactionCount(router, 'latest');

const statusOf = async (keyIndex: number): Promise<string> =>
  (await act('readPubkeyStatus', { pool, pubkey: pubkeys[keyIndex] ?? '' })).status;

/** All results `done` in one transaction; returns its hash. */
function oneTransaction(results: BatchItemResult[], items: BatchItem[]): string {
  expect(results.map((r) => [r.itemKey, r.outcome])).toEqual(items.map((i) => [i.itemKey, 'done']));
  const hashes = new Set(results.map((r) => r.txHash));
  expect(hashes.size).toBe(1);
  const [hash] = [...hashes];
  expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
  return hash ?? '';
}

describe('router lifecycle activities on the devnet', () => {
  const depositItems = (): BatchItem[] => KEY_INDEXES.map((k) => item(k, 'deposit'));
  const depositBatch = (): ExecuteBatchParameters => ({
    kind: 'pool.deposit',
    key: pool,
    batchId: `test/${run}/batcher/pool.deposit/1`,
    items: depositItems(),
  });

  it('deposits three keys in one transaction; the pool and the beacon node see them', async () => {
    const before = await sentCount();
    const results = await executeBatch(depositBatch());

    oneTransaction(results, depositItems());
    expect(await sentCount()).toBe(before + 1);
    expect(await Promise.all(KEY_INDEXES.map(statusOf))).toEqual(['initial', 'initial', 'initial']);
    await devnet.beacon.admin.ingestNow();
    const pending = (await beacon.getPendingDeposits()).filter((d) =>
      pubkeys.includes(d.pubkey.toLowerCase()),
    );
    expect(pending.map((d) => [d.pubkey.toLowerCase(), d.amount])).toEqual(
      pubkeys.map((pubkey) => [pubkey, (1n * GWEI).toString()]),
    );
    expect(await act('readValidatorOnBeacon', { pubkey: pubkeys[0] ?? '' })).toEqual({
      found: false,
    });
    devnet.beacon.admin.advanceEpochs(2);
    for (const pubkey of pubkeys) {
      const view = await act('readValidatorOnBeacon', { pubkey });
      expect(view).toMatchObject({ found: true, status: 'pending_initialized' });
    }
  });

  it('re-running the same deposit batch reports every item already done and sends nothing', async () => {
    const before = await sentCount();
    const results = await executeBatch(depositBatch());

    expect(results).toEqual(
      depositItems().map((i) => ({ itemKey: i.itemKey, outcome: 'already-done' })),
    );
    expect(await sentCount()).toBe(before);
  });

  it('stakes what the pool can pay in one transaction; the rest wait, retryably, for a refill', async () => {
    devnet.oracle.setStalled(false);
    await devnet.oracle.voteNow();
    expect(await Promise.all(KEY_INDEXES.map(statusOf))).toEqual(['match', 'match', 'match']);
    // Time-critical stakes: the transaction carries the earliest deadline of the items it pays.
    const now = Date.now();
    const deadlines = [now + 50_000, now + 30_000, now + 10_000];
    const items = KEY_INDEXES.map((k, i) => ({
      ...item(k, 'stake'),
      deadlineMs: deadlines[i] ?? now,
    }));
    const requests: TxRequest[] = [];
    const instance = createLifecycleActivities({
      ...deps,
      submit: (request) => {
        requests.push(request);
        return deps.submit(request);
      },
    });
    const stakeBatch = (n: number): ExecuteBatchParameters => ({
      kind: 'pool.stake',
      key: pool,
      batchId: `test/${run}/batcher/pool.stake/${n}`,
      items,
    });
    const executeBatch = (params: ExecuteBatchParameters): Promise<BatchItemResult[]> =>
      act('executeBatch', params, instance);
    // Users withdrew between the deposits and the stakes: the pool pays two stakes, not three.
    const cheats = new Contract(
      devnet.state.contracts.userDeposit,
      ['function devnetDrain(uint256,address)', 'function devnetRefill() payable'],
      devnet.wallet(0),
    );
    const balance = BigInt((await deps.pool.getBalance()).balanceWei);
    const drained = balance - (2n * 31n * ETHER + ETHER / 2n);
    await (
      (await cheats.getFunction('devnetDrain')(drained, devnet.state.accounts.thirdParty)) as {
        wait(): Promise<unknown>;
      }
    ).wait();
    const before = await sentCount();

    const first = await executeBatch(stakeBatch(1));

    oneTransaction(first.slice(0, 2), items.slice(0, 2));
    expect(first[2]).toMatchObject({
      itemKey: items[2]?.itemKey,
      outcome: 'failed',
      error: { code: 'ERR_TX_STATE_CHANGED', retryable: true },
    });
    expect(first[2]?.error?.message).toMatch(/pool holds 62\.5 ETH, enough for 2 of 3 stakes/);
    expect(await sentCount()).toBe(before + 1);
    // Items 0 and 1 went out; item 2's earlier deadline is not theirs.
    expect(requests.map((r) => r.deadlineMs)).toEqual([now + 30_000]);
    expect(await Promise.all(KEY_INDEXES.map(statusOf))).toEqual(['staking', 'staking', 'match']);

    await (
      (await cheats.getFunction('devnetRefill')({ value: drained })) as {
        wait(): Promise<unknown>;
      }
    ).wait();
    const second = await executeBatch(stakeBatch(2));

    expect(second.map((r) => r.outcome)).toEqual(['already-done', 'already-done', 'done']);
    expect(await sentCount()).toBe(before + 2);
    expect(requests.map((r) => r.deadlineMs)).toEqual([now + 30_000, now + 10_000]);
    expect(await Promise.all(KEY_INDEXES.map(statusOf))).toEqual(['staking', 'staking', 'staking']);
  });

  it('selects four eligible operators in ascending order, never a private one that does not whitelist us', async () => {
    const selection = await act('selectOperators', {
      keyIndex: 0,
      pubkey: pubkeys[0] ?? '',
      avoidOperatorIds: [],
    });

    expect(selection).toEqual({
      ok: true,
      operatorIds: expectedOperators,
      clusterId: `${router.toLowerCase()}-${expectedOperators.join('-')}`,
    });
    expect(allowList).toContain(privateNotWhitelisted);
    clusterIds = expectedOperators;
  });

  it('answers "no acceptable cluster" as a result when avoided operators leave too few', async () => {
    const selection = await act('selectOperators', {
      keyIndex: 0,
      pubkey: pubkeys[0] ?? '',
      avoidOperatorIds: [expectedOperators[0] ?? 0],
    });

    expect(selection.ok).toBe(false);
    expect(selection.ok ? '' : selection.reason).toMatch(
      /^Not enough eligible operators for a cluster of 4: 3 eligible/,
    );
  });

  it('registers two keys in one bulk registration with consecutive owner nonces the operators verify', async () => {
    expect(clusterIds).toHaveLength(4);
    const items = [item(0, 'register-0', clusterIds), item(1, 'register-0', clusterIds)];
    const nonceBefore = devnet.verifier.nonceOf(router);
    const before = await sentCount();

    const results = await executeBatch({
      kind: 'ssv.register',
      key: router,
      batchId: `test/${run}/batcher/ssv.register/1`,
      items,
    });

    const hash = oneTransaction(results, items);
    expect(await sentCount()).toBe(before + 1);
    await devnet.verifier.ingestNow();
    const records = devnet.verifier.report().filter((r) => r.transactionHash === hash);
    expect(
      records.map((r) => ({
        publicKey: r.publicKey,
        nonce: r.nonce,
        valid: r.valid,
        reasons: r.reasons,
      })),
    ).toEqual([
      { publicKey: pubkeys[0], nonce: nonceBefore, valid: true, reasons: [] },
      { publicKey: pubkeys[1], nonce: nonceBefore + 1, valid: true, reasons: [] },
    ]);
    expect(records.every((r) => r.operatorIds.join('-') === clusterIds.join('-'))).toBe(true);
    // The registration funded the new cluster for its runway.
    const { state } = await indexSync.sync();
    const cluster = getIndexedCluster(state.index, clusterIds)?.cluster;
    expect(cluster?.validatorCount).toBe(2);
    expect(BigInt(cluster?.balance ?? '0')).toBeGreaterThan(0n);

    const again = await executeBatch({
      kind: 'ssv.register',
      key: router,
      batchId: `test/${run}/batcher/ssv.register/1`,
      items,
    });
    expect(again.map((r) => r.outcome)).toEqual(['already-done', 'already-done']);
    expect(await sentCount()).toBe(before + 1);
  });

  it('removes a registered key from its cluster, and a re-run sends nothing', async () => {
    const clusterId = `${router.toLowerCase()}-${clusterIds.join('-')}`;
    const items = [item(1, 'remove-0', clusterIds)];
    const params: ExecuteBatchParameters = {
      kind: 'ssv.remove',
      key: clusterId,
      batchId: `test/${run}/batcher/ssv.remove/1`,
      items,
    };
    const before = await sentCount();

    oneTransaction(await executeBatch(params), items);
    expect(await ssv.isRegistered(pubkeys[1] ?? '')).toBe(false);
    expect(await ssv.isRegistered(pubkeys[0] ?? '')).toBe(true);

    expect((await executeBatch(params)).map((r) => r.outcome)).toEqual(['already-done']);
    expect(await sentCount()).toBe(before + 1);
  });

  it('reads the staked validators as active once the beacon chain activated them', async () => {
    await devnet.beacon.admin.ingestNow();
    devnet.beacon.admin.advanceEpochs(4);

    const views = await Promise.all(
      pubkeys.map((pubkey) => act('readValidatorOnBeacon', { pubkey })),
    );

    for (const view of views) {
      expect(view).toMatchObject({ found: true, status: 'active_ongoing' });
      expect(view.index).toMatch(/^\d+$/);
    }
  });

  it('exits an SSV validator through exitValidator: ValidatorExited on chain, then already done', async () => {
    const pubkey = pubkeys[0] ?? '';
    const view = await act('readValidatorOnBeacon', { pubkey });
    const params = {
      keyIndex: 0,
      pubkey,
      validatorIndex: view.index ?? '',
      operatorIds: clusterIds,
      path: 'ssv' as const,
      idempotencyKey: `test/${run}/validator/0/exit`,
    };

    const outcome = await act('submitExit', params);

    expect(outcome.alreadyDone).toBe(false);
    expect(outcome.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    const { state } = await indexSync.sync();
    expect(getIndexedCluster(state.index, clusterIds)?.exitRequested).toEqual([pubkey]);
    const before = await sentCount();
    expect(await act('submitExit', params)).toEqual({ alreadyDone: true });
    expect(await sentCount()).toBe(before);
  });

  it('rebuilds a removal once from a re-synced index when a third party made the struct stale', async () => {
    const pubkey = pubkeys[0] ?? '';
    const thirdParty = new Contract(
      devnet.state.contracts.ssvNetwork,
      SSV_NETWORK_ABI,
      devnet.wallet(10),
    );
    let armed = true;
    // The first sync answers a struct that a third party's deposit outdates right after.
    const staleOnce: ClusterIndexSync = {
      ...indexSync,
      async sync(stored, options) {
        const result = await indexSync.sync(stored, options);
        const entry = getIndexedCluster(result.state.index, clusterIds);
        if (armed && entry) {
          armed = false;
          const c = entry.cluster;
          const tx = (await thirdParty.getFunction('deposit')(
            router,
            clusterIds,
            [c.validatorCount, c.networkFeeIndex, c.index, c.active, c.balance],
            { value: parseEther('0.001') },
          )) as { wait(): Promise<unknown> };
          await tx.wait();
        }
        return result;
      },
    };
    const sentKeys: string[] = [];
    const instance = createLifecycleActivities({
      ...deps,
      indexSync: staleOnce,
      submit: (request) => {
        sentKeys.push(request.idempotencyKey);
        return deps.submit(request);
      },
    });
    const batchId = `test/${run}/batcher/ssv.remove/2`;
    const items = [item(0, 'remove-0', clusterIds)];

    const results = await act(
      'executeBatch',
      {
        kind: 'ssv.remove',
        key: `${router.toLowerCase()}-${clusterIds.join('-')}`,
        batchId,
        items,
      },
      instance,
    );

    oneTransaction(results, items);
    expect(armed).toBe(false);
    expect(sentKeys).toEqual([`${batchId}/resync`]);
    expect(await ssv.isRegistered(pubkey)).toBe(false);
  });

  it('in dry-run mode signs and posts no voluntary exit', async () => {
    const pubkey = pubkeys[2] ?? '';
    const dryRun = createLifecycleActivities({
      ...deps,
      settings: { ...deps.settings, dryRun: true },
    });
    const view = await act('readValidatorOnBeacon', { pubkey });
    await expect(
      act(
        'submitExit',
        {
          keyIndex: 2,
          pubkey,
          validatorIndex: view.index ?? '',
          operatorIds: [],
          path: 'voluntary',
          idempotencyKey: `test/${run}/validator/2/exit-dry`,
        },
        dryRun,
      ),
    ).rejects.toMatchObject({ type: 'ERR_DRY_RUN', nonRetryable: true });
    expect((await act('readValidatorOnBeacon', { pubkey })).status).toBe(view.status);
  });

  it('signs and posts a voluntary exit the beacon node accepts', async () => {
    const pubkey = pubkeys[2] ?? '';
    devnet.beacon.admin.advanceEpochs(5);
    const view = await act('readValidatorOnBeacon', { pubkey });

    const outcome = await act('submitExit', {
      keyIndex: 2,
      pubkey,
      validatorIndex: view.index ?? '',
      operatorIds: [],
      path: 'voluntary',
      idempotencyKey: `test/${run}/validator/2/exit`,
    });

    expect(outcome).toEqual({ alreadyDone: false });
    expect(await act('readValidatorOnBeacon', { pubkey })).toMatchObject({
      found: true,
      status: 'active_exiting',
    });
  });

  it('refuses an EIP-7002 exit: the StaFi pool contract sends those itself', async () => {
    await expect(
      act('submitExit', {
        keyIndex: 1,
        pubkey: pubkeys[1] ?? '',
        validatorIndex: '0',
        operatorIds: [],
        path: 'eip7002',
        idempotencyKey: `test/${run}/validator/1/exit`,
      }),
    ).rejects.toMatchObject({ type: 'ERR_CONFIG', nonRetryable: true });
  });

  it('hands a batch item to its batcher and wakes a cluster keeper by signal-with-start', async () => {
    const replyTo = `test/${run}/validator/1`;
    await act('submitBatchItem', {
      kind: 'ssv.register',
      key: router,
      item: item(1, 'register-1', clusterIds),
      replyTo,
    });
    await act('notifyClusterKeeper', { owner: router, operatorIds: clusterIds });

    const started = [
      {
        id: workflowIds.batcher('ssv.register', router),
        type: 'batcher',
        signal: 'batchSubmit',
      },
      {
        id: workflowIds.cluster(router, clusterIds),
        type: 'clusterKeeper',
        signal: 'wakeClusterKeeper',
      },
    ];
    for (const { id, type, signal } of started) {
      const handle = client.workflow.getHandle(id);
      const description = await handle.describe();
      expect({
        type: description.type,
        queue: description.taskQueue,
        status: description.status.name,
      }).toEqual({
        type,
        queue: idleQueue,
        status: 'RUNNING',
      });
      const history = await handle.fetchHistory();
      const signals = (history.events ?? [])
        .map((event) => event.workflowExecutionSignaledEventAttributes?.signalName)
        .filter((name) => name !== undefined && name !== null);
      expect(signals).toEqual([signal]);
      await handle.terminate('test done');
    }
  });
});
