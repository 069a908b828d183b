/**
 * Scenario 1: SIGKILL of worker processes at random moments while validators are onboarded,
 * restarting each time. The first kill is placed between a broadcast and its receipt (mining is
 * held until the kill, as in test/e2e/router/worker-crash.test.ts). The long profile runs two
 * workers on the same task queue and kills them alternately.
 */
import { signerStatus, workflowIds } from '../../../workflows/definitions.js';
import { awaitAllActive, fundValidators, sleep, until, type WorldContext } from '../scenario.js';

export async function workerCrashes(context: WorldContext): Promise<void> {
  const { world, profile, figures, random } = context;
  const { devnet, client } = world;
  const validators = profile === 'quick' ? 6 : 20;
  const kills = profile === 'quick' ? 5 : 30;
  if (profile === 'long') {
    await world.addWorker();
    figures.notes.push('two workers on one task queue, killed alternately');
  }

  // Kill 1: between a broadcast and its receipt. The pool is funded first (that transaction must
  // be mined), then mining is held so the router's first broadcast stays pending until the kill.
  await fundValidators(context, validators);
  await devnet.provider.send('evm_setAutomine', [false]);
  await devnet.provider.send('evm_setIntervalMining', [0]);
  const signer = client.workflow.getHandle(
    workflowIds.signer(devnet.state.chainId, devnet.state.accounts.router),
  );
  let pendingHash = '';
  const pending = await until(async () => {
    const hash = (await signer.query(signerStatus)).current?.hashes.at(-1);
    if (!hash) return false;
    const [tx, receipt] = await Promise.all([
      devnet.provider.getTransaction(hash),
      devnet.provider.getTransactionReceipt(hash),
    ]);
    pendingHash = hash;
    return tx !== null && receipt === null;
  }, 120_000);
  let slot = 0;
  const killOne = async (): Promise<void> => {
    const slots = world.workers().length;
    await world.killAndRestart(slot % slots);
    slot++;
    figures.kills++;
  };
  await killOne();
  const betweenBroadcastAndReceipt =
    pending && (await devnet.provider.getTransactionReceipt(pendingHash)) === null;
  figures.notes.push(
    betweenBroadcastAndReceipt
      ? `kill 1 landed between broadcast and receipt of ${pendingHash.slice(0, 10)}…`
      : 'kill 1: no pending transaction seen within 120 s (killed anyway)',
  );
  await devnet.provider.send('evm_setAutomine', [true]);
  await devnet.provider.send('evm_setIntervalMining', [1000]);

  // The rest at random moments (0.5–6 s apart in quick, 0.5–10 s in long).
  const maxGapMs = profile === 'quick' ? 6000 : 10_000;
  while (figures.kills < kills) {
    await sleep(500 + Math.floor(random() * (maxGapMs - 500)));
    await killOne();
    context.log(`kill ${figures.kills}/${kills}`);
  }
  await awaitAllActive(context, profile === 'quick' ? 600 : 1200);
}
