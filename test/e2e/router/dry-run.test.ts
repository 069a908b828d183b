/**
 * Dry-run (view) mode on the devnet: the pool fills, the router plans, starts lifecycles and
 * simulates every transaction, and the chain is left exactly as the depositors left it.
 */
import { randomBytes } from 'node:crypto';
import { Mnemonic } from 'ethers';
import { lifecycleStatus } from '../../../workflows/definitions.js';
import {
  depositsByPubkey,
  ETHER,
  ssvEvents,
  startRouterWorld,
  waitForLifecycles,
  type RouterWorld,
} from '../../helpers/router-world.js';

let world: RouterWorld;

beforeAll(async () => {
  world = await startRouterWorld({
    mnemonic: Mnemonic.fromEntropy(randomBytes(32)).phrase,
    env: { DVT_RESERVE_ETH: '8', DVT_DRY_RUN: 'true' },
  });
});

afterAll(async () => {
  await world?.stop();
});

describe('dry-run mode', () => {
  it('plans and simulates for a full pool and leaves the chain untouched', async () => {
    const { provider, state } = world.devnet;
    const router = state.accounts.router;
    const nonceBefore = await provider.getTransactionCount(router, 'latest');
    const balanceBefore = await provider.getBalance(router);

    // 8 ETH reserve + 3 × 32: the plan asks for three validators.
    await world.devnet.depositors.depositNow(104n * ETHER);
    const halted = await waitForLifecycles(world.client, 3, (r) => r.stage === 'halted');
    expect(halted.map((r) => r.keyIndex)).toEqual([0, 1, 2]);
    for (const row of halted) {
      const status = await world.client.workflow.getHandle(row.workflowId).query(lifecycleStatus);
      expect(status.haltedIn).toBe('deposit');
      // The simulation passed (a failing one would halt with its revert instead).
      expect(status.haltReason).toMatch(
        /^ERR_DRY_RUN: Dry run: superNode\.deposit simulated successfully and would be sent now/,
      );
    }

    expect(await provider.getTransactionCount(router, 'latest')).toBe(nonceBefore);
    expect(await provider.getTransactionCount(router, 'pending')).toBe(nonceBefore);
    expect(await provider.getBalance(router)).toBe(balanceBefore);
    expect((await depositsByPubkey(world.devnet)).size).toBe(0);
    expect(await ssvEvents(world.devnet)).toEqual([]);
    expect(world.allOutput()).toContain('dry run: transaction simulated');
  });
});
