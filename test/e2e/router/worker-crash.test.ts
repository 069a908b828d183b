/**
 * Crash safety: the worker process is killed with SIGKILL while onboarding — once between a
 * transaction's broadcast and its receipt, and at other moments — and restarted each time. Every
 * lifecycle still reaches active, and the chain shows each pubkey deposited, staked and registered
 * exactly once.
 */
import { signerStatus, workflowIds } from '../../../workflows/definitions.js';
import {
  countBy,
  depositsByPubkey,
  ETHER,
  lifecycles,
  ssvEvents,
  startRouterWorld,
  waitForLifecycles,
  type RouterWorld,
} from '../../helpers/router-world.js';
import { eventually } from '../../helpers/temporal.js';

const MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

let world: RouterWorld;

beforeAll(async () => {
  world = await startRouterWorld({ mnemonic: MNEMONIC, env: { DVT_RESERVE_ETH: '8' } });
});

afterAll(async () => {
  await world?.stop();
});

async function killAndRestart(): Promise<void> {
  const worker = world.worker();
  const exited = new Promise<void>((resolve) => worker.child.once('exit', () => resolve()));
  worker.kill();
  await exited;
  world.restartWorker();
}

describe('worker crashes during onboarding', () => {
  it('completes every lifecycle and writes everything exactly once despite SIGKILLs', async () => {
    const { devnet, client } = world;
    await devnet.depositors.depositNow(200n * ETHER);
    // No blocks until the worker is killed: the router's first broadcast stays pending, so the
    // kill lands between a broadcast and its receipt however slow the machine is. Afterwards a
    // block every 1.5 s, so later broadcasts also wait for their receipts.
    await devnet.provider.send('evm_setAutomine', [false]);
    await devnet.provider.send('evm_setIntervalMining', [0]);

    const signer = client.workflow.getHandle(
      workflowIds.signer(devnet.state.chainId, devnet.state.accounts.router),
    );
    const pendingHash = await eventually(
      async () => {
        const status = await signer.query(signerStatus).catch(() => null);
        const hash = status?.current?.hashes.at(-1);
        if (!hash) return undefined;
        const [tx, receipt] = await Promise.all([
          devnet.provider.getTransaction(hash),
          devnet.provider.getTransactionReceipt(hash),
        ]);
        return tx && !receipt ? hash : undefined;
      },
      { attempts: 400, intervalMs: 100 },
    );
    await killAndRestart();
    const killedBetweenBroadcastAndReceipt =
      (await devnet.provider.getTransactionReceipt(pendingHash)) === null;
    await devnet.provider.send('evm_setIntervalMining', [1500]);

    await waitForLifecycles(client, 3, (r) => r.stage !== 'generate' && r.stage !== 'deposit');
    await killAndRestart();
    await waitForLifecycles(client, 1, (r) =>
      ['stake', 'await_activation', 'active'].includes(r.stage),
    );
    await killAndRestart();

    const active = await waitForLifecycles(client, 6, (r) => r.stage === 'active', 600);
    expect(killedBetweenBroadcastAndReceipt).toBe(true);
    expect(active.map((r) => r.keyIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await lifecycles(client)).toHaveLength(6);

    const deposits = await depositsByPubkey(devnet);
    for (const row of active) {
      expect({ key: row.keyIndex, amounts: deposits.get(row.pubkey ?? '') }).toEqual({
        key: row.keyIndex,
        amounts: [1_000_000_000n, 31_000_000_000n],
      });
    }
    const added = countBy(
      (await ssvEvents(devnet)).filter((e) => e.name === 'ValidatorAdded'),
      (e) => e.pubkey ?? '',
    );
    expect(added.size).toBe(6);
    expect([...added.values()].every((n) => n === 1)).toBe(true);
    await devnet.verifier.ingestNow();
    expect(devnet.verifier.report().every((r) => r.valid)).toBe(true);
  }, 420_000);
});
