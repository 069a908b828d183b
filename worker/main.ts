/**
 * Worker process entry (`dvt-router worker`, `tsx worker/main.ts`): reads the configuration from
 * the environment, starts the router and stops it gracefully on SIGINT/SIGTERM, so a rolling
 * deploy never cancels an activity waiting on a broadcast transaction.
 */
import { DvtError } from '../domain/errors.js';
import { loadConfig } from './config.js';
import { startRouter } from './start.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const router = await startRouter(config);
  console.log(
    JSON.stringify({
      msg: 'dvt-router worker started',
      taskQueue: config.DVT_TASK_QUEUE,
      namespace: config.DVT_TEMPORAL_NAMESPACE,
      owner: router.clients.signer.address,
      pool: config.DVT_POOL_STORAGE,
      network: config.DVT_NETWORK,
      dryRun: config.DVT_DRY_RUN,
    }),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ msg: 'dvt-router worker stopping', signal }));
    void router.shutdown().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await router.run;
}

main().catch((error: unknown) => {
  const message =
    error instanceof DvtError || error instanceof Error ? error.message : String(error);
  console.error(JSON.stringify({ msg: 'dvt-router worker failed', error: message }));
  process.exit(1);
});
