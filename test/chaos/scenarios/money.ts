/**
 * Scenario 5: money edge cases. Quick: the signer account runs out of ETH while lifecycles want
 * to deposit (its balance set to dust), then is refunded. Long, in addition: the pool is drained
 * below the reserve after the 1 ETH deposits and before the 31 ETH stakes (devnet cheat
 * `devnetDrain`), then refilled (`devnetRefill`).
 */
import { Contract, parseEther, toQuantity } from 'ethers';
import { lifecycles } from '../../helpers/router-world.js';
import { DEVNET_ACCOUNTS } from '../../../devnet/world.js';
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

export async function money(context: WorldContext): Promise<void> {
  await signerOutOfEth(context);
  if (context.profile === 'long') await poolDrainedBelowReserve(context);
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
  await (
    (await pool.getFunction('devnetDrain')(drained, devnet.state.accounts.thirdParty)) as {
      wait(): Promise<unknown>;
    }
  ).wait();
  addFault(figures, 'pool drained below reserve');
  figures.notes.push(
    `pool drained from ${balance / 10n ** 18n} to 1 ETH ${deposited ? 'after a 1 ETH deposit' : '(no deposit seen in 180 s)'}`,
  );
  await sleep(20_000);
  await (
    (await pool.getFunction('devnetRefill')({ value: drained })) as { wait(): Promise<unknown> }
  ).wait();
  await awaitAllActive(context);
}
