/**
 * Scenario 3: a faulty execution RPC between the workers and the node — a share of calls fails
 * with 503, responses are dropped after the node processed the call (the first two
 * `eth_sendRawTransaction` answers always: the broadcast happened, the router does not know),
 * receipts are slow and a share of calls stalls until the client gives up. The long profile adds
 * a one-block reorg (evm_snapshot/evm_revert) of a router transaction that was mined but had
 * fewer confirmations than DVT_CONFIRMATIONS (2 in the long profile).
 */
import { signerStatus, workflowIds } from '../../../workflows/definitions.js';
import { addFault, awaitAllActive, fundValidators, until, type WorldContext } from '../scenario.js';

export async function faultyRpc(context: WorldContext): Promise<void> {
  const { world, profile, figures } = context;
  const { proxy, slowRpc } = world;
  const seed = Math.floor(context.random() * 2 ** 31);
  proxy.setPlan({
    failRate: profile === 'quick' ? 0.08 : 0.12,
    dropResponseRate: 0.03,
    dropFirst: { method: 'eth_sendRawTransaction', count: 2 },
    seed,
  });
  slowRpc.setPlan({
    slowMethods: { eth_getTransactionReceipt: 1500 },
    stallRate: 0.01,
    stallMs: 20_000,
    seed: seed + 1,
  });
  const before = { ...proxy.counts };
  const slowBefore = { ...slowRpc.counts };
  try {
    await fundValidators(context, profile === 'quick' ? 3 : 4);
    if (profile === 'long') await reorg(context);
    await awaitAllActive(context);
  } finally {
    proxy.setPlan({});
    slowRpc.setPlan({});
    addFault(figures, 'rpc 503', proxy.counts.failed - before.failed);
    addFault(figures, 'rpc response dropped', proxy.counts.dropped - before.dropped);
    addFault(figures, 'rpc slow receipt', slowRpc.counts.slowed - slowBefore.slowed);
    addFault(figures, 'rpc stall/timeout', slowRpc.counts.stalled - slowBefore.stalled);
  }
}

/**
 * Holds mining, snapshots, waits for the signer's next broadcast, mines it into one block, waits
 * until the node has its receipt (1 confirmation < 2 required), then reverts to the snapshot: the
 * block and the transaction are gone. The router must notice and send it again (same nonce).
 */
async function reorg(context: WorldContext): Promise<void> {
  const { world, figures } = context;
  const { devnet, client } = world;
  const signer = client.workflow.getHandle(
    workflowIds.signer(devnet.state.chainId, devnet.state.accounts.router),
  );
  await devnet.provider.send('evm_setAutomine', [false]);
  await devnet.provider.send('evm_setIntervalMining', [0]);
  try {
    const snapshot = (await devnet.provider.send('evm_snapshot', [])) as string;
    let hash = '';
    const pending = await until(async () => {
      const current = (await signer.query(signerStatus)).current?.hashes.at(-1);
      if (!current) return false;
      hash = current;
      return (await devnet.provider.getTransaction(current)) !== null;
    }, 180_000);
    if (!pending) {
      figures.violations.push('reorg: no router transaction was broadcast within 180 s');
      return;
    }
    await devnet.provider.send('evm_mine', []);
    const mined = await until(
      async () => (await devnet.provider.getTransactionReceipt(hash)) !== null,
      30_000,
    );
    // Let the router see the receipt at depth 1 (its poll) before the block disappears.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await devnet.provider.send('evm_revert', [snapshot]);
    const gone = (await devnet.provider.getTransactionReceipt(hash)) === null;
    addFault(figures, 'reorg (1 block)', mined && gone ? 1 : 0);
    figures.notes.push(
      `reorg removed ${hash.slice(0, 10)}… after it was mined at depth 1 (DVT_CONFIRMATIONS=2)`,
    );
  } finally {
    await devnet.provider.send('evm_setAutomine', [true]);
    await devnet.provider.send('evm_setIntervalMining', [1000]);
  }
}
