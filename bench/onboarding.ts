/**
 * Figures 1–3 on the devnet: onboarding throughput for N validators funded at once, the reaction
 * latency from a pool deposit to the router's deposit transaction, and transactions and gas per
 * validator by kind. Everything is read from the chain (router transactions, receipts, deposit
 * and SSV events) and timed with the block clock (bench/world.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Contract, Interface, parseEther, type TransactionResponse } from 'ethers';
import { SSV_NETWORK_ABI } from '../activities/abi/ssv-network.js';
import { STAFI_SUPER_NODE_ABI } from '../activities/abi/stafi.js';
import { decodeDepositLog } from '../devnet/beacon-sim/chain-logs.js';
import { DEVNET_ACCOUNTS } from '../devnet/world.js';
import type { BenchWorld } from './world.js';

const ETHER = 10n ** 18n;
const ssvIface = new Interface(SSV_NETWORK_ABI);
const superNodeIface = new Interface(STAFI_SUPER_NODE_ABI);

/** Transaction kinds the figures count, by contract and function. */
export type TxKind = 'deposit' | 'register' | 'stake' | 'clusterFunding' | 'other';

export interface KindCount {
  txs: number;
  gas: number;
}

export interface OnboardingRun {
  validators: number;
  batching: boolean;
  /** Wall seconds from the router's first deposit tx to the last registration/stake tx mined. */
  secondsFromFirstDeposit: number;
  /** Wall seconds from the pool funding tx to the last registration/stake tx mined. */
  secondsFromFunding: number;
  validatorsPerMinute: number;
  validatorsPerMinuteFromFunding: number;
  /** Funding tx mined → router's first deposit tx mined, seconds. */
  reactionSeconds: number;
  byKind: Record<TxKind, KindCount>;
  /** Lifecycles Temporal lists when the chain shows all staked. */
  lifecyclesInTemporal: number;
  blocks: number;
}

/** Stakes `wei` into the pool from a depositor; returns the block of the mined tx. */
async function fundPool(world: BenchWorld, wei: bigint, depositor = 0): Promise<number> {
  const wallet = world.devnet.wallet(
    DEVNET_ACCOUNTS.depositors[depositor % DEVNET_ACCOUNTS.depositors.length] as number,
  );
  const pool = new Contract(
    world.devnet.state.contracts.userDeposit,
    ['function deposit() payable'],
    wallet,
  );
  const tx = (await pool.getFunction('deposit')({ value: wei })) as TransactionResponse;
  const receipt = await tx.wait();
  if (!receipt) throw new Error('funding tx has no receipt');
  return receipt.blockNumber;
}

/** 31 ETH stakes on the deposit contract since `fromBlock`. */
async function stakeCount(world: BenchWorld, fromBlock: number): Promise<number> {
  const logs = await world.devnet.provider.getLogs({
    address: world.devnet.state.contracts.depositContract,
    fromBlock,
    toBlock: 'latest',
  });
  return logs.filter((log) => decodeDepositLog(log)?.amountGwei === 31_000_000_000n).length;
}

async function validatorAddedCount(world: BenchWorld, fromBlock: number): Promise<number> {
  const topic = ssvIface.getEvent('ValidatorAdded')?.topicHash ?? '';
  const logs = await world.devnet.provider.getLogs({
    address: world.devnet.state.contracts.ssvNetwork,
    topics: [topic],
    fromBlock,
    toBlock: 'latest',
  });
  return logs.length;
}

function classify(world: BenchWorld, to: string | null, data: string): TxKind {
  const contracts = world.devnet.state.contracts;
  const selector = data.slice(0, 10);
  if (to?.toLowerCase() === contracts.superNode.toLowerCase()) {
    const fn = superNodeIface.getFunction(selector);
    if (fn?.name === 'deposit') return 'deposit';
    if (fn?.name === 'stake') return 'stake';
  }
  if (to?.toLowerCase() === contracts.ssvNetwork.toLowerCase()) {
    const fn = ssvIface.getFunction(selector);
    if (fn?.name === 'bulkRegisterValidator' || fn?.name === 'registerValidator') return 'register';
    if (fn?.name === 'deposit') return 'clusterFunding';
  }
  return 'other';
}

interface RouterTx {
  kind: TxKind;
  block: number;
  gas: number;
}

/** Every transaction the router account sent in blocks `from..to`, classified, with gas used. */
async function routerTransactions(
  world: BenchWorld,
  from: number,
  to: number,
): Promise<RouterTx[]> {
  const router = world.devnet.state.accounts.router.toLowerCase();
  const out: RouterTx[] = [];
  const blocks = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  for (let i = 0; i < blocks.length; i += 16) {
    const chunk = await Promise.all(
      blocks.slice(i, i + 16).map((n) => world.devnet.provider.getBlock(n, true)),
    );
    for (const block of chunk) {
      if (!block) continue;
      for (const tx of block.prefetchedTransactions) {
        if (tx.from.toLowerCase() !== router) continue;
        const receipt = await world.devnet.provider.getTransactionReceipt(tx.hash);
        out.push({
          kind: classify(world, tx.to, tx.data),
          block: block.number,
          gas: Number(receipt?.gasUsed ?? 0n),
        });
      }
    }
  }
  return out;
}

function seen(world: BenchWorld, block: number): number {
  const at = world.clock.seenAt(block);
  if (at === undefined) throw new Error(`block ${block} was not seen by the block clock`);
  return at;
}

/**
 * Waits until no lifecycle is between generate and await_activation, so a run's blocks hold only
 * its own transactions (earlier samples' stakes would count otherwise).
 */
async function waitQuiet(world: BenchWorld, timeoutMs: number): Promise<void> {
  const query =
    `WorkflowType = 'validatorLifecycle' AND ExecutionStatus = 'Running' AND ` +
    `DvtStage IN ('generate', 'deposit', 'await_credentials', 'onboard', 'stake', 'await_activation')`;
  const deadline = Date.now() + timeoutMs;
  while ((await world.client.workflow.count(query)).count > 0) {
    if (Date.now() > deadline) throw new Error('lifecycles of an earlier run are still in flight');
    await sleep(500);
  }
}

/**
 * Funds the pool for `validators` at once (N × 32 ETH + the reserve, one depositor tx) and waits
 * until the chain shows every one registered on SSV and staked.
 */
export async function runOnboarding(
  world: BenchWorld,
  options: { validators: number; reserveEth: bigint; batching: boolean; timeoutMs: number },
): Promise<OnboardingRun> {
  const n = options.validators;
  await waitQuiet(world, options.timeoutMs);
  const startBlock = world.clock.head() + 1;
  const fundBlock = await fundPool(world, BigInt(n) * 32n * ETHER + options.reserveEth * ETHER);
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const [stakes, added] = await Promise.all([
      stakeCount(world, fundBlock),
      validatorAddedCount(world, fundBlock),
    ]);
    if (stakes >= n && added >= n) break;
    if (Date.now() > deadline) {
      throw new Error(
        `onboarding of ${n} validators timed out: ${added} registered, ${stakes} staked`,
      );
    }
    await sleep(500);
  }
  // Let the block clock see the last block.
  const endBlock = await world.devnet.provider.getBlockNumber();
  while (world.clock.head() < endBlock) await sleep(50);
  const txs = await routerTransactions(world, startBlock, endBlock);
  const byKind: Record<TxKind, KindCount> = {
    deposit: { txs: 0, gas: 0 },
    register: { txs: 0, gas: 0 },
    stake: { txs: 0, gas: 0 },
    clusterFunding: { txs: 0, gas: 0 },
    other: { txs: 0, gas: 0 },
  };
  for (const tx of txs) {
    byKind[tx.kind].txs += 1;
    byKind[tx.kind].gas += tx.gas;
  }
  const firstDeposit = txs.find((tx) => tx.kind === 'deposit');
  const last = txs.filter((tx) => tx.kind === 'stake' || tx.kind === 'register').at(-1);
  if (!firstDeposit || !last) throw new Error('no router deposit or stake transaction found');
  const fundAt = seen(world, fundBlock);
  const firstAt = seen(world, firstDeposit.block);
  const lastAt = seen(world, last.block);
  const secondsFromFirstDeposit = (lastAt - firstAt) / 1000;
  const secondsFromFunding = (lastAt - fundAt) / 1000;
  const lifecyclesInTemporal = (
    await world.client.workflow.count(`WorkflowType = 'validatorLifecycle'`)
  ).count;
  return {
    validators: n,
    batching: options.batching,
    secondsFromFirstDeposit,
    secondsFromFunding,
    validatorsPerMinute: n / (secondsFromFirstDeposit / 60),
    validatorsPerMinuteFromFunding: n / (secondsFromFunding / 60),
    reactionSeconds: (firstAt - fundAt) / 1000,
    byKind,
    lifecyclesInTemporal,
    blocks: endBlock - startBlock + 1,
  };
}

/**
 * Reaction latency samples: each stakes 32 ETH (usable balance crosses 32 ETH) and times the
 * depositor tx mined → the router's deposit tx mined (wall clock, both seen by the block clock).
 * A random pause of 0–3 s between samples spreads them over the monitor's Schedule phase.
 */
export async function measureReaction(
  world: BenchWorld,
  options: { samples: number; timeoutMs: number },
): Promise<number[]> {
  const superNode = world.devnet.state.contracts.superNode.toLowerCase();
  const router = world.devnet.state.accounts.router.toLowerCase();
  const depositSelector = superNodeIface.getFunction('deposit')?.selector ?? '';
  const out: number[] = [];
  for (let sample = 0; sample < options.samples; sample++) {
    await sleep(Math.random() * 3000);
    const fundBlock = await fundPool(world, parseEther('32'), sample + 1);
    const deadline = Date.now() + options.timeoutMs;
    let found: number | null = null;
    let scanned = fundBlock;
    while (found === null) {
      if (Date.now() > deadline) throw new Error('router deposit did not follow a 32 ETH deposit');
      const head = world.clock.head();
      for (let b = scanned + 1; b <= head && found === null; b++) {
        const block = await world.devnet.provider.getBlock(b, true);
        for (const tx of block?.prefetchedTransactions ?? []) {
          if (
            tx.from.toLowerCase() === router &&
            tx.to?.toLowerCase() === superNode &&
            tx.data.startsWith(depositSelector)
          ) {
            found = b;
          }
        }
        if (found === null) scanned = b;
      }
      if (found === null) await sleep(100);
    }
    out.push((seen(world, found) - seen(world, fundBlock)) / 1000);
  }
  return out;
}
