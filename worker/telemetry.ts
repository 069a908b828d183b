/**
 * Metrics and health of the worker process (docs/worker.md, "Metrics, logs and health"):
 *
 * - `makeMetrics` builds every `dvt_*` metric once, on one prom-client registry (STYLE.md rule 20);
 *   factories take `metrics: Metrics | null` and count through its typed accessors.
 * - `installTemporalRuntime` installs the Temporal Runtime once per process, before any worker or
 *   native connection exists: SDK logs go to our JSON logger, and the runtime serves its own
 *   Prometheus metrics (`temporal_*`, and the workflows' `dvt_stage_duration_seconds`) on a
 *   loopback port that only our `/metrics` reads, so operators scrape one endpoint.
 * - `makeStateCollector` refreshes the gauges read from state (lifecycles by stage from Temporal
 *   visibility, pool and signer balances from the chain) on a scrape, at most every 15 s.
 * - `startTelemetryServer` serves `/metrics`, `/healthz` (liveness) and `/readyz` (readiness).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { Runtime, type RuntimeOptions } from '@temporalio/worker';
import { formatEther } from 'ethers';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DvtError } from '../domain/errors.js';
import { STAGES, type Stage } from '../domain/lifecycle/stages.js';
import { STAGE_DURATION_METRIC } from '../workflows/definitions.js';
import { coreLogLevel, sdkLogger, type AppLogger, type LogLevelName } from './logging.js';

/** Buckets of {@link STAGE_DURATION_METRIC}: seconds (devnet stages) to a month (credential votes). */
export const STAGE_DURATION_BUCKETS = [
  1,
  5,
  15,
  30,
  60,
  120,
  300,
  900,
  1_800,
  3_600,
  3 * 3_600,
  6 * 3_600,
  12 * 3_600,
  86_400,
  3 * 86_400,
  7 * 86_400,
  30 * 86_400,
];

const LOOPBACK = '127.0.0.1';

/** A source of transactions waiting past their stuck threshold: [kind, count] pairs. */
export type TxStuckSource = () => Iterable<readonly [kind: string, count: number]>;

/** Options of {@link makeMetrics}. */
export interface MakeMetricsOptions {
  /** Also export prom-client's process and Node.js metrics (`process_*`, `nodejs_*`). */
  processMetrics?: boolean;
}

/**
 * Every metric of dvt-router on one registry. The names and labels are a contract with alert
 * rules and dashboards: do not rename them.
 */
export function makeMetrics(options: MakeMetricsOptions = {}) {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const stuckSources = new Set<TxStuckSource>();
  const stuckKinds = new Set<string>();

  const txStuck: Gauge<'kind'> = new Gauge({
    name: 'dvt_tx_stuck',
    help: 'Transactions now waiting past their stuck threshold without a receipt, by kind.',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      const counts = new Map<string, number>();
      for (const source of stuckSources) {
        for (const [kind, count] of source()) counts.set(kind, (counts.get(kind) ?? 0) + count);
      }
      for (const kind of counts.keys()) stuckKinds.add(kind);
      for (const kind of stuckKinds) txStuck.set({ kind }, counts.get(kind) ?? 0);
    },
  });
  const clusterRunwayDays = new Gauge({
    name: 'dvt_cluster_runway_days',
    help: 'Days until the cluster balance reaches its liquidation threshold (+Inf: no burn).',
    labelNames: ['cluster'] as const,
    registers,
  });
  const clusterLiquidated = new Gauge({
    name: 'dvt_cluster_liquidated',
    help: '1 when the cluster is liquidated on SSV, else 0.',
    labelNames: ['cluster'] as const,
    registers,
  });
  const operatorHealthy = new Gauge({
    name: 'dvt_operator_healthy',
    help: '1 when the operator is active, not removed and above the performance floor, else 0.',
    labelNames: ['operator_id'] as const,
    registers,
  });

  return {
    registry,
    validators: new Gauge({
      name: 'dvt_validators',
      help: 'Running validator lifecycles by stage (Temporal visibility).',
      labelNames: ['stage'] as const,
      registers,
    }),
    poolUsableBalanceEth: new Gauge({
      name: 'dvt_pool_usable_balance_eth',
      help: 'Pool balance the router may stake: balance minus the withdrawal reserve, ETH.',
      registers,
    }),
    clusterRunwayDays,
    clusterLiquidated,
    operatorHealthy,
    lifecyclesHalted: new Gauge({
      name: 'dvt_lifecycles_halted',
      help: 'Running validator lifecycles halted on a permanent failure (need `resume`).',
      registers,
    }),
    txSent: new Counter({
      name: 'dvt_tx_sent_total',
      help: 'Transactions (each signed version) the execution node accepted, by kind.',
      labelNames: ['kind'] as const,
      registers,
    }),
    txFailed: new Counter({
      name: 'dvt_tx_failed_total',
      help: 'Transactions that failed, by kind and reason (simulation_reverted, reverted, rejected, nonce_taken).',
      labelNames: ['kind', 'reason'] as const,
      registers,
    }),
    txReplaced: new Counter({
      name: 'dvt_tx_replaced_total',
      help: 'Fee-bumped replacements of stuck transactions sent, by kind.',
      labelNames: ['kind'] as const,
      registers,
    }),
    txStuck,
    gasSpentEth: new Counter({
      name: 'dvt_gas_spent_eth_total',
      help: 'Gas paid by mined transactions (gasUsed × effectiveGasPrice), ETH, by kind.',
      labelNames: ['kind'] as const,
      registers,
    }),
    signerBalanceEth: new Gauge({
      name: 'dvt_signer_balance_eth',
      help: 'Balance of each signer account, ETH.',
      labelNames: ['account'] as const,
      registers,
    }),

    /** Adds a source `dvt_tx_stuck` reads at every scrape (the transaction engine's). */
    addTxStuckSource(source: TxStuckSource): void {
      stuckSources.add(source);
    },

    /**
     * Records one read of a cluster. `runwayDays` null: no runway applies (no validators, legacy
     * SSV-token ledger) and the series is removed; Infinity when nothing burns.
     */
    observeCluster(cluster: {
      clusterId: string;
      exists: boolean;
      liquidated: boolean;
      runwayDays: number | null;
    }): void {
      const labels = { cluster: cluster.clusterId };
      if (!cluster.exists) {
        clusterRunwayDays.remove(labels);
        clusterLiquidated.remove(labels);
        return;
      }
      clusterLiquidated.set(labels, cluster.liquidated ? 1 : 0);
      if (cluster.runwayDays === null) clusterRunwayDays.remove(labels);
      else clusterRunwayDays.set(labels, cluster.runwayDays);
    },

    /** Records one health reading of the watched operators; operators no longer watched drop. */
    observeOperators(operators: readonly { id: number; healthy: boolean }[]): void {
      operatorHealthy.reset();
      for (const operator of operators) {
        operatorHealthy.set({ operator_id: String(operator.id) }, operator.healthy ? 1 : 0);
      }
    },
  };
}

/** The metrics of one worker process. */
export type Metrics = ReturnType<typeof makeMetrics>;

/** Wei as an ETH number, for gauges and counters. */
export function weiToEth(wei: bigint): number {
  return Number(formatEther(wei));
}

// ---- Temporal Runtime ---------------------------------------------------------------------------

/** Parameters of {@link installTemporalRuntime}. */
export interface InstallTemporalRuntimeParameters {
  logger: AppLogger;
  level: LogLevelName;
  /** Serve the runtime's Prometheus metrics on a loopback port for our `/metrics`. */
  metrics: boolean;
}

/** What {@link installTemporalRuntime} set up. */
export interface TemporalRuntimeTelemetry {
  /** The runtime's Prometheus endpoint (loopback), or null when it exports no metrics. */
  sdkMetricsUrl: string | null;
}

let installed: TemporalRuntimeTelemetry | undefined;

/**
 * Installs the Temporal Runtime of this process with our logger (SDK logs and forwarded Core
 * logs) and, when `metrics`, its Prometheus exporter on a free loopback port. Must run before any
 * Worker or NativeConnection is created; a second call returns the first call's result. If another
 * runtime was installed already, logs a warning and exports no SDK metrics. The runtime handles no
 * signals: the worker process drains itself on SIGINT/SIGTERM (worker/main.ts).
 */
export async function installTemporalRuntime(
  params: InstallTemporalRuntimeParameters,
): Promise<TemporalRuntimeTelemetry> {
  if (installed) return installed;
  for (let attempt = 1; ; attempt++) {
    const port = params.metrics ? await freePort(LOOPBACK) : null;
    const options: RuntimeOptions = {
      logger: sdkLogger(params.logger),
      shutdownSignals: [],
      telemetryOptions: {
        logging: { filter: { core: coreLogLevel(params.level), other: 'ERROR' }, forward: {} },
        ...(port === null
          ? {}
          : {
              metrics: {
                prometheus: {
                  bindAddress: `${LOOPBACK}:${port}`,
                  histogramBucketOverrides: { [STAGE_DURATION_METRIC]: STAGE_DURATION_BUCKETS },
                },
              },
            }),
      },
    };
    try {
      Runtime.install(options);
      installed = { sdkMetricsUrl: port === null ? null : `http://${LOOPBACK}:${port}/metrics` };
      return installed;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'IllegalStateError') {
        params.logger.warn(
          { error },
          'Temporal runtime was installed before; SDK metrics and log forwarding are not ours',
        );
        installed = { sdkMetricsUrl: null };
        return installed;
      }
      // Another process took the free port between the probe and the bind: pick another.
      if (port === null || attempt >= 3) throw error;
    }
  }
}

/** A TCP port free on `host` right now (the OS picks it). */
export async function freePort(host: string): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned');
  return address.port;
}

/** The text of a Prometheus endpoint (the runtime's), within `timeoutMs`. */
export async function fetchMetricsText(url: string, timeoutMs = 2_000): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}

// ---- gauges from state --------------------------------------------------------------------------

/** Dependencies of {@link makeStateCollector}. */
export interface StateCollectorDeps {
  metrics: Metrics;
  /** Running lifecycles in `stage` (Temporal visibility count). */
  countLifecycles(stage: Stage): Promise<number>;
  /** The pool's usable balance, wei. */
  readPoolUsableWei(): Promise<bigint>;
  /** Balances of the signer accounts, wei. */
  readSignerBalances(): Promise<readonly { account: string; wei: bigint }[]>;
  /** A refresh within this long of the last one does nothing; default 15 s. */
  maxAgeMs?: number;
  now?: () => number;
  logger?: AppLogger | null;
}

/**
 * Refreshes the gauges read from state: `dvt_validators{stage}`, `dvt_lifecycles_halted`,
 * `dvt_pool_usable_balance_eth`, `dvt_signer_balance_eth`. Concurrent scrapes share one refresh;
 * a part that fails keeps its last values and logs a warning.
 */
export function makeStateCollector(deps: StateCollectorDeps) {
  const { metrics } = deps;
  const maxAgeMs = deps.maxAgeMs ?? 15_000;
  const now = deps.now ?? Date.now;
  let refreshedAt = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | null = null;

  const parts: Record<string, () => Promise<void>> = {
    async lifecycles() {
      const counts = await Promise.all(
        STAGES.map(async (stage) => [stage, await deps.countLifecycles(stage)] as const),
      );
      for (const [stage, count] of counts) {
        metrics.validators.set({ stage }, count);
        if (stage === 'halted') metrics.lifecyclesHalted.set(count);
      }
    },
    async pool() {
      metrics.poolUsableBalanceEth.set(weiToEth(await deps.readPoolUsableWei()));
    },
    async signers() {
      for (const { account, wei } of await deps.readSignerBalances()) {
        metrics.signerBalanceEth.set({ account: account.toLowerCase() }, weiToEth(wei));
      }
    },
  };

  async function collect(): Promise<void> {
    const names = Object.keys(parts);
    const results = await Promise.allSettled(Object.values(parts).map((part) => part()));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        deps.logger?.warn(
          { part: names[i], error: result.reason as unknown },
          'metrics state read failed; keeping the last values',
        );
      }
    });
  }

  return {
    /** Reads the state when the last read is older than `maxAgeMs`. Never throws. */
    refresh(): Promise<void> {
      if (running) return running;
      if (now() - refreshedAt < maxAgeMs) return Promise.resolve();
      running = collect().finally(() => {
        refreshedAt = now();
        running = null;
      });
      return running;
    },
  };
}

export type StateCollector = ReturnType<typeof makeStateCollector>;

// ---- HTTP ---------------------------------------------------------------------------------------

/** Whether the worker can do work; `reason` says why not. */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** Dependencies of {@link startTelemetryServer}. */
export interface TelemetryServerDeps {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  metrics: Metrics;
  /** Called before each `/metrics` answer (the state collector's `refresh`). */
  beforeScrape?: () => Promise<void>;
  /** The Temporal runtime's metrics text, appended to `/metrics`; null: none. */
  sdkMetrics?: (() => Promise<string>) | null;
  readiness(): Promise<Readiness>;
  logger?: AppLogger | null;
}

/** A running telemetry endpoint. */
export interface TelemetryServer {
  /** `http://host:port`, e.g. for `${url}/metrics`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `/metrics` (ours, then the Temporal runtime's), `/healthz` (200 while the process and its
 * event loop answer) and `/readyz` (200 when `readiness` says ready, else 503 with the reason).
 * Throws `ERR_CONFIG` when it cannot listen.
 */
export async function startTelemetryServer(deps: TelemetryServerDeps): Promise<TelemetryServer> {
  const started = Date.now();
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      deps.logger?.error({ error, path: request.url }, 'telemetry request failed');
      if (!response.headersSent) send(response, 500, 'text/plain', 'internal error\n');
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain', 'method not allowed\n');
      return;
    }
    switch (path) {
      case '/metrics': {
        await deps.beforeScrape?.().catch((error: unknown) => {
          deps.logger?.warn({ error }, 'metrics refresh failed');
        });
        const own = await deps.metrics.registry.metrics();
        const sdk = deps.sdkMetrics
          ? await deps.sdkMetrics().catch((error: unknown) => {
              deps.logger?.warn({ error }, 'Temporal runtime metrics unavailable');
              return '# Temporal runtime metrics unavailable\n';
            })
          : '';
        const body = own.endsWith('\n') || own === '' ? own : `${own}\n`;
        send(response, 200, deps.metrics.registry.contentType, body + sdk);
        return;
      }
      case '/healthz':
        sendJson(response, 200, {
          status: 'ok',
          uptimeSeconds: Math.round((Date.now() - started) / 1000),
        });
        return;
      case '/readyz': {
        let readiness: Readiness;
        try {
          readiness = await deps.readiness();
        } catch (error) {
          readiness = { ready: false, reason: error instanceof Error ? error.message : 'unknown' };
        }
        if (readiness.ready) sendJson(response, 200, { status: 'ready' });
        else sendJson(response, 503, { status: 'not ready', reason: readiness.reason });
        return;
      }
      default:
        send(response, 404, 'text/plain', 'not found: try /metrics, /healthz or /readyz\n');
    }
  }

  try {
    await listen(server, deps.port, deps.host);
  } catch (cause) {
    throw new DvtError(
      'ERR_CONFIG',
      `Cannot serve metrics on ${deps.host}:${deps.port}: ${(cause as Error).message}.`,
      {
        cause,
        details: { host: deps.host, port: deps.port },
        hint: 'Set DVT_METRICS_PORT to a free port (e.g. DVT_METRICS_PORT=9464), or 0 to turn the endpoint off.',
      },
    );
  }
  const address = server.address();
  const port = address !== null && typeof address === 'object' ? address.port : deps.port;
  const host = deps.host.includes(':') ? `[${deps.host}]` : deps.host;
  return {
    url: `http://${host}:${port}`,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, 'application/json', `${JSON.stringify(body)}\n`);
}
