/**
 * Scenario 5: money edge cases. Quick: the signer account runs out of ETH while lifecycles want
 * to deposit (its balance set to dust), then is refunded. Long, in addition:
 * - the pool is drained below the reserve after the 1 ETH deposits and before the 31 ETH stakes
 *   (devnet cheat `devnetDrain`), then refilled (`devnetRefill`);
 * - a third party liquidates one of our clusters (the SSV owner makes every cluster liquidatable
 *   for one transaction by raising the liquidation threshold period); the cluster keeper must
 *   reactivate it on its own;
 * - an operator holding our validators leaves SSV (`removeOperator` by its owner); the operator
 *   watch must move every validator off it, each registered once per episode.
 */
import { Contract, parseEther, toQuantity } from 'ethers';
import { SSV_NETWORK_VIEWS_ABI } from '../../../activities/abi/ssv-network.js';
import { lifecycles, ssvEvents, type ClusterStruct } from '../../helpers/router-world.js';
import { lifecycleStatus } from '../../../workflows/definitions.js';
import { DEVNET_ACCOUNTS, type Devnet } from '../../../devnet/world.js';
import {
  addFault,
  awaitAllActive,
  fundValidators,
  sleep,
  until,
  type WorldContext,
} from '../scenario.js';

const POOL_CHEATS = [
  'function devnetDrain(uint256 _amount, address _to)',
  'function devnetRefill() payable',
];

const SSV_ADMIN_ABI = [
  'function updateLiquidationThresholdPeriod(uint64 blocks)',
  `function liquidate(address clusterOwner, uint64[] operatorIds, tuple(uint32 validatorCount, uint64 networkFeeIndex, uint64 index, bool active, uint256 balance) cluster)`,
  'function removeOperator(uint64 operatorId)',
];

export async function money(context: WorldContext): Promise<void> {
  await signerOutOfEth(context);
  if (context.profile === 'long') {
    await poolDrainedBelowReserve(context);
    await clusterLiquidatedByThirdParty(context);
    await operatorRemovedFromSsv(context);
  }
}

interface ClusterOnChain {
  operatorIds: number[];
  cluster: ClusterStruct;
  lastEvent: string;
}

/** The router's clusters as the owner's SSVNetwork events leave them, by operator set. */
async function ownerClusters(devnet: Devnet): Promise<Map<string, ClusterOnChain>> {
  const clusters = new Map<string, ClusterOnChain>();
  for (const event of await ssvEvents(devnet)) {
    if (!event.cluster || !event.operatorIds) continue;
    clusters.set(event.operatorIds.join(','), {
      operatorIds: event.operatorIds,
      cluster: event.cluster,
      lastEvent: event.name,
    });
  }
  return clusters;
}

async function clusterLiquidatedByThirdParty(context: WorldContext): Promise<void> {
  const { world, figures } = context;
  const { devnet } = world;
  const router = devnet.state.accounts.router;
  const admin = new Contract(
    devnet.state.contracts.ssvNetwork,
    SSV_ADMIN_ABI,
    devnet.wallet(DEVNET_ACCOUNTS.deployer),
  );
  const thirdParty = new Contract(
    devnet.state.contracts.ssvNetwork,
    SSV_ADMIN_ABI,
    devnet.wallet(DEVNET_ACCOUNTS.thirdParty),
  );
  const views = new Contract(
    devnet.state.contracts.ssvNetworkViews,
    [...SSV_NETWORK_VIEWS_ABI],
    devnet.provider,
  );
  const threshold = (await views.getFunction('getLiquidationThresholdPeriod')()) as bigint;
  let victim: ClusterOnChain | null = null;
  // The cluster keeper may change the struct between our read and the liquidation (a top-up):
  // read again and retry a few times.
  for (let attempt = 0; attempt < 5 && !victim; attempt++) {
    const candidates = [...(await ownerClusters(devnet)).values()].filter(
      (c) => c.cluster[3] && c.cluster[0] > 0n,
    );
    const target = candidates[0];
    if (!target) break;
    await send(admin, 'updateLiquidationThresholdPeriod', [10n ** 12n]);
    try {
      await send(thirdParty, 'liquidate', [router, target.operatorIds, target.cluster]);
      victim = target;
    } catch (error) {
      context.log(`liquidation attempt ${attempt + 1}: ${(error as Error).message.slice(0, 200)}`);
      await sleep(1000);
    } finally {
      await send(admin, 'updateLiquidationThresholdPeriod', [threshold]);
    }
  }
  if (!victim) {
    figures.violations.push(
      'could not liquidate any of our clusters (none active with validators?)',
    );
    return;
  }
  addFault(figures, 'cluster liquidated by a third party');
  const key = victim.operatorIds.join(',');
  const startedAt = Date.now();
  // The keeper checks every minute on the devnet clock; allow three rounds and a slow signer.
  const reactivated = await until(
    async () => {
      const latest = (await ownerClusters(devnet)).get(key);
      return latest !== undefined && latest.cluster[3] && latest.lastEvent !== 'ClusterLiquidated';
    },
    240_000,
    2000,
  );
  if (!reactivated) {
    figures.violations.push(
      `cluster ${key} liquidated by a third party was not reactivated within 240 s`,
    );
    return;
  }
  const latest = (await ownerClusters(devnet)).get(key) as ClusterOnChain;
  const liquidated = (await views.getFunction('isLiquidated')(
    router,
    latest.operatorIds,
    latest.cluster,
  )) as boolean;
  if (liquidated) figures.violations.push(`cluster ${key} still liquidated after its last event`);
  figures.notes.push(
    `cluster ${key} (${victim.cluster[0]} validators) liquidated by a third party; reactivated by the keeper ${Math.round((Date.now() - startedAt) / 1000)} s later`,
  );
}

async function operatorRemovedFromSsv(context: WorldContext): Promise<void> {
  const { world, figures } = context;
  const { devnet } = world;
  const clusters = [...(await ownerClusters(devnet)).values()].filter(
    (c) => c.cluster[3] && c.cluster[0] > 0n,
  );
  const target = clusters[0];
  if (!target) {
    figures.violations.push('no active cluster with validators to remove an operator from');
    return;
  }
  const operatorId = target.operatorIds[0] as number;
  const holding = await validatorsOn(devnet, operatorId);
  const owner = new Contract(
    devnet.state.contracts.ssvNetwork,
    SSV_ADMIN_ABI,
    devnet.wallet(DEVNET_ACCOUNTS.deployer),
  );
  await send(owner, 'removeOperator', [operatorId]);
  addFault(figures, 'operator removed from SSV', 1);
  const startedAt = Date.now();
  // Operator watch: a poll every 30 s, bad after 2 min, then each lifecycle leaves the cluster,
  // cools down 20 s and registers elsewhere. Done when the chain shows none of ours on the
  // operator and no lifecycle reports a migration in progress (they stay in `active` meanwhile).
  const moved = await until(
    async () => {
      if ((await validatorsOn(devnet, operatorId)).size > 0) return false;
      for (const row of await lifecycles(world.client)) {
        const status = await world.client.workflow.getHandle(row.workflowId).query(lifecycleStatus);
        if (status.migration !== null) return false;
      }
      return true;
    },
    480_000,
    5000,
  );
  if (!moved) {
    figures.violations.push(
      `operator ${operatorId} left SSV; after 480 s ${(await validatorsOn(devnet, operatorId)).size} of our validators are still registered with it or a migration is still in progress`,
    );
    return;
  }
  figures.notes.push(
    `operator ${operatorId} left SSV holding ${holding.size} of our validators; all moved in ${Math.round((Date.now() - startedAt) / 1000)} s`,
  );
  await awaitAllActive(context);
}

/** Our pubkeys registered (added and not removed since) in a cluster that includes `operatorId`. */
async function validatorsOn(devnet: Devnet, operatorId: number): Promise<Set<string>> {
  const live = new Set<string>();
  for (const event of await ssvEvents(devnet)) {
    if (!event.pubkey || !event.operatorIds?.includes(operatorId)) continue;
    if (event.name === 'ValidatorAdded') live.add(event.pubkey);
    if (event.name === 'ValidatorRemoved') live.delete(event.pubkey);
  }
  return live;
}

/** Sends `method(...args)` from the contract's wallet and waits for it to be mined. */
async function send(contract: Contract, method: string, args: unknown[]): Promise<void> {
  const tx = (await contract.getFunction(method)(...args)) as { wait(): Promise<unknown> };
  await tx.wait();
}

async function signerOutOfEth(context: WorldContext): Promise<void> {
  const { world, figures } = context;
  const { devnet } = world;
  const router = devnet.state.accounts.router;
  const balance = await devnet.provider.getBalance(router);
  await devnet.provider.send('hardhat_setBalance', [router, toQuantity(parseEther('0.0001'))]);
  addFault(figures, 'signer out of ETH');
  const before = context.expected.lifecycles;
  await fundValidators(context, 2);
  // Long enough for the pool monitor (5 s) to start lifecycles and for them to try to write.
  await sleep(25_000);
  const rows = (await lifecycles(world.client)).filter((r) => r.keyIndex >= before);
  figures.notes.push(
    `signer without ETH for 25 s: new lifecycles in ${rows.map((r) => r.stage).join(',') || 'none yet'}`,
  );
  await devnet.provider.send('hardhat_setBalance', [router, toQuantity(balance)]);
  await awaitAllActive(context);
}

async function poolDrainedBelowReserve(context: WorldContext): Promise<void> {
  const { world, figures } = context;
  const { devnet } = world;
  const deployer = devnet.wallet(DEVNET_ACCOUNTS.deployer);
  const pool = new Contract(devnet.state.contracts.userDeposit, POOL_CHEATS, deployer);
  const before = context.expected.lifecycles;
  await fundValidators(context, 3);
  const deposited = await until(async () => {
    const rows = (await lifecycles(world.client)).filter((r) => r.keyIndex >= before);
    return rows.some((r) => r.stage === 'await_credentials' || r.stage === 'onboard');
  }, 180_000);
  const balance = await devnet.provider.getBalance(devnet.state.contracts.userDeposit);
  const drained = balance - parseEther('1');
  await send(pool, 'devnetDrain', [drained, devnet.state.accounts.thirdParty]);
  addFault(figures, 'pool drained below reserve');
  figures.notes.push(
    `pool drained from ${balance / 10n ** 18n} to 1 ETH ${deposited ? 'after a 1 ETH deposit' : '(no deposit seen in 180 s)'}`,
  );
  await sleep(20_000);
  await send(pool, 'devnetRefill', [{ value: drained }]);
  await awaitAllActive(context);
}
