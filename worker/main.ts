/**
 * Worker process entry (`dvt-router worker`, `tsx worker/main.ts`): reads the configuration from
 * the environment, installs the Temporal Runtime (JSON logs, SDK metrics), starts the router with
 * its metrics/health endpoint and stops it gracefully on SIGINT/SIGTERM, so a rolling deploy never
 * cancels an activity waiting on a broadcast transaction.
 */
import { pathToFileURL } from 'node:url';
import { DvtError } from '../domain/errors.js';
import { loadConfig, type WorkerConfig } from './config.js';
import { makeLogger } from './logging.js';
import { startRouter } from './start.js';
import { installTemporalRuntime } from './telemetry.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs the worker until SIGINT or SIGTERM, then drains it (in-flight activities get the 30 s
 * shutdown grace time) and resolves once it stopped; rejects when start-up fails or the worker
 * crashes. Installs the process's Temporal Runtime, so call it once per process, before anything
 * else creates a Temporal worker or native connection. It does not exit the process.
 */
export async function runWorkerProcess(config: WorkerConfig): Promise<void> {
  // The config holds the password now; the environment need not (child processes inherit it).
  delete process.env.DVT_KEYSTORE_PASSWORD;
  const logger = makeLogger({ level: config.DVT_LOG_LEVEL });
  const runtime = await installTemporalRuntime({
    logger,
    level: config.DVT_LOG_LEVEL,
    metrics: config.DVT_METRICS_PORT !== 0,
  });
  const router = await startRouter(config, { logger, sdkMetricsUrl: runtime.sdkMetricsUrl });
  logger.info(
    {
      taskQueue: config.DVT_TASK_QUEUE,
      namespace: config.DVT_TEMPORAL_NAMESPACE,
      owner: router.clients.signer.address,
      pool: config.DVT_POOL_STORAGE,
      network: config.DVT_NETWORK,
      dryRun: config.DVT_DRY_RUN,
      // host:port of /metrics, /healthz, /readyz (the logger shows URLs as their host anyway).
      metricsAddress: router.telemetry ? new URL(router.telemetry.url).host : 'off',
    },
    'dvt-router worker started',
  );
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'dvt-router worker stopping');
    void router.shutdown();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  try {
    await router.run;
  } catch (error) {
    logger.error({ error }, 'dvt-router worker crashed');
    throw error;
  } finally {
    await router.shutdown();
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
  }
  logger.info('dvt-router worker stopped');
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && import.meta.url === pathToFileURL(script).href;
}

if (isEntryPoint()) {
  Promise.resolve()
    .then(() => runWorkerProcess(loadConfig(process.env)))
    .then(
      () => process.exit(0),
      (error: unknown) => {
        const message =
          error instanceof DvtError || error instanceof Error ? error.message : String(error);
        makeLogger({ level: 'error' }).error({ error: message }, 'dvt-router worker failed');
        process.exit(1);
      },
    );
}
