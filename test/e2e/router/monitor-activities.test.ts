/**
 * The monitor activities against the devnet world (chain, beacon sim, SSV API sim) and its Temporal
 * dev server, run in an activity context. Writes go through the real signer workflow on a test
 * worker; lifecycles are a stand-in registered as `validatorLifecycle`
 * (test/fixtures/monitor-activities-workflows.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { deriveKeyFromEntropy } from '@chainsafe/bls-keygen';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { DefaultLogger, NativeConnection } from '@temporalio/worker';
import { Contract, getAddress, type HDNodeWallet } from 'ethers';
import { SSV_NETWORK_ABI } from '../../../activities/abi/ssv-network.js';
import {
  STAFI_NETWORK_SETTINGS_ABI,
  STAFI_SUPER_NODE_ABI,
  STAFI_USER_DEPOSIT_ABI,
} from '../../../activities/abi/stafi.js';
import { makeBeaconClient } from '../../../activities/beacon/beacon-client.js';
import { createChainActivities } from '../../../activities/chain/index.js';
import { makeRevertDecoder } from '../../../activities/chain/revert.js';
import { makeSignerSubmit, type SubmitTransaction } from '../../../activities/chain/submit.js';
import { makeTxEngine } from '../../../activities/chain/tx-engine.js';
import { createKeysActivities } from '../../../activities/keys/index.js';
import { signingKeyPath } from '../../../activities/keys/key-source.js';
import { makeStafiPoolAdapter } from '../../../activities/pool/stafi-adapter.js';
import {
  createMonitorActivities,
  type MonitorActivitiesDeps,
  type MonitorActivitiesImpl,
} from '../../../activities/router/monitor-activities.js';
import type {
  ClusterState,
  FeeParametersJson,
  WriteResult,
} from '../../../activities/router/monitor-contract.js';
import { makeClusterIndexSync } from '../../../activities/ssv/cluster-index-sync.js';
import { makeSsvApiClient } from '../../../activities/ssv/ssv-api-client.js';
import {
  makeSsvNetworkClient,
  type PreparedSsvCall,
} from '../../../activities/ssv/ssv-network-client.js';
import { startDevnet, type Devnet } from '../../../devnet/world.js';
import { getIndexedCluster } from '../../../domain/ssv/cluster-index.js';
import {
  clusterRunway,
  registrationDeposit,
  topUpForRunway,
  type FeeParameters,
} from '../../../domain/ssv/runway.js';
import type { SsvPathStatus } from '../../../domain/plan/router-plan.js';
import { DEFAULT_GAS_POLICY } from '../../../domain/tx/fee-policy.js';
import { workflowIds } from '../../../workflows/definitions.js';
import type { SignerSettings, TxResult } from '../../../workflows/signer.js';
import { standInMigrations } from '../../fixtures/monitor-activities-workflows.js';
import {
  bundleWorkflows,
  createTestWorker,
  eventually,
  stopTestWorkers,
} from '../../helpers/temporal.js';

const ETHER = 10n ** 18n;
const GWEI = 10n ** 9n;
const CLUSTER_A = [1, 2, 3, 4];
const CLUSTER_B = [5, 6, 7, 8];
const signerSettings: SignerSettings = {
  confirmations: 1,
  stuckAfterMs: 5_000,
  pollMs: 100,
  feeWaitMs: 1_000,
  replacementBumpBps: 1250,
  maxFeeCapWei: (500n * GWEI).toString(),
};

let world: Devnet;
let connection: Connection;
let nativeConnection: NativeConnection;
let client: Client;
let worker: Worker;
let running: Promise<void>;
let router: HDNodeWallet;
let pool: string;
let owner: string;
let deps: MonitorActivitiesDeps;
let activities: MonitorActivitiesImpl;
let keys: ReturnType<typeof createKeysActivities>;
let submit: SubmitTransaction;
let context: MockActivityEnvironment;
const taskQueue = `monitor-activities-${randomUUID()}`;

beforeAll(async () => {
  const [startedWorld, bundle] = await Promise.all([
    startDevnet({ temporal: true, depositIntervalMs: 0, blockIntervalMs: 0 }),
    bundleWorkflows(
      fileURLToPath(new URL('../../fixtures/monitor-activities-workflows.ts', import.meta.url)),
    ),
  ]);
  world = startedWorld;
  const { state, provider } = world;
  const address = state.temporalAddress ?? '';
  const namespace = state.temporalNamespace ?? 'default';
  connection = await Connection.connect({ address });
  client = new Client({ connection, namespace });
  nativeConnection = await NativeConnection.connect({ address });
  router = world.wallet(1);
  owner = router.address.toLowerCase();
  pool = state.contracts.storage.toLowerCase();

  const seed = randomBytes(64);
  keys = createKeysActivities({
    keySource: {
      deriveSigningKey: (index) =>
        Promise.resolve(deriveKeyFromEntropy(seed, signingKeyPath(index))),
    },
    network: {
      name: 'devnet',
      chainId: state.chainId,
      genesisForkVersion: state.beacon.genesisForkVersion as `0x${string}`,
      capellaForkVersion: state.beacon.capellaForkVersion as `0x${string}`,
      genesisValidatorsRoot: state.beacon.genesisValidatorsRoot as `0x${string}`,
      depositContract: state.contracts.depositContract as `0x${string}`,
    },
    config: { ssvOwnerAddress: router.address },
  });
  const adapter = makeStafiPoolAdapter({
    provider,
    storageAddress: state.contracts.storage,
    superNodeAccount: router.address,
    reserveWei: (5n * ETHER).toString(),
  });

  const engine = makeTxEngine({
    provider,
    chainId: state.chainId,
    signers: new Map([[owner, world.wallet(1).connect(null)]]),
    decodeRevert: makeRevertDecoder([SSV_NETWORK_ABI, STAFI_SUPER_NODE_ABI]),
    policy: DEFAULT_GAS_POLICY,
  });
  worker = await createTestWorker({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflowBundle: bundle,
    activities: createChainActivities({ engine }),
  });
  running = worker.run();

  submit = makeSignerSubmit({
    chainId: state.chainId,
    settings: signerSettings,
    taskQueue,
    heartbeatMs: 1_000,
  });
  deps = {
    pool: { address: pool, adapter },
    keys,
    ssv: {
      network: makeSsvNetworkClient({
        provider,
        ssvNetwork: state.contracts.ssvNetwork,
        owner: router.address,
      }),
      indexSync: makeClusterIndexSync({
        provider,
        ssvNetwork: state.contracts.ssvNetwork,
        owner: router.address,
        fromBlock: state.deployBlocks.ssv,
      }),
      api: makeSsvApiClient({
        baseUrl: `${state.ssvApiUrl}/api/v4`,
        network: state.ssvApiNetwork,
        retries: 0,
      }),
    },
    beacon: makeBeaconClient({ baseUrls: [state.beaconUrl], retries: 0 }),
    chain: provider,
    submitTransaction: submit,
    temporalClient: client,
    taskQueue,
    ssvPath: {
      clusterSize: 4,
      feeCapWei: (10n ** 15n).toString(),
      minOwnerBalanceWei: ETHER.toString(),
    },
    uptime: { timeoutMs: 2_000 },
    scan: { batchSize: 4 },
  };
  activities = createMonitorActivities(deps);
  // Activity logs of expected outcomes (skips, injected failures) stay out of the test output.
  context = new MockActivityEnvironment(undefined, { client, logger: new DefaultLogger('ERROR') });

  // A deposit mined while nothing recorded it: key index 0, sent straight from the router wallet
  // before any signer exists (so the signer later starts from the chain's nonce).
  await world.depositors.depositNow(32n * ETHER);
  const credentials = await adapter.getWithdrawalCredentials();
  const data = await keys.signDepositData({
    keyIndex: 0,
    withdrawalCredentials: credentials,
    amountGwei: (ETHER / GWEI).toString(),
  });
  const request = await adapter.buildDepositRequest({
    items: [
      { pubkey: data.pubkey, signature: data.signature, depositDataRoot: data.depositDataRoot },
    ],
    idempotencyKey: 'test/direct-deposit/0',
  });
  const receipt = await (
    await router.sendTransaction({ to: request.to, data: request.data, value: 0n })
  ).wait();
  expect(receipt?.status).toBe(1);
}, 240_000);

afterAll(async () => {
  await stopTestWorkers();
  await running?.catch(() => undefined);
  await nativeConnection?.close();
  await connection?.close();
  await world?.stop();
});

/** Runs an activity inside the mock activity context (heartbeats, getClient). */
function run<K extends keyof MonitorActivitiesImpl>(
  name: K,
  input: Parameters<MonitorActivitiesImpl[K]>[0],
): ReturnType<MonitorActivitiesImpl[K]> {
  const fn = activities[name] as (input: unknown) => ReturnType<MonitorActivitiesImpl[K]>;
  return context.run(fn, input) as ReturnType<MonitorActivitiesImpl[K]>;
}

const sentCount = (): Promise<number> => world.provider.getTransactionCount(owner, 'latest');

function feesOf(json: FeeParametersJson): FeeParameters {
  return {
    asset: json.asset,
    operatorFees: json.operatorFees.map(BigInt),
    networkFee: BigInt(json.networkFee),
    liquidationThresholdPeriod: json.liquidationThresholdPeriod,
    minimumLiquidationCollateral: BigInt(json.minimumLiquidationCollateral),
  };
}

function minedTx(result: WriteResult): Extract<TxResult, { status: 'mined' | 'reverted' }> {
  if (result.action !== 'sent')
    throw new Error(`expected a transaction, skipped: ${result.reason}`);
  if (result.tx.status !== 'mined') throw new Error(`transaction ${result.tx.status}`);
  return result.tx;
}

function skipReason(result: WriteResult): string {
  if (result.action !== 'skipped') throw new Error(`expected a skip, got ${result.tx.status}`);
  return result.reason;
}

async function submitPrepared(prepared: PreparedSsvCall): Promise<void> {
  if (prepared.alreadyDone) throw new Error(`expected a request: ${prepared.reason}`);
  const result: TxResult = await context.run(submit, prepared.request);
  expect(result.status).toBe('mined');
}

/** Registers `keyIndex` into `operatorIds` through the signer, funded for `runwayDays`. */
async function registerValidator(keyIndex: number, operatorIds: number[], runwayDays: number) {
  const before = await run('readClusterState', { owner, operatorIds });
  const { state: synced } = await deps.ssv.indexSync.sync(null);
  const operators = world.operators
    .filter((op) => operatorIds.includes(op.id))
    .map(({ id, publicKey }) => ({ id, publicKey }));
  const payload = await keys.buildSharesPayload({
    keyIndex,
    operators,
    ownerNonce: synced.index.ownerNonce,
  });
  const deposit = registrationDeposit({
    balance: BigInt(before.balance),
    validatorCount: before.validatorCount,
    newValidators: 1,
    fees: feesOf(before.ethFees),
    targetRunwayDays: runwayDays,
  });
  await submitPrepared(
    await deps.ssv.network.registerValidator({
      index: synced.index,
      operatorIds,
      publicKey: payload.publicKey,
      sharesData: payload.sharesData,
      ownerNonce: synced.index.ownerNonce,
      valueWei: deposit.amount.toString(),
      idempotencyKey: `test/register/${keyIndex}`,
    }),
  );
  return payload.publicKey.toLowerCase();
}

async function expectFailure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }
  throw new Error('expected the activity to fail');
}

describe('pool reads', () => {
  it('reads the pool as the chain shows it after depositors stake', async () => {
    await world.depositors.depositNow(64n * ETHER);
    const state = await run('readPoolState', { pool, scanFromIndex: 0, gapLimit: 5, maxScan: 50 });

    const contracts = world.state.contracts;
    const userDeposit = new Contract(contracts.userDeposit, STAFI_USER_DEPOSIT_ABI, world.provider);
    const superNode = new Contract(contracts.superNode, STAFI_SUPER_NODE_ABI, world.provider);
    const settings = new Contract(
      contracts.networkSettings,
      STAFI_NETWORK_SETTINGS_ABI,
      world.provider,
    );
    const balance = (await userDeposit.getFunction('getBalance')()) as bigint;
    expect(state.balance).toEqual({
      balanceWei: balance.toString(),
      reserveWei: (5n * ETHER).toString(),
      usableWei: (balance - 5n * ETHER).toString(),
    });
    expect(balance).toBe(95n * ETHER); // 32 + 64 staked, 1 pre-deposited for key 0
    expect(state.pubkeyCount).toBe(
      Number((await superNode.getFunction('getSuperNodePubkeyCount')(router.address)) as bigint),
    );
    expect(state.pubkeyCount).toBe(1);
    expect(state.pubkeyLimit).toBe(
      Number((await settings.getFunction('getSuperNodePubkeyLimit')()) as bigint),
    );
    expect(state.depositEnabled).toBe(
      (await superNode.getFunction('getSuperNodeDepositEnabled')()) as boolean,
    );
    expect(state.blockNumber).toBeLessThanOrEqual(await world.provider.getBlockNumber());
  });

  it('finds a key index deposited with nothing recorded and stops after the unused run', async () => {
    const { pubkey } = await keys.deriveValidatorPubkey({ keyIndex: 0 });
    const state = await run('readPoolState', { pool, scanFromIndex: 0, gapLimit: 5, maxScan: 50 });
    expect(state.usedIndices).toEqual([0]);
    const key = state.statusesByIndex['0'];
    expect(key).toMatchObject({ keyIndex: 0, pubkey: pubkey.toLowerCase(), onboarded: false });
    // Deposited (initial), or already voted by the devnet oracle (match).
    expect(['initial', 'match']).toContain(key?.status);
    // Index 0 used, then exactly five unused ones: [0, 6) was checked, nothing beyond.
    expect(state.scannedToIndex).toBe(6);
    expect(state.truncated).toBe(false);

    const bounded = await run('readPoolState', { pool, scanFromIndex: 0, gapLimit: 5, maxScan: 3 });
    expect(bounded).toMatchObject({ usedIndices: [0], scannedToIndex: 3, truncated: true });
  });

  it('reads the fee pool and the exit requests of the pool', async () => {
    expect(await run('readFeePool', { pool })).toBe(
      world.state.contracts.superNodeFeePool.toLowerCase(),
    );
    const requests = await run('readExitRequests', { pool });
    expect(requests.flavour).toBe('main');
    expect(requests.cycles).toEqual([]);
  });

  it('resolves our pubkey to its key index and lifecycle, and a stranger as foreign', async () => {
    const ours = (await keys.deriveValidatorPubkey({ keyIndex: 0 })).pubkey.toLowerCase();
    const stranger = (await keys.deriveValidatorPubkey({ keyIndex: 500 })).pubkey.toLowerCase();
    // The beacon simulator indexes the earlier deposit on its own clock: wait for it, so the
    // resolver and this test read the same beacon state.
    const beaconIndex = await eventually(
      async () => (await deps.beacon.getValidators([ours]))[0]?.index,
      { attempts: 60, intervalMs: 500 },
    );
    const resolved = await run('resolveValidators', { pool, pubkeys: [stranger, ours] });
    expect(resolved.matched).toEqual([
      {
        keyIndex: 0,
        pubkey: ours,
        workflowId: workflowIds.validator(pool, 0),
        validatorIndex: beaconIndex,
      },
    ]);
    expect(resolved.foreign).toEqual([stranger]);
    expect(resolved.unresolved).toEqual([]);
  });

  it('rejects a pool the worker does not serve', async () => {
    const failure = await expectFailure(
      run('readFeePool', { pool: world.state.contracts.userDeposit }),
    );
    expect(failure.type).toBe('ERR_INVALID_INPUT');
    expect(failure.nonRetryable).toBe(true);
  });
});

describe('lifecycles', () => {
  it('starts lifecycles once: a second start reports them already running', async () => {
    const settings = {};
    const first = await run('startLifecycles', { pool, owner, keyIndices: [0, 1], settings });
    expect(first).toEqual([
      { keyIndex: 0, workflowId: workflowIds.validator(pool, 0), outcome: 'started' },
      { keyIndex: 1, workflowId: workflowIds.validator(pool, 1), outcome: 'started' },
    ]);
    const runIds = await Promise.all(
      [0, 1].map(
        async (i) =>
          (await client.workflow.getHandle(workflowIds.validator(pool, i)).describe()).runId,
      ),
    );

    const second = await run('startLifecycles', { pool, owner, keyIndices: [0, 1], settings });
    expect(second.map((r) => r.outcome)).toEqual(['already-running', 'already-running']);
    const runIdsAfter = await Promise.all(
      [0, 1].map(
        async (i) =>
          (await client.workflow.getHandle(workflowIds.validator(pool, i)).describe()).runId,
      ),
    );
    expect(runIdsAfter).toEqual(runIds);
  });

  it('finds claimed indices by workflow ID, probing past the listed ones', async () => {
    const claimed = await run('findClaimedIndices', { pool, keyIndices: [0], probeGapLimit: 3 });
    expect(claimed).toEqual([
      { keyIndex: 0, workflowId: workflowIds.validator(pool, 0), state: 'running' },
      { keyIndex: 1, workflowId: workflowIds.validator(pool, 1), state: 'running' },
    ]);
  });

  it('asks a lifecycle to exit once; a closed lifecycle keeps its index', async () => {
    const workflowId = workflowIds.validator(pool, 1);
    const request = { reason: 'test ejection', source: 'pool' };
    const answer = await run('requestLifecycleExit', { workflowId, request, updateId: 'test/1' });
    expect(answer).toEqual({ outcome: 'answered', accepted: true, stage: 'generate' });
    await client.workflow.getHandle(workflowId).result();

    expect(
      await run('requestLifecycleExit', { workflowId, request, updateId: 'test/1-again' }),
    ).toEqual({ outcome: 'not-running' });
    expect(
      await run('requestLifecycleExit', {
        workflowId: workflowIds.validator(pool, 99),
        request,
        updateId: 'test/99',
      }),
    ).toEqual({ outcome: 'not-running' });
    const claimed = await run('findClaimedIndices', { pool, keyIndices: [1], probeGapLimit: 2 });
    expect(claimed).toEqual([{ keyIndex: 1, workflowId, state: 'completed' }]);
    const restart = await run('startLifecycles', { pool, owner, keyIndices: [1], settings: {} });
    expect(restart).toEqual([{ keyIndex: 1, workflowId, outcome: 'already-closed' }]);
  });

  it('lists lifecycles by stage and signals migrations to those on a bad operator', async () => {
    const cluster = `${owner}-${CLUSTER_A.join('-')}`;
    await run('startLifecycles', {
      pool,
      owner,
      keyIndices: [2],
      settings: { stage: 'active', cluster },
    });
    const active = await eventually(async () => {
      const list = await run('listLifecycles', { pool, stage: 'active' });
      return list.some((l) => l.cluster === cluster) ? list : undefined;
    });
    expect(active).toEqual([
      {
        workflowId: workflowIds.validator(pool, 2),
        keyIndex: 2,
        stage: 'active',
        pubkey: null,
        cluster,
      },
    ]);

    const result = await run('signalMigrations', {
      owner,
      operatorIds: [3, 9],
      reason: 'operator 3 inactive',
    });
    expect(result.signalled).toEqual([workflowIds.validator(pool, 2)]);
    const received = await client.workflow
      .getHandle(workflowIds.validator(pool, 2))
      .query(standInMigrations);
    expect(received).toEqual([{ avoidOperatorIds: [3], reason: 'operator 3 inactive' }]);
  });
});

describe('clusters', () => {
  let clusterState: ClusterState;

  it('reads a registered cluster as the chain shows it', async () => {
    const absent = await run('readClusterState', { owner, operatorIds: CLUSTER_A });
    expect(absent).toMatchObject({ exists: false, struct: null, balance: '0', validatorCount: 0 });

    const publicKey = await registerValidator(10, CLUSTER_A, 5);
    clusterState = await run('readClusterState', { owner, operatorIds: [4, 3, 2, 1] });

    const { state: fresh } = await makeClusterIndexSync({
      provider: world.provider,
      ssvNetwork: world.state.contracts.ssvNetwork,
      owner: router.address,
      fromBlock: world.state.deployBlocks.ssv,
    }).sync(null);
    const entry = getIndexedCluster(fresh.index, CLUSTER_A);
    expect(entry?.validators).toEqual([publicKey]);
    expect(clusterState).toMatchObject({
      clusterId: `${owner}-1-2-3-4`,
      exists: true,
      struct: entry?.cluster,
      asset: 'eth',
      validatorCount: 1,
      liquidated: false,
    });
    expect(clusterState.vUnits).toBeUndefined();
    const network = new Contract(world.state.contracts.ssvNetwork, SSV_NETWORK_ABI, world.provider);
    const struct = entry?.cluster;
    const tuple = [
      struct?.validatorCount,
      struct?.networkFeeIndex,
      struct?.index,
      struct?.active,
      struct?.balance,
    ];
    const blockTag = { blockTag: clusterState.blockNumber };
    expect(clusterState.balance).toBe(
      (
        (await network.getFunction('getBalance')(
          router.address,
          CLUSTER_A,
          tuple,
          blockTag,
        )) as bigint
      ).toString(),
    );
    expect(clusterState.burnRatePerBlock).toBe(
      (
        (await network.getFunction('getBurnRate')(router.address, CLUSTER_A, tuple)) as bigint
      ).toString(),
    );
    expect(clusterState.ethFees.operatorFees).toEqual(
      CLUSTER_A.map((id) => world.state.operators.find((op) => op.id === id)?.fee),
    );
    expect(clusterState.fees).toEqual(clusterState.ethFees);
  });

  it('tops a cluster up to the target runway; a second call is a no-op', async () => {
    const fees = feesOf(clusterState.fees);
    const load = { validatorCount: clusterState.validatorCount };
    const before = clusterRunway({ balance: BigInt(clusterState.balance), fees, load });
    expect(before.runwayDays).toBeLessThan(10);
    const target = topUpForRunway({
      balance: BigInt(clusterState.balance),
      fees,
      load,
      targetRunwayDays: 30,
    });
    const floor = topUpForRunway({ balance: 0n, fees, load, targetRunwayDays: 10 });
    const input = {
      owner,
      operatorIds: CLUSTER_A,
      amount: target.amount.toString(),
      skipIfBalanceAtLeast: floor.requiredBalance.toString(),
      idempotencyKey: `test/topup/${clusterState.blockNumber}`,
    };
    minedTx(await run('topUpCluster', input));

    const after = await run('readClusterState', { owner, operatorIds: CLUSTER_A });
    const runway = clusterRunway({ balance: BigInt(after.balance), fees, load });
    // A few blocks (one per transaction) burnt since the read the amount was computed from.
    expect(runway.runwayDays).toBeGreaterThan(29.99);
    expect(runway.runwayDays).toBeLessThanOrEqual(30);

    const sent = await sentCount();
    const again = await run('topUpCluster', {
      ...input,
      idempotencyKey: `test/topup/${after.blockNumber}`,
    });
    expect(skipReason(again)).toContain('reaches the target');
    expect(await sentCount()).toBe(sent);
  });

  it('withdraws the balance of an emptied cluster once, and never from one with validators', async () => {
    expect(
      await run('withdrawClusterBalance', {
        owner,
        operatorIds: CLUSTER_A,
        amount: ETHER.toString(),
        idempotencyKey: 'test/withdraw/a',
      }),
    ).toEqual({ action: 'skipped', reason: 'has validators (1)' });

    const publicKey = await registerValidator(11, CLUSTER_B, 5);
    const { state: synced } = await deps.ssv.indexSync.sync(null);
    await submitPrepared(
      await deps.ssv.network.removeValidator({
        index: synced.index,
        operatorIds: CLUSTER_B,
        publicKey,
        idempotencyKey: 'test/remove/11',
      }),
    );
    const emptied = await run('readClusterState', { owner, operatorIds: CLUSTER_B });
    expect(emptied.validatorCount).toBe(0);
    const balance = BigInt(emptied.balance);
    expect(balance).toBeGreaterThan(0n);

    const ownerBefore = await world.provider.getBalance(owner);
    const tx = minedTx(
      await run('withdrawClusterBalance', {
        owner,
        operatorIds: CLUSTER_B,
        amount: (10n * ETHER).toString(),
        idempotencyKey: 'test/withdraw/b',
      }),
    );
    const fee = BigInt(tx.gasUsed) * BigInt(tx.effectiveGasPrice);
    expect(await world.provider.getBalance(owner)).toBe(ownerBefore + balance - fee);
    expect((await run('readClusterState', { owner, operatorIds: CLUSTER_B })).balance).toBe('0');

    expect(
      await run('withdrawClusterBalance', {
        owner,
        operatorIds: CLUSTER_B,
        amount: (10n * ETHER).toString(),
        idempotencyKey: 'test/withdraw/b-again',
      }),
    ).toEqual({ action: 'skipped', reason: 'no balance' });
  });

  it('skips reactivation of an active cluster and migration of an ETH cluster', async () => {
    const common = { owner, operatorIds: CLUSTER_A, amount: ETHER.toString() };
    expect(
      await run('reactivateCluster', { ...common, idempotencyKey: 'test/reactivate' }),
    ).toEqual({ action: 'skipped', reason: 'cluster is active' });
    expect(await run('migrateClusterToEth', { ...common, idempotencyKey: 'test/migrate' })).toEqual(
      { action: 'skipped', reason: 'cluster is on the ETH ledger' },
    );
  });
});

describe('operators, fee recipient and SSV path', () => {
  it('reflects an operator the SSV API marks Inactive', async () => {
    world.ssvApi.admin.setOperatorStatus(2, 'Inactive');
    try {
      const snapshot = await run('refreshOperators', { owner });
      expect(snapshot.apiAvailable).toBe(true);
      // Cluster B was emptied: only cluster A's operators carry our validators.
      expect(snapshot.operators.map((op) => op.id)).toEqual(CLUSTER_A);
      const byId = new Map(snapshot.operators.map((op) => [op.id, op]));
      expect(byId.get(2)).toMatchObject({ active: false, removed: false, ourValidatorCount: 1 });
      expect(byId.get(1)).toMatchObject({ active: true, removed: false, ourValidatorCount: 1 });
      expect(typeof byId.get(1)?.performance24h).toBe('number');
    } finally {
      world.ssvApi.admin.setOperatorStatus(2, null);
    }
  });

  it('keeps chain facts when the SSV API fails', async () => {
    world.ssvApi.admin.injectFaults({ kind: '5xx', count: 1 });
    const snapshot = await run('refreshOperators', { owner, operatorIds: [9] });
    expect(snapshot.apiAvailable).toBe(false);
    expect(snapshot.operators.map((op) => op.id)).toEqual([1, 2, 3, 4, 9]);
    expect(snapshot.operators.every((op) => op.active && op.performance24h === null)).toBe(true);
  });

  it('sets the fee recipient once: a second call sends nothing', async () => {
    const recipient = await run('readFeePool', { pool });
    const sent = await sentCount();
    const first = await run('setFeeRecipient', {
      owner,
      recipient,
      idempotencyKey: 'test/fee-recipient/0',
    });
    minedTx(first);
    const second = await run('setFeeRecipient', {
      owner,
      recipient,
      idempotencyKey: 'test/fee-recipient/1',
    });
    expect(skipReason(second)).toBe(`fee recipient is already ${getAddress(recipient)}`);
    expect(await sentCount()).toBe(sent + 1);
  });

  it('reports the SSV path healthy, and unhealthy for an underfunded owner', async () => {
    expect(await run('readSsvPathStatus', { owner })).toEqual({ healthy: true });
    const strict = createMonitorActivities({
      ...deps,
      ssvPath: { ...deps.ssvPath, minOwnerBalanceWei: (10n ** 30n).toString() },
    });
    const status: SsvPathStatus = await context.run(
      (input: { owner: string }) => strict.readSsvPathStatus(input),
      {
        owner,
      },
    );
    expect(status.healthy).toBe(false);
    expect(status.healthy ? '' : status.reason).toMatch(
      new RegExp(`^owner ${owner} holds [0-9.]+ ETH, below the 1000000000000 ETH it needs$`),
    );
  });
});

describe('uptime', () => {
  let server: Server;
  let url: string;
  const bodies: unknown[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: { status: '80000' } };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(raw) as unknown);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/uptime?token=s3cret`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the validator indices and reads StaFi success', async () => {
    const result = await run('postUptime', { url, validatorIndices: ['5', '12'] });
    expect(result).toEqual({ ok: true, httpStatus: 200, apiStatus: '80000' });
    expect(bodies.at(-1)).toEqual({ validatorIndexList: [5, 12] });
  });

  it('reports a refused report as not ok', async () => {
    answer = { status: 200, body: { status: '10001', message: 'bad' } };
    expect(await run('postUptime', { url, validatorIndices: ['5'] })).toEqual({
      ok: false,
      httpStatus: 200,
      apiStatus: '10001',
    });
  });

  it('names only the host of an endpoint that does not answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await expectFailure(
      run('postUptime', {
        url: `http://127.0.0.1:${port}/path?token=s3cret`,
        validatorIndices: ['1'],
      }),
    );
    expect(failure.type).toBe('ERR_UPSTREAM_UNAVAILABLE');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain(`127.0.0.1:${port}`);
    expect(JSON.stringify([failure.message, failure.details])).not.toMatch(/s3cret|\/path/);
  });
});
