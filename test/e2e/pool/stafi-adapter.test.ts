// The StaFi pool adapter against the devnet pool contracts: address resolution through
// StafiStorage, a real 3-key deposit batch (deposit data signed by the keys activities with the
// pool's credentials), trusted-node votes, a stake batch, statuses and idempotency filters read
// back, and ejections per withdraw cycle for both StafiWithdraw branches. The adapter only builds
// requests; this test sends them with the super node's wallet.
import { randomBytes } from 'node:crypto';
import { deriveKeyFromEntropy } from '@chainsafe/bls-keygen';
import { ZeroHash, type HDNodeWallet, type JsonRpcProvider } from 'ethers';
import { devnetProvider, startChain, type Chain } from '../../../devnet/chain.js';
import type { Artifacts } from '../../../devnet/contracts/compile.js';
import { compilePoolContracts } from '../../../devnet/deploy/pool-artifacts.js';
import { deployPool, type DeployPoolReturnType } from '../../../devnet/deploy/pool.js';
import { createKeysActivities, type DepositDataResult } from '../../../activities/keys/index.js';
import { signingKeyPath } from '../../../activities/keys/key-source.js';
import type { TxRequest } from '../../../activities/chain/tx-engine.js';
import {
  makeStafiPoolAdapter,
  type StafiPoolAdapter,
} from '../../../activities/pool/stafi-adapter.js';
import {
  advanceToMiddleOfNextCycle,
  devnetWallet,
  poolContracts,
  send,
  type PoolContracts,
} from '../contracts/pool-helpers.js';

const ETH = 10n ** 18n;
const RESERVE = 20n * ETH;

let chain: Chain;
let provider: JsonRpcProvider;
let artifacts: Artifacts;
let superNodeAccount: HDNodeWallet;
let trusted: [HDNodeWallet, HDNodeWallet, HDNodeWallet];
let mainPool: DeployPoolReturnType;
let pectraPool: DeployPoolReturnType;
let main: PoolContracts;
let pectra: PoolContracts;
let adapter: StafiPoolAdapter;
let keys: ReturnType<typeof createKeysActivities>;

beforeAll(async () => {
  chain = await startChain();
  provider = devnetProvider(chain.rpcUrl, chain.chainId);
  artifacts = compilePoolContracts();
  const wallet = (index: number): HDNodeWallet => devnetWallet(chain.mnemonic, index, provider);
  const deployer = wallet(0);
  superNodeAccount = wallet(1);
  trusted = [wallet(2), wallet(3), wallet(4)];
  const common = {
    superNodes: [superNodeAccount.address],
    trustedNodes: trusted.map((node) => node.address),
    initialPoolBalance: 200n * ETH,
    artifacts,
  };
  mainPool = await deployPool(deployer, { ...common, withdrawFlavour: 'main' });
  pectraPool = await deployPool(deployer, { ...common, withdrawFlavour: 'pectra' });
  main = poolContracts(mainPool, artifacts, provider);
  pectra = poolContracts(pectraPool, artifacts, provider);
  adapter = makeStafiPoolAdapter({
    provider,
    storageAddress: mainPool.addresses.storage,
    superNodeAccount: superNodeAccount.address,
    reserveWei: RESERVE.toString(),
  });
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
      depositContract: mainPool.addresses.depositContract as `0x${string}`,
    },
    config: { ssvOwnerAddress: superNodeAccount.address },
  });
}, 180_000);

afterAll(async () => {
  provider?.destroy();
  await chain?.stop();
});

/** Sends an adapter-built request as its `from` account, the way the signer would. */
async function sendRequest(request: TxRequest): Promise<void> {
  expect(request.from).toBe(superNodeAccount.address);
  const tx = await superNodeAccount.sendTransaction({
    to: request.to,
    data: request.data,
    value: BigInt(request.valueWei),
  });
  const receipt = await tx.wait();
  expect(receipt?.status).toBe(1);
}

async function depositData(keyIndexes: number[], amountGwei: string): Promise<DepositDataResult[]> {
  const withdrawalCredentials = await adapter.getWithdrawalCredentials();
  return Promise.all(
    keyIndexes.map((keyIndex) =>
      keys.signDepositData({ keyIndex, withdrawalCredentials, amountGwei }),
    ),
  );
}

const asItems = (data: DepositDataResult[]) =>
  data.map((d) => ({
    pubkey: d.pubkey,
    signature: d.signature,
    depositDataRoot: d.depositDataRoot,
  }));

describe('StaFi pool adapter', () => {
  it('resolves every contract through StafiStorage and reads the pool settings', async () => {
    const { addresses } = mainPool;
    expect(await adapter.getContracts()).toEqual({
      userDeposit: addresses.userDeposit,
      superNode: addresses.superNode,
      networkSettings: addresses.networkSettings,
      withdraw: addresses.withdraw,
      superNodeFeePool: addresses.superNodeFeePool,
    });
    expect(await adapter.getFeePoolAddress()).toBe(addresses.superNodeFeePool);
    expect(await adapter.getWithdrawalCredentials()).toBe(
      `0x01${'00'.repeat(11)}${addresses.withdraw.slice(2).toLowerCase()}`,
    );
    expect(await adapter.getBalance()).toEqual({
      balanceWei: (200n * ETH).toString(),
      reserveWei: RESERVE.toString(),
      usableWei: (180n * ETH).toString(),
    });
    expect(await adapter.getPubkeyLimit()).toBe(50);
    expect(await adapter.getPubkeyCount()).toBe(0);
    expect(await adapter.getDepositEnabled()).toBe(true);
    expect(await adapter.getWithdrawFlavour()).toBe('main');
  });

  it('deposits a 3-key batch, votes the credentials, stakes the batch, and reads the statuses back', async () => {
    const deposits = await depositData([0, 1, 2], '1000000000');
    const pubkeys = deposits.map((d) => d.pubkey);
    expect(await adapter.filterNotDeposited(pubkeys)).toEqual(pubkeys);

    const depositRequest = await adapter.buildDepositRequest({
      items: asItems(deposits),
      idempotencyKey: 'test/deposit-batch-1',
    });
    expect(depositRequest).toMatchObject({
      kind: 'superNode.deposit',
      idempotencyKey: 'test/deposit-batch-1',
      to: mainPool.addresses.superNode,
      valueWei: '0',
    });
    expect(depositRequest.data.slice(0, 10)).toBe('0xd46221f9');
    await sendRequest(depositRequest);

    expect(await adapter.getPubkeyStatuses(pubkeys)).toEqual(
      Object.fromEntries(pubkeys.map((pubkey) => [pubkey, 'initial'])),
    );
    expect(await adapter.getPubkeyCount()).toBe(3);
    expect((await adapter.getBalance()).balanceWei).toBe((197n * ETH).toString());

    // Idempotency: a retried round skips the deposited keys and keeps only the new one.
    const [fresh] = await depositData([3], '1000000000');
    expect(await adapter.filterNotDeposited([...pubkeys, fresh!.pubkey])).toEqual([fresh!.pubkey]);
    expect(await adapter.filterStakeable(pubkeys)).toEqual([]);

    // Trusted nodes vote (2 of 3 reach the 50 % threshold).
    const [first, second, third] = trusted;
    await send(main.superNode, first, 'voteWithdrawCredentials', [
      pubkeys,
      pubkeys.map(() => true),
    ]);
    expect(await adapter.getPubkeyVoted(pubkeys[0]!, first.address)).toBe(true);
    expect(await adapter.getPubkeyVoted(pubkeys[0]!, third.address)).toBe(false);
    expect(await adapter.filterStakeable(pubkeys)).toEqual([]);
    await send(main.superNode, second, 'voteWithdrawCredentials', [
      pubkeys,
      pubkeys.map(() => true),
    ]);
    expect(await adapter.filterStakeable(pubkeys)).toEqual(pubkeys);

    const stakes = await depositData([0, 1, 2], '31000000000');
    const stakeRequest = await adapter.buildStakeRequest({
      items: asItems(stakes),
      idempotencyKey: 'test/stake-batch-1',
    });
    expect(stakeRequest.data.slice(0, 10)).toBe('0xca2b87af');
    const beforeStake = await provider.getBlockNumber();
    await sendRequest(stakeRequest);

    expect(Object.values(await adapter.getPubkeyStatuses(pubkeys))).toEqual([
      'staking',
      'staking',
      'staking',
    ]);
    expect(await adapter.filterStakeable(pubkeys)).toEqual([]);
    expect(await adapter.filterNotDeposited(pubkeys)).toEqual([]);
    expect((await adapter.getBalance()).balanceWei).toBe((104n * ETH).toString());

    // The plan's reads pinned to the block before the stake still see it unstaked, all of them.
    const pinned = adapter.atBlock(beforeStake);
    expect((await pinned.getBalance()).balanceWei).toBe((197n * ETH).toString());
    expect(Object.values(await pinned.getPubkeyStatuses(pubkeys))).toEqual([
      'match',
      'match',
      'match',
    ]);
    expect(await pinned.getPubkeyCount()).toBe(3);
    expect(await pinned.getPubkeyLimit()).toBe(50);
    expect(await pinned.getDepositEnabled()).toBe(true);
  });

  it('rejects malformed batches before encoding anything', async () => {
    const [deposit] = await depositData([4], '1000000000');
    const item = asItems([deposit!])[0]!;
    await expect(
      adapter.buildDepositRequest({ items: [], idempotencyKey: 'k' }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
    });
    await expect(
      adapter.buildDepositRequest({ items: [item, item], idempotencyKey: 'k' }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
      message: 'A super-node deposit batch repeats a pubkey.',
    });
    await expect(
      adapter.buildStakeRequest({ items: [{ ...item, signature: '0x1234' }], idempotencyKey: 'k' }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
      message: 'signature is not 96 bytes of 0x-hex.',
    });
  });

  it('reads ejected validator indices per cycle on the main branch', async () => {
    const before = await adapter.getExitRequests();
    expect(before).toMatchObject({ flavour: 'main', cycles: [] });

    const current = await advanceToMiddleOfNextCycle(provider);
    const previous = current - 1n;
    const [first, second] = trusted;
    for (const voter of [first, second]) {
      await send(main.withdraw, voter, 'notifyValidatorExit', [previous, previous - 1n, [7n, 42n]]);
    }
    const requests = await adapter.getExitRequests();
    expect(requests).toEqual({
      flavour: 'main',
      currentCycle: Number(current),
      fromCycle: Number(previous - 1n),
      cycles: [{ cycle: Number(previous), validatorIndices: ['7', '42'] }],
    });
  });

  it('probes the pectra branch and reads its EIP-7002 exit requests from logs', async () => {
    const pectraAdapter = makeStafiPoolAdapter({
      provider,
      storageAddress: pectraPool.addresses.storage,
      superNodeAccount: superNodeAccount.address,
      reserveWei: '0',
      exitEventsFromBlock: pectraPool.deployBlock,
      logBlockRange: 7,
    });
    expect(await pectraAdapter.getWithdrawFlavour()).toBe('pectra');
    const current = await advanceToMiddleOfNextCycle(provider);
    const previous = current - 1n;
    const pubkeys = [`0x${'ab'.repeat(48)}`, `0x${'cd'.repeat(48)}`];
    const [first, second] = trusted;
    for (const voter of [first, second]) {
      await send(pectra.withdraw, voter, 'requestValidatorExit', [previous, pubkeys], 100n);
    }
    expect(await pectraAdapter.getExitRequests()).toMatchObject({
      flavour: 'pectra',
      currentCycle: Number(current),
      cycles: [{ cycle: Number(previous), pubkeys }],
    });
  });
});
