// The devnet SSVNetwork against specs/ssv-network-v2.md with real transactions on a Hardhat node:
// cluster hashing, registration checks in the spec's order, bulk events, stale structs (single
// and bulk registration, removal), fee accrual per block, liquidation and reactivation, withdraw
// limits, caps, private operators, legacy SSV clusters with migrateClusterToETH,
// effective-balance updates and exits. Every struct comes from the latest event, as the router
// takes it.
import {
  AbiCoder,
  ContractFactory,
  ZeroAddress,
  keccak256,
  type Contract,
  type HDNodeWallet,
  type JsonRpcProvider,
} from 'ethers';
import { artifact, type Artifacts } from '../../../devnet/contracts/compile.js';
import { devnetProvider, startChain, type Chain } from '../../../devnet/chain.js';
import { compileSsvContracts } from '../../../devnet/deploy/ssv-artifacts.js';
import { encodeOperatorPublicKey } from '../../../devnet/deploy/ssv.js';
import {
  NEW_SSV_CLUSTER,
  ssvClusterHash,
  ssvClusterKey,
  type SsvCluster,
} from '../../../devnet/deploy/ssv-cluster.js';
import {
  OPERATOR_FEE,
  clusterOf,
  deployFixture,
  eventsOf,
  expectRevert,
  fakeOperatorKey,
  mine,
  randomPubkey,
  randomShares,
  read,
  send,
  wallet,
  type SsvFixture,
} from './ssv-helpers.js';

const ETH = 10n ** 18n;

let chain: Chain;
let provider: JsonRpcProvider;
let artifacts: Artifacts;
let deployer: HDNodeWallet;
let operatorOwner: HDNodeWallet;
let thirdParty: HDNodeWallet;
let nextAccount = 3;

/** A fresh funded account per test, so every test has its own cluster keys. */
function freshOwner(): HDNodeWallet {
  return wallet(provider, chain.mnemonic, nextAccount++);
}

beforeAll(async () => {
  chain = await startChain();
  provider = devnetProvider(chain.rpcUrl, chain.chainId);
  artifacts = compileSsvContracts();
  deployer = wallet(provider, chain.mnemonic, 0);
  operatorOwner = wallet(provider, chain.mnemonic, 1);
  thirdParty = wallet(provider, chain.mnemonic, 2);
}, 120_000);

afterAll(async () => {
  provider?.destroy();
  await chain?.stop();
});

/** Σ operator fees + network fee for a 4-operator cluster, wei per block per validator. */
function burnPerValidator(fx: SsvFixture): bigint {
  return 4n * OPERATOR_FEE + fx.parameters.networkFee;
}

/** §9.4 burn threshold for `validators` validators at the fixture's LTP. */
function liquidationThreshold(fx: SsvFixture, validators: bigint): bigint {
  const burn = burnPerValidator(fx) * validators;
  const byBurn = fx.parameters.liquidationThresholdPeriod * burn;
  return byBurn > fx.parameters.minimumLiquidationCollateral
    ? byBurn
    : fx.parameters.minimumLiquidationCollateral;
}

/** Registers `keys` into the cluster (bulk when more than one) and returns the new struct. */
async function register(
  network: Contract,
  operatorIds: readonly bigint[],
  keys: readonly string[],
  cluster: SsvCluster,
  value: bigint,
): Promise<SsvCluster> {
  const receipt =
    keys.length === 1
      ? await send(network, 'registerValidator', [keys[0], operatorIds, '0x', cluster], value)
      : await send(
          network,
          'bulkRegisterValidator',
          [keys, operatorIds, keys.map(() => '0x'), cluster],
          value,
        );
  return clusterOf(network, receipt);
}

describe('SSV devnet: operators', () => {
  let fx: SsvFixture;
  beforeAll(async () => {
    fx = await deployFixture(deployer, operatorOwner, artifacts, 4);
  }, 60_000);

  it('registers with increasing ids and echoes abi.encode(base64 PEM) in OperatorAdded', async () => {
    const key = fakeOperatorKey();
    expect(key).toHaveLength(612);
    const network = fx.networkAs(operatorOwner);
    const receipt = await send(network, 'registerOperator', [
      encodeOperatorPublicKey(key),
      OPERATOR_FEE,
      false,
    ]);
    const events = eventsOf(network, receipt);
    expect(events.map((e) => e.name)).toEqual(['OperatorAdded', 'OperatorPrivacyStatusUpdated']);
    const [operatorId, owner, publicKey, fee] = events[0]!.args as [bigint, string, string, bigint];
    expect(operatorId).toBe(5n);
    expect(owner).toBe(operatorOwner.address);
    expect((publicKey.length - 2) / 2).toBe(704);
    expect(AbiCoder.defaultAbiCoder().decode(['string'], publicKey)[0]).toBe(key);
    expect(fee).toBe(OPERATOR_FEE);
    expect(events[1]!.args).toEqual([[5n], false]);
    expect(await read(fx.views, 'getOperatorById', [5n])).toEqual([
      operatorOwner.address,
      OPERATOR_FEE,
      0n,
      ZeroAddress,
      false,
      true,
    ]);
  });

  it('rejects a duplicate key, an imprecise fee and fees outside the bounds', async () => {
    const network = fx.networkAs(operatorOwner);
    const key = encodeOperatorPublicKey(fakeOperatorKey());
    await send(network, 'registerOperator', [key, OPERATOR_FEE, false]);
    await expectRevert(
      network,
      'registerOperator',
      [key, OPERATOR_FEE, false],
      'OperatorAlreadyExists',
    );
    const other = encodeOperatorPublicKey(fakeOperatorKey());
    await expectRevert(
      network,
      'registerOperator',
      [other, OPERATOR_FEE + 1n, false],
      'MaxPrecisionExceeded',
    );
    await expectRevert(network, 'registerOperator', [other, 100_000n, false], 'FeeTooLow');
    await expectRevert(
      network,
      'registerOperator',
      [other, fx.parameters.operatorMaxFee + 100_000n, false],
      'FeeTooHigh',
    );
  });

  it('lets only the owner remove an operator, which then reads as inactive', async () => {
    const [, , , fourth] = fx.operatorIds;
    await expectRevert(
      fx.networkAs(thirdParty),
      'removeOperator',
      [fourth],
      'CallerNotOwnerWithData',
      [thirdParty.address, operatorOwner.address],
    );
    const receipt = await send(fx.networkAs(operatorOwner), 'removeOperator', [fourth]);
    expect(eventsOf(fx.network, receipt).map((e) => e.name)).toEqual(['OperatorRemoved']);
    expect(await read(fx.views, 'getOperatorById', [fourth])).toEqual([
      operatorOwner.address,
      0n,
      0n,
      ZeroAddress,
      false,
      false,
    ]);
  });
});

describe('SSV devnet: registration, removal and cluster hashing', () => {
  let fx: SsvFixture;
  let ids: bigint[];
  beforeAll(async () => {
    fx = await deployFixture(deployer, operatorOwner, artifacts, 8);
    ids = fx.operatorIds.slice(0, 4);
  }, 60_000);

  it('creates a new cluster only from {0,0,0,true,0} with enough ETH and stores the §2 hash', async () => {
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const key = randomPubkey();
    const shares = randomShares();
    const deposit = ETH / 100n;
    await expectRevert(
      network,
      'registerValidator',
      [key, ids, shares, NEW_SSV_CLUSTER],
      'InsufficientBalance',
    );
    await expectRevert(
      network,
      'registerValidator',
      [key, ids, shares, { ...NEW_SSV_CLUSTER, balance: 1n }],
      'IncorrectClusterState',
      [],
      deposit,
    );

    const receipt = await send(
      network,
      'registerValidator',
      [key, ids, shares, NEW_SSV_CLUSTER],
      deposit,
    );
    const events = eventsOf(network, receipt);
    expect(events).toHaveLength(1);
    const [eventOwner, eventIds, eventKey, eventShares] = events[0]!.args as [
      string,
      bigint[],
      string,
      string,
    ];
    expect([eventOwner, eventIds, eventKey, eventShares]).toEqual([
      owner.address,
      ids,
      key,
      shares,
    ]);
    const cluster = clusterOf(network, receipt);
    expect(cluster).toMatchObject({ validatorCount: 1n, active: true, balance: deposit });
    expect(cluster.index).toBeGreaterThan(0n);
    expect(cluster.networkFeeIndex).toBeGreaterThan(0n);

    const [clusterKey, ethHash, ssvHash] = await read<[string, string, string]>(
      fx.network,
      'devnetGetClusterHashes',
      [owner.address, ids],
    );
    expect(clusterKey).toBe(ssvClusterKey(owner.address, ids));
    expect(ethHash).toBe(ssvClusterHash(cluster));
    expect(ssvHash).toBe(`0x${'0'.repeat(64)}`);
    expect(await read(fx.views, 'getValidator', [owner.address, key])).toBe(true);
    expect(await read(fx.views, 'getClusterAssetType', [owner.address, ids])).toBe(1n);
    expect(await read(fx.views, 'getVersion')).toBe('v2.0.0');
    expect(await read(fx.network, 'getVersion')).toBe('v2.0.0');
    const operator = await read<unknown[]>(fx.views, 'getOperatorById', [ids[0]]);
    expect(operator[2]).toBeGreaterThanOrEqual(1n);
  });

  it('evaluates the registration checks in the spec order', async () => {
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const value = ETH / 100n;
    const key = randomPubkey();
    const cluster = await register(network, ids, [key], NEW_SSV_CLUSTER, value);
    const stale = { ...cluster, balance: cluster.balance + 1n };
    const unsorted = [ids[1], ids[0], ids[2], ids[3]];
    const fresh = randomPubkey();

    await expectRevert(
      network,
      'bulkRegisterValidator',
      [[], ids, [], cluster],
      'EmptyPublicKeysList',
    );
    await expectRevert(
      network,
      'bulkRegisterValidator',
      [[fresh], ids, [], cluster],
      'PublicKeysSharesLengthMismatch',
    );
    // Ids length is checked before the key, the key before the cluster struct.
    await expectRevert(
      network,
      'registerValidator',
      ['0x1234', ids.slice(0, 3), '0x', stale],
      'InvalidOperatorIdsLength',
    );
    await expectRevert(
      network,
      'registerValidator',
      [fresh, fx.operatorIds.slice(0, 5), '0x', cluster],
      'InvalidOperatorIdsLength',
    );
    await expectRevert(
      network,
      'registerValidator',
      ['0x1234', unsorted, '0x', stale],
      'InvalidPublicKeyLength',
    );
    await expectRevert(
      network,
      'registerValidator',
      [key, unsorted, '0x', stale],
      'ValidatorAlreadyExistsWithData',
      [key],
    );
    await expectRevert(
      network,
      'bulkRegisterValidator',
      [[fresh, fresh], ids, ['0x', '0x'], cluster],
      'ValidatorAlreadyExistsWithData',
      [fresh],
    );
    // The struct is checked before the operator list (an unsorted list is a different, new cluster).
    await expectRevert(
      network,
      'registerValidator',
      [fresh, ids, '0x', stale],
      'IncorrectClusterState',
    );
    await expectRevert(
      network,
      'registerValidator',
      [fresh, unsorted, '0x', NEW_SSV_CLUSTER],
      'UnsortedOperatorsList',
      [],
      value,
    );
    const duplicate = [ids[0], ids[0], ids[1], ids[2]];
    await expectRevert(
      network,
      'registerValidator',
      [fresh, duplicate, '0x', NEW_SSV_CLUSTER],
      'OperatorsListNotUnique',
      [],
      value,
    );
    const unknown = [ids[0], ids[1], ids[2], 99n];
    await expectRevert(
      network,
      'registerValidator',
      [fresh, unknown, '0x', NEW_SSV_CLUSTER],
      'OperatorDoesNotExist',
      [],
      value,
    );
    // Each id is compared with the next one before it is looked up: an unknown id followed by an
    // ascending one fails on the lookup, one followed by a smaller id fails on the order.
    await expectRevert(
      network,
      'registerValidator',
      [fresh, [ids[0], 20n, 30n, 25n], '0x', NEW_SSV_CLUSTER],
      'OperatorDoesNotExist',
      [],
      value,
    );
    await expectRevert(
      network,
      'registerValidator',
      [fresh, [ids[0], 30n, 20n, 25n], '0x', NEW_SSV_CLUSTER],
      'UnsortedOperatorsList',
      [],
      value,
    );
  });

  it('emits one ValidatorAdded per key in input order, all carrying the same final struct', async () => {
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const keys = [randomPubkey(), randomPubkey(), randomPubkey()];
    const shares = keys.map(() => randomShares());
    const receipt = await send(
      network,
      'bulkRegisterValidator',
      [keys, ids, shares, NEW_SSV_CLUSTER],
      ETH / 50n,
    );
    const events = eventsOf(network, receipt);
    expect(events.map((e) => e.name)).toEqual([
      'ValidatorAdded',
      'ValidatorAdded',
      'ValidatorAdded',
    ]);
    expect(events.map((e) => e.args[2])).toEqual(keys);
    expect(events.map((e) => e.args[3])).toEqual(shares);
    const final = clusterOf(network, receipt);
    expect(final.validatorCount).toBe(3n);
    for (const event of events)
      expect(event.args[4]).toEqual([
        final.validatorCount,
        final.networkFeeIndex,
        final.index,
        final.active,
        final.balance,
      ]);

    // The struct of the last event is the one the contract accepts next.
    const next = await register(network, ids, [randomPubkey()], final, 0n);
    expect(next.validatorCount).toBe(4n);
  });

  it('removes and bulk removes with the latest struct, and rejects stale structs and wrong sets', async () => {
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const keys = [randomPubkey(), randomPubkey(), randomPubkey(), randomPubkey()];
    const registered = await register(network, ids, keys, NEW_SSV_CLUSTER, ETH / 50n);
    const otherIds = fx.operatorIds.slice(4, 8);
    const other = await register(network, otherIds, [randomPubkey()], NEW_SSV_CLUSTER, ETH / 50n);

    await expectRevert(
      network,
      'bulkRemoveValidator',
      [[], ids, registered],
      'ValidatorDoesNotExist',
    );
    await expectRevert(
      network,
      'removeValidator',
      [keys[0], ids, { ...registered, index: 1n }],
      'IncorrectClusterState',
    );
    await expectRevert(
      network,
      'removeValidator',
      [keys[0], [1n, 2n, 3n, 5n], registered],
      'ClusterDoesNotExist',
    );
    // The key exists, but under another operator set.
    await expectRevert(
      network,
      'removeValidator',
      [keys[0], otherIds, other],
      'IncorrectValidatorStateWithData',
      [keys[0]],
    );
    await expectRevert(
      network,
      'bulkRemoveValidator',
      [[keys[0], keys[0]], ids, registered],
      'IncorrectValidatorStateWithData',
      [keys[0]],
    );

    const single = await send(network, 'removeValidator', [keys[0], ids, registered]);
    const afterSingle = clusterOf(network, single);
    expect(afterSingle.validatorCount).toBe(3n);
    expect(afterSingle.balance).toBeLessThan(registered.balance);
    await expectRevert(
      network,
      'removeValidator',
      [keys[1], ids, registered],
      'IncorrectClusterState',
    );

    const bulk = await send(network, 'bulkRemoveValidator', [keys.slice(1), ids, afterSingle]);
    const events = eventsOf(network, bulk);
    expect(events.map((e) => e.name)).toEqual([
      'ValidatorRemoved',
      'ValidatorRemoved',
      'ValidatorRemoved',
    ]);
    const final = clusterOf(network, bulk);
    expect(final.validatorCount).toBe(0n);
    for (const event of events)
      expect(event.args[3]).toEqual([0n, final.networkFeeIndex, final.index, true, final.balance]);
    expect(await read(fx.views, 'getValidator', [owner.address, keys[1]])).toBe(false);
  });

  it("makes the owner's struct stale when a third party deposits", async () => {
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const key = randomPubkey();
    const before = await register(network, ids, [key], NEW_SSV_CLUSTER, ETH / 100n);
    const receipt = await send(
      fx.networkAs(thirdParty),
      'deposit',
      [owner.address, ids, before],
      ETH / 1000n,
    );
    const [event] = eventsOf(network, receipt);
    expect(event?.name).toBe('ClusterDeposited');
    expect(event?.args[0]).toBe(owner.address);
    expect(event?.args[2]).toBe(ETH / 1000n);
    const after = clusterOf(network, receipt);
    expect(after).toEqual({ ...before, balance: before.balance + ETH / 1000n });

    await expectRevert(network, 'removeValidator', [key, ids, before], 'IncorrectClusterState');
    await expectRevert(
      fx.views,
      'getBalance',
      [owner.address, ids, before],
      'IncorrectClusterState',
    );
    await expectRevert(network, 'deposit', [owner.address, ids, before], 'IncorrectClusterState');
    await send(network, 'removeValidator', [key, ids, after]);
  });

  it('rejects a bulk registration with a stale cluster struct, registering none of its keys', async () => {
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const first = await register(network, ids, [randomPubkey()], NEW_SSV_CLUSTER, ETH / 100n);
    const second = await register(network, ids, [randomPubkey()], first, ETH / 100n);
    const keys = [randomPubkey(), randomPubkey(), randomPubkey()];
    const bulk = (cluster: SsvCluster): unknown[] => [
      keys,
      ids,
      keys.map(() => randomShares()),
      cluster,
    ];

    // The struct before the last registration, the new-cluster struct of an existing cluster,
    // and the latest struct once a third party's deposit has moved the balance.
    await expectRevert(
      network,
      'bulkRegisterValidator',
      bulk(first),
      'IncorrectClusterState',
      [],
      ETH / 100n,
    );
    await expectRevert(
      network,
      'bulkRegisterValidator',
      bulk(NEW_SSV_CLUSTER),
      'IncorrectClusterState',
      [],
      ETH / 100n,
    );
    const deposited = await send(
      fx.networkAs(thirdParty),
      'deposit',
      [owner.address, ids, second],
      ETH / 1000n,
    );
    await expectRevert(
      network,
      'bulkRegisterValidator',
      bulk(second),
      'IncorrectClusterState',
      [],
      ETH / 100n,
    );
    // Sent anyway, the stale bulk call fails as a whole (IncorrectClusterState, 0x12e04c87):
    // none of its keys is registered.
    await expect(
      network
        .getFunction('bulkRegisterValidator')
        .send(...bulk(second), { value: ETH / 100n, gasLimit: 3_000_000n }),
    ).rejects.toThrow(/0x12e04c87/);
    for (const key of keys) {
      expect(await read(fx.views, 'getValidator', [owner.address, key])).toBe(false);
    }

    const latest = clusterOf(network, deposited);
    const accepted = await send(network, 'bulkRegisterValidator', bulk(latest), ETH / 100n);
    expect(eventsOf(network, accepted).map((e) => e.args[2])).toEqual(keys);
    expect(clusterOf(network, accepted).validatorCount).toBe(5n);
  });

  it('refuses new registrations with a removed operator while its clusters keep working', async () => {
    const fresh = await deployFixture(deployer, operatorOwner, artifacts, 5);
    const owner = freshOwner();
    const network = fresh.networkAs(owner);
    const clusterIds = fresh.operatorIds.slice(0, 4);
    const key = randomPubkey();
    const cluster = await register(network, clusterIds, [key], NEW_SSV_CLUSTER, ETH / 100n);
    await send(fresh.networkAs(operatorOwner), 'removeOperator', [clusterIds[3]]);
    await expectRevert(
      network,
      'registerValidator',
      [randomPubkey(), clusterIds, '0x', cluster],
      'OperatorDoesNotExist',
    );
    const removed = await send(network, 'removeValidator', [key, clusterIds, cluster]);
    expect(clusterOf(network, removed).validatorCount).toBe(0n);
  });
});

describe('SSV devnet: fees, liquidation and withdrawals', () => {
  let fx: SsvFixture;
  let ids: bigint[];
  beforeAll(async () => {
    fx = await deployFixture(deployer, operatorOwner, artifacts, 4);
    ids = fx.operatorIds;
  }, 60_000);

  it('charges (Σ operator fees + network fee) × vUnits / 10,000 per block', async () => {
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const deposit = ETH / 10n;
    const receipt = await send(
      network,
      'bulkRegisterValidator',
      [[randomPubkey(), randomPubkey()], ids, ['0x', '0x'], NEW_SSV_CLUSTER],
      deposit,
    );
    const cluster = clusterOf(network, receipt);
    const burn = 2n * burnPerValidator(fx);
    expect(await read(fx.views, 'getBurnRate', [owner.address, ids, cluster])).toBe(burn);
    expect(await read(fx.views, 'getNetworkFee')).toBe(fx.parameters.networkFee);

    const balanceAt = async (): Promise<bigint> =>
      read<bigint>(fx.views, 'getBalance', [owner.address, ids, cluster]);
    const elapsed = async (): Promise<bigint> =>
      BigInt(await provider.getBlockNumber()) - BigInt(receipt.blockNumber);
    expect(await balanceAt()).toBe(deposit - (await elapsed()) * burn);
    await mine(provider, 1_000n);
    expect(await balanceAt()).toBe(deposit - (await elapsed()) * burn);
    const before = await balanceAt();
    await mine(provider, 1n);
    expect(before - (await balanceAt())).toBe(burn);

    // Settlement on the next write uses the same formula.
    const removeReceipt = await send(network, 'removeValidator', [
      eventsOf(network, receipt)[0]!.args[2],
      ids,
      cluster,
    ]);
    const settled = clusterOf(network, removeReceipt);
    const blocks = BigInt(removeReceipt.blockNumber - receipt.blockNumber);
    expect(settled.balance).toBe(deposit - blocks * burn);
    expect(settled.index - cluster.index).toBe(blocks * 4n * (OPERATOR_FEE / 100_000n));
    expect(settled.networkFeeIndex - cluster.networkFeeIndex).toBe(
      blocks * (fx.parameters.networkFee / 100_000n),
    );
  });

  it('flips isLiquidatable at the threshold, lets a third party liquidate, then reactivates', async () => {
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const runway = 100n;
    const threshold = liquidationThreshold(fx, 1n);
    const burn = burnPerValidator(fx);
    // Registration itself is the first charged block boundary: balance(t) = deposit − t × burn.
    const deposit = threshold + runway * burn;
    const key = randomPubkey();
    const registerReceipt = await send(
      network,
      'registerValidator',
      [key, ids, '0x', NEW_SSV_CLUSTER],
      deposit,
    );
    const cluster = clusterOf(network, registerReceipt);
    const blocksSince = async (): Promise<bigint> =>
      BigInt(await provider.getBlockNumber()) - BigInt(registerReceipt.blockNumber);

    await mine(provider, runway - (await blocksSince()));
    expect(await read(fx.views, 'isLiquidatable', [owner.address, ids, cluster])).toBe(false);
    await expectRevert(
      fx.networkAs(thirdParty),
      'liquidate',
      [owner.address, ids, cluster],
      'ClusterNotLiquidatable',
    );
    await mine(provider, 1n);
    expect(await read(fx.views, 'isLiquidatable', [owner.address, ids, cluster])).toBe(true);

    const liquidator = fx.networkAs(thirdParty);
    const operatorCount = async (): Promise<bigint> =>
      (await read<[string, bigint, bigint]>(fx.views, 'getOperatorById', [ids[0]]))[2];
    const countBefore = await operatorCount();
    const balanceBefore = await provider.getBalance(thirdParty.address);
    const receipt = await send(liquidator, 'liquidate', [owner.address, ids, cluster]);
    const paid = deposit - BigInt(receipt.blockNumber - registerReceipt.blockNumber) * burn;
    const gas = receipt.gasUsed * receipt.gasPrice;
    expect((await provider.getBalance(thirdParty.address)) - balanceBefore + gas).toBe(paid);
    const [event] = eventsOf(network, receipt);
    expect(event?.name).toBe('ClusterLiquidated');
    const liquidated = clusterOf(network, receipt);
    expect(liquidated).toEqual({
      validatorCount: 1n,
      networkFeeIndex: 0n,
      index: 0n,
      active: false,
      balance: 0n,
    });
    expect(await read(fx.views, 'isLiquidated', [owner.address, ids, liquidated])).toBe(true);
    expect(await read(fx.views, 'isLiquidatable', [owner.address, ids, liquidated])).toBe(false);
    await expectRevert(
      fx.views,
      'getBalance',
      [owner.address, ids, liquidated],
      'ClusterIsLiquidated',
    );
    await expectRevert(
      network,
      'registerValidator',
      [randomPubkey(), ids, '0x', liquidated],
      'ClusterIsLiquidated',
      [],
      ETH,
    );
    await expectRevert(
      liquidator,
      'liquidate',
      [owner.address, ids, liquidated],
      'ClusterIsLiquidated',
    );
    expect(await operatorCount()).toBe(countBefore - 1n);

    // A deposit into the liquidated cluster works and needs no settlement.
    const funded = clusterOf(
      network,
      await send(liquidator, 'deposit', [owner.address, ids, liquidated], threshold / 2n),
    );
    expect(funded).toEqual({ ...liquidated, balance: threshold / 2n });
    await expectRevert(network, 'reactivate', [ids, funded], 'InsufficientBalance');
    const reactivateReceipt = await send(network, 'reactivate', [ids, funded], threshold);
    expect(eventsOf(network, reactivateReceipt).map((e) => e.name)).toEqual(['ClusterReactivated']);
    const reactivated = clusterOf(network, reactivateReceipt);
    expect(reactivated).toMatchObject({
      validatorCount: 1n,
      active: true,
      balance: threshold + threshold / 2n,
    });
    expect(reactivated.index).toBeGreaterThan(0n);
    expect(await operatorCount()).toBe(countBefore);
    await expectRevert(network, 'reactivate', [ids, reactivated], 'ClusterAlreadyEnabled');
    // The owner may liquidate its own healthy cluster.
    expect(await read(fx.views, 'isLiquidatable', [owner.address, ids, reactivated])).toBe(false);
    await send(network, 'liquidate', [owner.address, ids, reactivated]);
  });

  it('withdraws only what keeps an active cluster above the threshold, and everything when empty', async () => {
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const deposit = ETH / 100n;
    const key = randomPubkey();
    const registerReceipt = await send(
      network,
      'registerValidator',
      [key, ids, '0x', NEW_SSV_CLUSTER],
      deposit,
    );
    const cluster = clusterOf(network, registerReceipt);
    const burn = burnPerValidator(fx);
    const threshold = liquidationThreshold(fx, 1n);

    await expectRevert(network, 'withdraw', [ids, deposit, cluster], 'InsufficientBalance');
    // eth_call runs at the latest block, the transaction one block later; leaving even 1 wei less
    // than the threshold fails.
    const blocksSince =
      BigInt(await provider.getBlockNumber()) - BigInt(registerReceipt.blockNumber);
    const callBalance = deposit - blocksSince * burn;
    const nextBlockBalance = callBalance - burn;
    await expectRevert(
      network,
      'withdraw',
      [ids, callBalance - threshold + 1n, cluster],
      'InsufficientBalance',
    );
    await expectRevert(
      fx.networkAs(thirdParty),
      'withdraw',
      [ids, 1n, cluster],
      'ClusterDoesNotExist',
    );

    const amount = nextBlockBalance - threshold;
    const before = await provider.getBalance(owner.address);
    const receipt = await send(network, 'withdraw', [ids, amount, cluster]);
    expect(
      (await provider.getBalance(owner.address)) - before + receipt.gasUsed * receipt.gasPrice,
    ).toBe(amount);
    const [event] = eventsOf(network, receipt);
    expect(event?.name).toBe('ClusterWithdrawn');
    expect(event?.args[2]).toBe(amount);
    const withdrawn = clusterOf(network, receipt);
    expect(withdrawn.balance).toBe(threshold);

    const removed = clusterOf(
      network,
      await send(network, 'removeValidator', [key, ids, withdrawn]),
    );
    expect(removed.validatorCount).toBe(0n);
    const all = clusterOf(
      network,
      await send(network, 'withdraw', [ids, removed.balance, removed]),
    );
    expect(all.balance).toBe(0n);
  });
});

describe('SSV devnet: caps, private operators and whitelists', () => {
  it('stops a registration that would push an operator over the per-operator cap', async () => {
    const fx = await deployFixture(deployer, operatorOwner, artifacts, 4, {
      validatorsPerOperatorLimit: 2n,
    });
    expect(await read(fx.views, 'getValidatorsPerOperatorLimit')).toBe(2n);
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const keys = [randomPubkey(), randomPubkey(), randomPubkey()];
    await expectRevert(
      network,
      'bulkRegisterValidator',
      [keys, fx.operatorIds, ['0x', '0x', '0x'], NEW_SSV_CLUSTER],
      'ExceedValidatorLimitWithData',
      [fx.operatorIds[0]],
      ETH,
    );
    const cluster = await register(
      network,
      fx.operatorIds,
      keys.slice(0, 2),
      NEW_SSV_CLUSTER,
      ETH / 100n,
    );
    await expectRevert(
      network,
      'registerValidator',
      [keys[2], fx.operatorIds, '0x', cluster],
      'ExceedValidatorLimitWithData',
      [fx.operatorIds[0]],
    );
    await send(fx.network, 'devnetUpdateValidatorsPerOperatorLimit', [3n]);
    expect((await register(network, fx.operatorIds, [keys[2]!], cluster, 0n)).validatorCount).toBe(
      3n,
    );
  });

  it('admits owners to a private operator by bitmap, single address or whitelisting contract', async () => {
    const fx = await deployFixture(deployer, operatorOwner, artifacts, 4);
    const ids = fx.operatorIds;
    const privateId = ids[2]!;
    const asOperator = fx.networkAs(operatorOwner);
    const privacy = await send(asOperator, 'setOperatorsPrivateUnchecked', [[privateId]]);
    expect(eventsOf(fx.network, privacy)[0]?.args).toEqual([[privateId], true]);
    expect((await read<unknown[]>(fx.views, 'getOperatorById', [privateId]))[4]).toBe(true);

    const [byBitmap, bySingle, byContract, stranger] = [
      freshOwner(),
      freshOwner(),
      freshOwner(),
      freshOwner(),
    ];
    for (const owner of [byBitmap, bySingle, byContract, stranger]) {
      await expectRevert(
        fx.networkAs(owner),
        'registerValidator',
        [randomPubkey(), ids, '0x', NEW_SSV_CLUSTER],
        'CallerNotWhitelistedWithData',
        [privateId],
        ETH,
      );
    }

    await send(asOperator, 'setOperatorsWhitelists', [[privateId], [byBitmap.address]]);
    await send(asOperator, 'devnetSetOperatorWhitelistAddress', [privateId, bySingle.address]);
    expect(await read(fx.views, 'getWhitelistedOperators', [ids, byBitmap.address])).toEqual([
      privateId,
    ]);
    expect(await read(fx.views, 'getWhitelistedOperators', [ids, bySingle.address])).toEqual([
      privateId,
    ]);
    expect(await read(fx.views, 'getWhitelistedOperators', [ids, stranger.address])).toEqual([]);
    await expectRevert(
      fx.views,
      'getWhitelistedOperators',
      [[ids[1], ids[0]], byBitmap.address],
      'UnsortedOperatorsList',
    );
    await register(fx.networkAs(byBitmap), ids, [randomPubkey()], NEW_SSV_CLUSTER, ETH / 100n);
    await register(fx.networkAs(bySingle), ids, [randomPubkey()], NEW_SSV_CLUSTER, ETH / 100n);

    const whitelistArtifact = artifact(artifacts, 'SSVDevnetWhitelistingContract');
    const whitelist = (await new ContractFactory(
      whitelistArtifact.abi,
      whitelistArtifact.bytecode,
      deployer,
    ).deploy()) as Contract;
    await whitelist.waitForDeployment();
    const whitelistAddress = await whitelist.getAddress();
    expect(await read(fx.views, 'isWhitelistingContract', [whitelistAddress])).toBe(true);
    await expectRevert(
      asOperator,
      'setOperatorsWhitelists',
      [[privateId], [whitelistAddress]],
      'AddressIsWhitelistingContract',
      [whitelistAddress],
    );
    await expectRevert(
      asOperator,
      'setOperatorsWhitelistingContract',
      [[privateId], byBitmap.address],
      'InvalidWhitelistingContract',
      [byBitmap.address],
    );
    await send(asOperator, 'setOperatorsWhitelistingContract', [[privateId], whitelistAddress]);
    await send(whitelist, 'setAllowed', [byContract.address, true]);
    expect(
      await read(fx.views, 'isAddressWhitelistedInWhitelistingContract', [
        byContract.address,
        privateId,
        whitelistAddress,
      ]),
    ).toBe(true);
    await register(fx.networkAs(byContract), ids, [randomPubkey()], NEW_SSV_CLUSTER, ETH / 100n);
    await expectRevert(
      fx.networkAs(stranger),
      'registerValidator',
      [randomPubkey(), ids, '0x', NEW_SSV_CLUSTER],
      'CallerNotWhitelistedWithData',
      [privateId],
      ETH,
    );

    // Back to public: anyone may register.
    await send(asOperator, 'setOperatorsPublicUnchecked', [[privateId]]);
    await register(fx.networkAs(stranger), ids, [randomPubkey()], NEW_SSV_CLUSTER, ETH / 100n);
  });

  it('registers a private operator directly and rejects non-whitelisted owners by its id', async () => {
    const fx = await deployFixture(deployer, operatorOwner, artifacts, 3);
    const asOperator = fx.networkAs(operatorOwner);
    const receipt = await send(asOperator, 'registerOperator', [
      encodeOperatorPublicKey(fakeOperatorKey()),
      OPERATOR_FEE,
      true,
    ]);
    const events = eventsOf(fx.network, receipt);
    const privateId = events[0]!.args[0] as bigint;
    expect(events[1]?.args).toEqual([[privateId], true]);
    const ids = [...fx.operatorIds, privateId];
    await expectRevert(
      fx.networkAs(freshOwner()),
      'registerValidator',
      [randomPubkey(), ids, '0x', NEW_SSV_CLUSTER],
      'CallerNotWhitelistedWithData',
      [privateId],
      ETH,
    );
  });
});

describe('SSV devnet: legacy SSV clusters and migrateClusterToETH', () => {
  it('keeps a seeded legacy cluster in the SSV ledger until the owner migrates it', async () => {
    const fx = await deployFixture(deployer, operatorOwner, artifacts, 4);
    const ids = fx.operatorIds;
    for (const id of ids) await send(fx.network, 'devnetSetOperatorFeeSSV', [id, 500_000_000n]);
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const keys = [randomPubkey(), randomPubkey()];
    const ssvAmount = 100n * ETH;
    await send(fx.token, 'approve', [await fx.network.getAddress(), ssvAmount]);
    const seedReceipt = await send(fx.network, 'devnetSeedLegacyCluster', [
      owner.address,
      ids,
      keys,
      ['0x', '0x'],
      ssvAmount,
    ]);
    const legacy = clusterOf(network, seedReceipt);
    expect(legacy).toMatchObject({ validatorCount: 2n, active: true, balance: ssvAmount });
    expect(await read(fx.views, 'getClusterAssetType', [owner.address, ids])).toBe(0n);
    const [, ethHash, ssvHash] = await read<[string, string, string]>(
      fx.network,
      'devnetGetClusterHashes',
      [owner.address, ids],
    );
    expect([ethHash, ssvHash]).toEqual([`0x${'0'.repeat(64)}`, ssvClusterHash(legacy)]);

    await expectRevert(
      network,
      'registerValidator',
      [randomPubkey(), ids, '0x', legacy],
      'IncorrectClusterVersion',
      [],
      ETH,
    );
    await expectRevert(
      network,
      'registerValidator',
      [randomPubkey(), ids, '0x', NEW_SSV_CLUSTER],
      'IncorrectClusterVersion',
      [],
      ETH,
    );
    await expectRevert(
      network,
      'removeValidator',
      [keys[0], ids, legacy],
      'IncorrectClusterVersion',
    );
    await expectRevert(
      network,
      'deposit',
      [owner.address, ids, legacy],
      'IncorrectClusterVersion',
      [],
      ETH,
    );
    await expectRevert(
      fx.views,
      'isLiquidatable',
      [owner.address, ids, legacy],
      'IncorrectClusterVersion',
    );
    expect(await read(fx.views, 'getBalance', [owner.address, ids, legacy])).toBe(0n);
    const ssvBurn = (4n * 500_000_000n + fx.parameters.networkFeeSSV) * 2n;
    expect(await read(fx.views, 'getBurnRateSSV', [owner.address, ids, legacy])).toBe(ssvBurn);
    const elapsed = BigInt((await provider.getBlockNumber()) - seedReceipt.blockNumber);
    expect(await read(fx.views, 'getBalanceSSV', [owner.address, ids, legacy])).toBe(
      ssvAmount - elapsed * ssvBurn,
    );

    await expectRevert(network, 'migrateClusterToETH', [ids, legacy], 'InsufficientBalance');
    const ssvBefore = await read<bigint>(fx.token, 'balanceOf', [owner.address]);
    const ethDeposit = ETH / 100n;
    const receipt = await send(network, 'migrateClusterToETH', [ids, legacy], ethDeposit);
    const refunded = ssvAmount - BigInt(receipt.blockNumber - seedReceipt.blockNumber) * ssvBurn;
    expect((await read<bigint>(fx.token, 'balanceOf', [owner.address])) - ssvBefore).toBe(refunded);
    const events = eventsOf(network, receipt);
    expect(events.map((e) => e.name)).toEqual(['ClusterMigratedToETH']);
    expect(events[0]!.args.slice(0, 5)).toEqual([owner.address, ids, ethDeposit, refunded, 64n]);
    const migrated = clusterOf(network, receipt);
    expect(migrated).toMatchObject({ validatorCount: 2n, active: true, balance: ethDeposit });
    expect(await read(fx.views, 'getClusterAssetType', [owner.address, ids])).toBe(1n);
    expect((await read<unknown[]>(fx.views, 'getOperatorById', [ids[0]]))[2]).toBe(2n);
    await expectRevert(
      network,
      'migrateClusterToETH',
      [ids, migrated],
      'IncorrectClusterVersion',
      [],
      ETH,
    );

    const next = await register(network, ids, [randomPubkey()], migrated, 0n);
    expect(next.validatorCount).toBe(3n);
    const removed = clusterOf(
      network,
      await send(network, 'removeValidator', [keys[0], ids, next]),
    );
    expect(removed.validatorCount).toBe(2n);
  });

  it('removes from a legacy cluster with SSV settlement when the devnet allows it (§4.3 switch)', async () => {
    const fx = await deployFixture(deployer, operatorOwner, artifacts, 4);
    const ids = fx.operatorIds;
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const keys = [randomPubkey(), randomPubkey()];
    await send(fx.token, 'approve', [await fx.network.getAddress(), ETH]);
    const seed = await send(fx.network, 'devnetSeedLegacyCluster', [
      owner.address,
      ids,
      keys,
      ['0x', '0x'],
      ETH,
    ]);
    const legacy = clusterOf(network, seed);
    await expectRevert(
      network,
      'removeValidator',
      [keys[0], ids, legacy],
      'IncorrectClusterVersion',
    );
    await send(fx.network, 'devnetSetLegacyRemovalAllowed', [true]);
    const receipt = await send(network, 'removeValidator', [keys[0], ids, legacy]);
    const removed = clusterOf(network, receipt);
    const ssvBurn = fx.parameters.networkFeeSSV * 2n;
    const blocks = BigInt(receipt.blockNumber - seed.blockNumber);
    expect(removed).toMatchObject({
      validatorCount: 1n,
      active: true,
      balance: ETH - blocks * ssvBurn,
    });
    expect(await read(fx.views, 'getClusterAssetType', [owner.address, ids])).toBe(0n);
  });

  it('liquidates a legacy cluster in SSV and reactivates it on migration', async () => {
    const fx = await deployFixture(deployer, operatorOwner, artifacts, 4);
    const ids = fx.operatorIds;
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const ssvAmount = 10n * ETH;
    await send(fx.token, 'approve', [await fx.network.getAddress(), ssvAmount]);
    const legacy = clusterOf(
      network,
      await send(fx.network, 'devnetSeedLegacyCluster', [
        owner.address,
        ids,
        [randomPubkey()],
        ['0x'],
        ssvAmount,
      ]),
    );
    // Network fee SSV only: 1e9 × 100,240 blocks ≈ 0.1 SSV threshold; the balance covers it.
    await expectRevert(
      fx.networkAs(thirdParty),
      'liquidateSSV',
      [owner.address, ids, legacy],
      'ClusterNotLiquidatable',
    );
    await expectRevert(
      fx.networkAs(thirdParty),
      'liquidate',
      [owner.address, ids, legacy],
      'IncorrectClusterVersion',
    );
    const liquidated = clusterOf(
      network,
      await send(network, 'liquidateSSV', [owner.address, ids, legacy]),
    );
    expect(liquidated).toEqual({
      validatorCount: 1n,
      networkFeeIndex: 0n,
      index: 0n,
      active: false,
      balance: 0n,
    });

    const receipt = await send(network, 'migrateClusterToETH', [ids, liquidated], ETH / 100n);
    expect(eventsOf(network, receipt).map((e) => e.name)).toEqual([
      'ClusterMigratedToETH',
      'ClusterReactivated',
    ]);
    expect(clusterOf(network, receipt)).toMatchObject({
      validatorCount: 1n,
      active: true,
      balance: ETH / 100n,
    });
  });
});

describe('SSV devnet: effective-balance updates (devnet oracle)', () => {
  /** A one-leaf tree: the root is the leaf `keccak256(keccak256(abi.encode(clusterId, eb)))`. */
  function leaf(clusterId: string, effectiveBalance: bigint): string {
    return keccak256(
      keccak256(
        AbiCoder.defaultAbiCoder().encode(['bytes32', 'uint32'], [clusterId, effectiveBalance]),
      ),
    );
  }

  it('lets anyone apply a committed effective balance, which reweights fees and stales the struct', async () => {
    const fx = await deployFixture(deployer, operatorOwner, artifacts, 4);
    const ids = fx.operatorIds;
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const cluster = await register(network, ids, [randomPubkey()], NEW_SSV_CLUSTER, ETH / 10n);
    const clusterId = ssvClusterKey(owner.address, ids);
    const asAnyone = fx.networkAs(thirdParty);

    await expectRevert(
      asAnyone,
      'updateClusterBalance',
      [1n, owner.address, ids, cluster, 64n, []],
      'RootNotFound',
    );
    await send(fx.network, 'commitRoot', [leaf(clusterId, 64n), 1n]);
    expect(await read(fx.views, 'getCommittedRoot', [1n])).toBe(leaf(clusterId, 64n));
    await expectRevert(
      asAnyone,
      'updateClusterBalance',
      [1n, owner.address, ids, cluster, 65n, []],
      'InvalidProof',
    );
    const receipt = await send(asAnyone, 'updateClusterBalance', [
      1n,
      owner.address,
      ids,
      cluster,
      64n,
      [],
    ]);
    const [event] = eventsOf(network, receipt);
    expect(event?.name).toBe('ClusterBalanceUpdated');
    expect(event?.args.slice(0, 4)).toEqual([owner.address, ids, 1n, 64n]);
    const updated = clusterOf(network, receipt);
    expect(updated.validatorCount).toBe(1n);
    await expectRevert(
      network,
      'registerValidator',
      [randomPubkey(), ids, '0x', cluster],
      'IncorrectClusterState',
    );
    expect(await read(fx.views, 'getEffectiveBalance', [owner.address, ids, updated])).toBe(64n);
    expect(await read(fx.views, 'getBurnRate', [owner.address, ids, updated])).toBe(
      2n * burnPerValidator(fx),
    );
    await expectRevert(
      asAnyone,
      'updateClusterBalance',
      [1n, owner.address, ids, updated, 64n, []],
      'StaleUpdate',
    );
    await send(fx.network, 'commitRoot', [leaf(clusterId, 2049n), 2n]);
    await expectRevert(
      asAnyone,
      'updateClusterBalance',
      [2n, owner.address, ids, updated, 2049n, []],
      'EBExceedsMaximum',
    );
  });

  it('liquidates an active cluster in the same call when the new effective balance makes it liquidatable', async () => {
    const fx = await deployFixture(deployer, operatorOwner, artifacts, 4);
    const ids = fx.operatorIds;
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const cluster = await register(
      network,
      ids,
      [randomPubkey()],
      NEW_SSV_CLUSTER,
      2n * liquidationThreshold(fx, 1n),
    );
    const clusterId = ssvClusterKey(owner.address, ids);
    await send(fx.network, 'commitRoot', [leaf(clusterId, 2048n), 7n]);
    const receipt = await send(fx.networkAs(thirdParty), 'updateClusterBalance', [
      7n,
      owner.address,
      ids,
      cluster,
      2048n,
      [],
    ]);
    expect(eventsOf(network, receipt).map((e) => e.name)).toEqual([
      'ClusterBalanceUpdated',
      'ClusterLiquidated',
    ]);
    expect(clusterOf(network, receipt)).toEqual({
      validatorCount: 1n,
      networkFeeIndex: 0n,
      index: 0n,
      active: false,
      balance: 0n,
    });
  });
});

describe('SSV devnet: exits and fee recipient', () => {
  it('emits ValidatorExited for registered keys only, without touching the cluster', async () => {
    const fx = await deployFixture(deployer, operatorOwner, artifacts, 8);
    const ids = fx.operatorIds.slice(0, 4);
    const owner = freshOwner();
    const network = fx.networkAs(owner);
    const keys = [randomPubkey(), randomPubkey()];
    await register(network, ids, keys, NEW_SSV_CLUSTER, ETH / 100n);
    const [, hashBefore] = await read<[string, string]>(fx.network, 'devnetGetClusterHashes', [
      owner.address,
      ids,
    ]);

    const single = await send(network, 'exitValidator', [keys[0], ids]);
    expect(eventsOf(network, single)).toEqual([
      { name: 'ValidatorExited', args: [owner.address, ids, keys[0]] },
    ]);
    const bulk = await send(network, 'bulkExitValidator', [keys, ids]);
    expect(eventsOf(network, bulk).map((e) => e.args[2])).toEqual(keys);
    const [, hashAfter] = await read<[string, string]>(fx.network, 'devnetGetClusterHashes', [
      owner.address,
      ids,
    ]);
    expect(hashAfter).toBe(hashBefore);

    await expectRevert(network, 'bulkExitValidator', [[], ids], 'ValidatorDoesNotExist');
    await expectRevert(
      network,
      'exitValidator',
      [keys[0], fx.operatorIds.slice(4, 8)],
      'IncorrectValidatorStateWithData',
      [keys[0]],
    );
    await expectRevert(
      fx.networkAs(thirdParty),
      'exitValidator',
      [keys[0], ids],
      'IncorrectValidatorStateWithData',
      [keys[0]],
    );
    const unknown = randomPubkey();
    await expectRevert(
      network,
      'bulkExitValidator',
      [[keys[0], unknown], ids],
      'IncorrectValidatorStateWithData',
      [unknown],
    );
  });

  it('only emits FeeRecipientAddressUpdated for the caller', async () => {
    const fx = await deployFixture(deployer, operatorOwner, artifacts, 0);
    const owner = freshOwner();
    const receipt = await send(fx.networkAs(owner), 'setFeeRecipientAddress', [thirdParty.address]);
    expect(eventsOf(fx.network, receipt)).toEqual([
      { name: 'FeeRecipientAddressUpdated', args: [owner.address, thirdParty.address] },
    ]);
  });
});
