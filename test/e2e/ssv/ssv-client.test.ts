// The SSV owner index sync and request builders against the devnet SSVNetwork: the index folds
// our registrations, removals, exits and a third party's deposits; a resume from a stored cursor
// equals a full scan; pre-checks answer alreadyDone when the chain already shows the effect; and a
// registration (single and bulk) survives a third-party deposit that lands first in the same
// block: the pre-deposit struct reverts IncorrectClusterState, the re-synced one succeeds. The
// builders only build requests; this test sends them with the owner's wallet.
import { randomBytes } from 'node:crypto';
import { deriveKeyFromEntropy } from '@chainsafe/bls-keygen';
import {
  Contract,
  ZeroHash,
  parseEther,
  type HDNodeWallet,
  type JsonRpcProvider,
  type TransactionReceipt,
} from 'ethers';
import { devnetProvider, startChain, type Chain } from '../../../devnet/chain.js';
import { deploySsv, registerDevnetOperators } from '../../../devnet/deploy/ssv.js';
import { compileSsvContracts } from '../../../devnet/deploy/ssv-artifacts.js';
import { SSV_NETWORK_ABI } from '../../../activities/abi/ssv-network.js';
import { makeRevertDecoder, revertDataOf } from '../../../activities/chain/revert.js';
import type { TxRequest } from '../../../activities/chain/tx-engine.js';
import { createKeysActivities } from '../../../activities/keys/index.js';
import { signingKeyPath } from '../../../activities/keys/key-source.js';
import {
  makeClusterIndexSync,
  type ClusterIndexSync,
  type ClusterIndexSyncState,
} from '../../../activities/ssv/cluster-index-sync.js';
import {
  makeSsvNetworkClient,
  type PreparedSsvCall,
  type SsvNetworkClient,
} from '../../../activities/ssv/ssv-network-client.js';
import { getIndexedCluster } from '../../../domain/ssv/cluster-index.js';
import type { ClusterJson } from '../../../domain/ssv/cluster.js';
import { makeOperators, type TestOperator } from '../../fixtures/ssv-operators.js';
import { wallet } from '../contracts/ssv-helpers.js';

const FUNDING = parseEther('0.01');
const CLUSTER_A = [1, 2, 3, 4];
const CLUSTER_B = [5, 6, 7, 8];
const decodeRevert = makeRevertDecoder([SSV_NETWORK_ABI]);

let chain: Chain;
let provider: JsonRpcProvider;
let owner: HDNodeWallet;
let thirdParty: HDNodeWallet;
let ssvNetwork: string;
let deployBlock: number;
let operators: TestOperator[];
let indexSync: ClusterIndexSync;
let client: SsvNetworkClient;
let keys: ReturnType<typeof createKeysActivities>;
let pubkeys: string[];
/** The state after the first registrations, stored as JSON as a workflow would. */
let storedMidway: string;

beforeAll(async () => {
  chain = await startChain();
  provider = devnetProvider(chain.rpcUrl, chain.chainId);
  const deployer = wallet(provider, chain.mnemonic, 0);
  owner = wallet(provider, chain.mnemonic, 2);
  thirdParty = wallet(provider, chain.mnemonic, 3);
  const artifacts = compileSsvContracts();
  const deployed = await deploySsv(deployer, { artifacts });
  ssvNetwork = deployed.ssvNetwork;
  deployBlock = deployed.deployBlock;
  operators = makeOperators(8);
  await registerDevnetOperators(wallet(provider, chain.mnemonic, 1), {
    ssvNetwork,
    operators: operators.map((operator) => ({
      publicKey: operator.publicKey,
      fee: 1_770_000_000n,
    })),
    artifacts,
  });
  indexSync = makeClusterIndexSync({
    provider,
    ssvNetwork,
    owner: owner.address,
    fromBlock: deployBlock,
    blockRange: 4,
  });
  client = makeSsvNetworkClient({ provider, ssvNetwork, owner: owner.address });
  const seed = randomBytes(64);
  keys = createKeysActivities({
    keySource: {
      deriveSigningKey: (index) =>
        Promise.resolve(deriveKeyFromEntropy(seed, signingKeyPath(index))),
    },
    network: {
      name: 'devnet',
      chainId: chain.chainId,
      genesisForkVersion: '0x10000000',
      capellaForkVersion: '0x40000000',
      genesisValidatorsRoot: ZeroHash as `0x${string}`,
      depositContract: ZeroHash.slice(0, 42) as `0x${string}`,
    },
    config: { ssvOwnerAddress: owner.address },
  });
  pubkeys = await Promise.all(
    [0, 1, 2, 3, 4, 5].map(
      async (keyIndex) => (await keys.deriveValidatorPubkey({ keyIndex })).pubkey,
    ),
  );
}, 180_000);

afterAll(async () => {
  provider?.destroy();
  await chain?.stop();
});

const opsOf = (ids: number[]) =>
  operators.filter((op) => ids.includes(op.id)).map(({ id, publicKey }) => ({ id, publicKey }));

function requestOf(prepared: PreparedSsvCall): TxRequest {
  if (prepared.alreadyDone)
    throw new Error(`expected a request, got alreadyDone: ${prepared.reason}`);
  return prepared.request;
}

async function sendRequest(
  request: TxRequest,
  overrides: Record<string, bigint | number> = {},
): Promise<TransactionReceipt> {
  expect(request.from).toBe(owner.address);
  const tx = await owner.sendTransaction({
    to: request.to,
    data: request.data,
    value: BigInt(request.valueWei),
    ...overrides,
  });
  const receipt = await tx.wait();
  if (receipt === null) throw new Error('no receipt');
  return receipt;
}

async function fullScan(): Promise<ClusterIndexSyncState> {
  return (await indexSync.sync(null)).state;
}

async function register(
  state: ClusterIndexSyncState,
  keyIndex: number,
  operatorIds: number[],
): Promise<PreparedSsvCall> {
  const nonce = state.index.ownerNonce;
  const payload = await keys.buildSharesPayload({
    keyIndex,
    operators: opsOf(operatorIds),
    ownerNonce: nonce,
  });
  return client.registerValidator({
    index: state.index,
    operatorIds,
    publicKey: payload.publicKey,
    sharesData: payload.sharesData,
    ownerNonce: nonce,
    valueWei: FUNDING.toString(),
    idempotencyKey: `test/register/${keyIndex}`,
  });
}

async function bulkRegister(
  state: ClusterIndexSyncState,
  keyIndexes: number[],
  operatorIds: number[],
): Promise<PreparedSsvCall> {
  const nonce = state.index.ownerNonce;
  const payloads = await keys.buildBulkSharesPayloads({
    keyIndexes,
    operators: opsOf(operatorIds),
    ownerNonce: nonce,
  });
  return client.bulkRegisterValidator({
    index: state.index,
    operatorIds,
    publicKeys: payloads.map((p) => p.publicKey),
    sharesData: payloads.map((p) => p.sharesData),
    ownerNonce: nonce,
    valueWei: (FUNDING * BigInt(keyIndexes.length)).toString(),
    idempotencyKey: `test/bulk/${keyIndexes.join('-')}`,
  });
}

/** A third party's `deposit` into our cluster, with the struct it read from chain. */
async function thirdPartyDeposit(
  operatorIds: number[],
  cluster: ClusterJson,
  overrides: Record<string, bigint | number> = {},
) {
  const network = new Contract(ssvNetwork, SSV_NETWORK_ABI, thirdParty);
  const struct = [
    cluster.validatorCount,
    cluster.networkFeeIndex,
    cluster.index,
    cluster.active,
    cluster.balance,
  ];
  return network.getFunction('deposit').send(owner.address, operatorIds, struct, {
    value: parseEther('0.001'),
    ...overrides,
  });
}

function clusterIn(state: ClusterIndexSyncState, operatorIds: number[]) {
  const entry = getIndexedCluster(state.index, operatorIds);
  if (!entry) throw new Error(`cluster ${operatorIds.join('-')} not indexed`);
  return entry;
}

describe('SSV owner index sync', () => {
  it('folds registrations, bulk registrations, third-party deposits, exits, removals and the fee recipient', async () => {
    const empty = await indexSync.sync(null);
    expect(empty.eventsApplied).toBe(0);
    expect(empty.state.index.ownerNonce).toBe(0);

    let state = empty.state;
    expect((await sendRequest(requestOf(await register(state, 0, CLUSTER_A)))).status).toBe(1);
    state = (await indexSync.sync(state)).state;
    expect(
      (await sendRequest(requestOf(await bulkRegister(state, [1, 2], CLUSTER_B)))).status,
    ).toBe(1);
    state = (await indexSync.sync(state)).state;
    storedMidway = JSON.stringify(state);
    expect(state.index.ownerNonce).toBe(3);

    // A third party funds cluster A: the owner index must pick up its struct.
    const deposited = await (
      await thirdPartyDeposit(CLUSTER_A, clusterIn(state, CLUSTER_A).cluster)
    ).wait();
    expect(deposited?.status).toBe(1);
    state = (await indexSync.sync(state)).state;
    expect(BigInt(clusterIn(state, CLUSTER_A).cluster.balance)).toBe(FUNDING + parseEther('0.001'));

    await sendRequest(
      requestOf(
        await client.exitValidator({
          index: state.index,
          operatorIds: CLUSTER_A,
          publicKey: pubkeys[0]!,
          idempotencyKey: 'test/exit/0',
        }),
      ),
    );
    await sendRequest(
      requestOf(
        await client.removeValidator({
          index: state.index,
          operatorIds: CLUSTER_B,
          publicKey: pubkeys[1]!,
          idempotencyKey: 'test/remove/1',
        }),
      ),
    );
    await sendRequest(
      requestOf(
        await client.setFeeRecipientAddress({
          index: state.index,
          recipient: thirdParty.address,
          idempotencyKey: 'test/fee',
        }),
      ),
    );

    const full = await indexSync.sync(null);
    expect(full.requests).toBeGreaterThan(1); // paginated by 4-block ranges
    const a = clusterIn(full.state, CLUSTER_A);
    const b = clusterIn(full.state, CLUSTER_B);
    expect(full.state.index.ownerNonce).toBe(3);
    expect(full.state.index.feeRecipient).toBe(thirdParty.address.toLowerCase());
    expect(a.validators).toEqual([pubkeys[0]]);
    expect(a.exitRequested).toEqual([pubkeys[0]]);
    expect(b.validators).toEqual([pubkeys[2]]);
    expect(b.cluster.validatorCount).toBe(1);
    // The indexed structs are the ones the contract holds: the views accept them.
    expect(await client.isLiquidated(CLUSTER_A, a.cluster)).toBe(false);
    expect(await client.isLiquidated(CLUSTER_B, b.cluster)).toBe(false);
    expect(BigInt(await client.getBalance(CLUSTER_A, a.cluster))).toBeLessThanOrEqual(
      BigInt(a.cluster.balance),
    );
  });

  it('resumes from a stored cursor to the same state as a full scan', async () => {
    const resumed = await indexSync.sync(JSON.parse(storedMidway) as ClusterIndexSyncState);
    const full = await indexSync.sync(null);
    expect(resumed.state).toEqual(full.state);
    expect(resumed.eventsApplied).toBe(4); // deposit, exit, removal, fee recipient
    // Resuming an up-to-date state scans nothing and changes nothing.
    const again = await indexSync.sync(full.state);
    expect(again).toMatchObject({ eventsApplied: 0, requests: 0, state: full.state });
  });
});

describe('SSV request builders: idempotency pre-checks', () => {
  it('answers alreadyDone for effects the chain already shows', async () => {
    const { index } = await fullScan();
    const common = { index, idempotencyKey: 'test/again' };
    // Registered: both the single and the bulk form.
    expect(await register({ index, scannedToBlock: null }, 0, CLUSTER_A)).toMatchObject({
      alreadyDone: true,
    });
    const payload = await keys.buildSharesPayload({
      keyIndex: 2,
      operators: opsOf(CLUSTER_B),
      ownerNonce: index.ownerNonce,
    });
    expect(
      await client.bulkRegisterValidator({
        ...common,
        operatorIds: CLUSTER_B,
        publicKeys: [payload.publicKey],
        sharesData: [payload.sharesData],
        ownerNonce: index.ownerNonce,
        valueWei: '0',
      }),
    ).toMatchObject({ alreadyDone: true });
    // Removed, exited, fee recipient set, cluster active and on the ETH ledger.
    expect(
      await client.removeValidator({ ...common, operatorIds: CLUSTER_B, publicKey: pubkeys[1]! }),
    ).toMatchObject({ alreadyDone: true });
    expect(
      await client.exitValidator({ ...common, operatorIds: CLUSTER_A, publicKey: pubkeys[0]! }),
    ).toMatchObject({ alreadyDone: true });
    expect(
      await client.setFeeRecipientAddress({ ...common, recipient: thirdParty.address }),
    ).toMatchObject({ alreadyDone: true });
    expect(
      await client.reactivate({ ...common, operatorIds: CLUSTER_A, valueWei: '0' }),
    ).toMatchObject({ alreadyDone: true, reason: 'cluster is active' });
    expect(
      await client.migrateClusterToETH({ ...common, operatorIds: CLUSTER_A, valueWei: '0' }),
    ).toMatchObject({ alreadyDone: true });
    expect(
      await client.deposit({
        ...common,
        operatorIds: CLUSTER_A,
        amountWei: '1',
        targetBalanceWei: '1000',
      }),
    ).toMatchObject({ alreadyDone: true });

    // Partly done: a bulk removal keeps only the still-registered key.
    const removal = await client.bulkRemoveValidator({
      ...common,
      operatorIds: CLUSTER_B,
      publicKeys: [pubkeys[1]!, pubkeys[2]!],
    });
    expect(removal).toMatchObject({
      alreadyDone: false,
      skipped: [pubkeys[1]],
      request: { kind: 'ssv.removeValidator' },
    });
    // A bulk registration whose keys are partly registered must be rebuilt (nonces moved).
    const mixed = await keys.buildBulkSharesPayloads({
      keyIndexes: [2, 5],
      operators: opsOf(CLUSTER_B),
      ownerNonce: index.ownerNonce,
    });
    await expect(
      client.bulkRegisterValidator({
        ...common,
        operatorIds: CLUSTER_B,
        publicKeys: mixed.map((p) => p.publicKey),
        sharesData: mixed.map((p) => p.sharesData),
        ownerNonce: index.ownerNonce,
        valueWei: '0',
      }),
    ).rejects.toMatchObject({ code: 'ERR_TX_STATE_CHANGED' });
    // Shares signed for an old nonce are refused before anything is sent.
    const stale = await keys.buildSharesPayload({
      keyIndex: 5,
      operators: opsOf(CLUSTER_A),
      ownerNonce: 0,
    });
    await expect(
      client.registerValidator({
        ...common,
        operatorIds: CLUSTER_A,
        publicKey: stale.publicKey,
        sharesData: stale.sharesData,
        ownerNonce: 0,
        valueWei: '0',
      }),
    ).rejects.toMatchObject({
      code: 'ERR_TX_STATE_CHANGED',
      message: expect.stringContaining('owner nonce 0, but the index is at 3') as unknown,
    });
  });

  it('reads the network views', async () => {
    expect(await client.getVersion()).toBe('v2.0.0');
    expect(await client.getNetworkFee()).toBe('3366600000');
    expect(await client.getLiquidationParameters()).toEqual({
      minimumCollateralWei: '324862599900000',
      thresholdPeriodBlocks: 42960,
    });
    expect(await client.getValidatorsPerOperatorLimit()).toBe(1000);
    expect(await client.getOperatorById(1)).toMatchObject({
      id: 1,
      fee: '1770000000',
      validatorCount: 1,
      isPrivate: false,
      isActive: true,
    });
    expect(await client.isRegistered(pubkeys[0]!)).toBe(true);
    const { index } = await fullScan();
    const a = clusterIn({ index, scannedToBlock: null }, CLUSTER_A);
    expect(await client.getBurnRate(CLUSTER_A, a.cluster)).toBe(
      (4n * 1_770_000_000n + 3_366_600_000n).toString(),
    );
    expect(await client.isLiquidatable(CLUSTER_A, a.cluster)).toBe(false);
  });
});

describe('SSV registration after a third-party deposit in the same block', () => {
  /** Mines the third party's deposit and our request in one block, deposit first. */
  async function sameBlock(
    operatorIds: number[],
    before: ClusterIndexSyncState,
    ours: TxRequest,
  ): Promise<{ deposit: TransactionReceipt; mine: TransactionReceipt }> {
    await provider.send('evm_setAutomine', [false]);
    try {
      const deposit = await thirdPartyDeposit(operatorIds, clusterIn(before, operatorIds).cluster, {
        maxPriorityFeePerGas: parseEther('0.00000002'),
        maxFeePerGas: parseEther('0.0000001'),
        gasLimit: 300_000,
      });
      const tx = await owner.sendTransaction({
        to: ours.to,
        data: ours.data,
        value: BigInt(ours.valueWei),
        maxPriorityFeePerGas: parseEther('0.000000001'),
        maxFeePerGas: parseEther('0.0000001'),
        gasLimit: 3_000_000,
      });
      await provider.send('evm_mine', []);
      const [depositReceipt, mineReceipt] = await Promise.all([
        provider.getTransactionReceipt(deposit.hash),
        provider.getTransactionReceipt(tx.hash),
      ]);
      if (!depositReceipt || !mineReceipt) throw new Error('not mined');
      return { deposit: depositReceipt, mine: mineReceipt };
    } finally {
      await provider.send('evm_setAutomine', [true]);
    }
  }

  async function expectStale(request: TxRequest): Promise<void> {
    const error = await provider
      .call({
        from: request.from,
        to: request.to,
        data: request.data,
        value: BigInt(request.valueWei),
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(decodeRevert(revertDataOf(error)).name).toBe('IncorrectClusterState');
  }

  it.each([
    ['registerValidator', [3], CLUSTER_A],
    ['bulkRegisterValidator', [4, 5], CLUSTER_B],
  ] as const)(
    '%s succeeds with the re-synced struct after the pre-deposit one reverts',
    async (_name, keyIndexes, operatorIds) => {
      const before = await fullScan();
      const stalePrepared =
        keyIndexes.length === 1
          ? await register(before, keyIndexes[0], [...operatorIds])
          : await bulkRegister(before, [...keyIndexes], [...operatorIds]);
      const staleRequest = requestOf(stalePrepared);

      const { deposit, mine } = await sameBlock([...operatorIds], before, staleRequest);
      expect(deposit.status).toBe(1);
      expect(mine.status).toBe(0);
      expect(mine.blockNumber).toBe(deposit.blockNumber);
      expect(deposit.index).toBeLessThan(mine.index);

      // The struct the index held before the deposit is now refused by the contract …
      await expectStale(staleRequest);
      await expect(
        keyIndexes.length === 1
          ? register(before, keyIndexes[0], [...operatorIds])
          : bulkRegister(before, [...keyIndexes], [...operatorIds]),
      ).rejects.toMatchObject({
        code: 'ERR_TX_STATE_CHANGED',
        details: { revert: 'IncorrectClusterState' },
      });

      // … the re-synced index holds the deposit's struct (the reverted tx used no nonce) …
      const after = (await indexSync.sync(before)).state;
      expect(after.index.ownerNonce).toBe(before.index.ownerNonce);
      const entry = clusterIn(after, [...operatorIds]);
      expect(entry.updatedAt.blockNumber).toBe(deposit.blockNumber);
      expect(BigInt(entry.cluster.balance)).toBe(
        BigInt(clusterIn(before, [...operatorIds]).cluster.balance) + parseEther('0.001'),
      );

      // … and the registration built from it succeeds.
      const fresh = requestOf(
        keyIndexes.length === 1
          ? await register(after, keyIndexes[0], [...operatorIds])
          : await bulkRegister(after, [...keyIndexes], [...operatorIds]),
      );
      expect((await sendRequest(fresh)).status).toBe(1);
      const final = (await indexSync.sync(after)).state;
      expect(final.index.ownerNonce).toBe(before.index.ownerNonce + keyIndexes.length);
      expect(clusterIn(final, [...operatorIds]).validators).toEqual(
        expect.arrayContaining(keyIndexes.map((i) => pubkeys[i])),
      );
      expect(
        await client.isLiquidated([...operatorIds], clusterIn(final, [...operatorIds]).cluster),
      ).toBe(false);
    },
  );
});
