import { createServer, type Server } from 'node:http';
import { Wallet, type JsonRpcProvider } from 'ethers';
import { makeRevertDecoder } from '../../../activities/chain/revert.js';
import { makeTxEngine, type TxRequest } from '../../../activities/chain/tx-engine.js';
import { DEFAULT_GAS_POLICY } from '../../../domain/tx/fee-policy.js';
import { STAGES } from '../../../domain/lifecycle/stages.js';
import {
  fetchMetricsText,
  makeMetrics,
  makeStateCollector,
  startTelemetryServer,
  type Metrics,
  type Readiness,
  type TelemetryServer,
} from '../../../worker/telemetry.js';
import { METRICS, WORKFLOW_METRICS } from '../../fixtures/metrics-contract.js';

/** The contract metrics the worker's own registry holds. */
const CONTRACT = Object.fromEntries(
  Object.entries(METRICS).filter(([name]) => !WORKFLOW_METRICS.includes(name)),
);

async function value(metrics: Metrics, name: string, labels: Record<string, string> = {}) {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const data = await metric.get();
  const match = data.values.find((v) =>
    Object.entries(labels).every(([key, label]) => String(v.labels[key]) === label),
  );
  return match?.value;
}

describe('makeMetrics', () => {
  it('registers every contract metric once, with its type and labels', async () => {
    const metrics = makeMetrics();
    const json = await metrics.registry.getMetricsAsJSON();
    const names = json.map((m) => m.name).sort();
    expect(names).toEqual(Object.keys(CONTRACT).sort());
    for (const metric of json) {
      expect({ name: metric.name, type: String(metric.type) }).toEqual({
        name: metric.name,
        type: CONTRACT[metric.name]?.type,
      });
    }
    // Labels as declared: setting an undeclared label throws.
    metrics.validators.set({ stage: 'active' }, 6);
    metrics.txFailed.inc({ kind: 'pool.stake', reason: 'reverted' });
    metrics.operatorHealthy.set({ operator_id: '3' }, 1);
    expect(() => metrics.txSent.inc({ stage: 'x' } as never)).toThrow();
    const text = await metrics.registry.metrics();
    expect(text).toContain('dvt_validators{stage="active"} 6');
    expect(text).toContain('dvt_tx_failed_total{kind="pool.stake",reason="reverted"} 1');
    expect(text).toContain('# TYPE dvt_gas_spent_eth_total counter');
  });

  it('keeps registries apart, so two workers in one process do not collide', async () => {
    const a = makeMetrics();
    const b = makeMetrics();
    a.poolUsableBalanceEth.set(5);
    expect(await value(a, 'dvt_pool_usable_balance_eth')).toBe(5);
    expect(await value(b, 'dvt_pool_usable_balance_eth')).toBe(0);
  });

  it('adds process metrics only when asked', async () => {
    const metrics = makeMetrics({ processMetrics: true });
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain('process_cpu_seconds_total');
    expect(names).toContain('dvt_validators');
  });

  it('records cluster reads: runway, liquidation, removal of clusters that are gone', async () => {
    const metrics = makeMetrics();
    const cluster = '0xowner-1-2-3-4';
    metrics.observeCluster({
      clusterId: cluster,
      exists: true,
      liquidated: false,
      runwayDays: 29.5,
    });
    expect(await value(metrics, 'dvt_cluster_runway_days', { cluster })).toBe(29.5);
    expect(await value(metrics, 'dvt_cluster_liquidated', { cluster })).toBe(0);
    metrics.observeCluster({ clusterId: cluster, exists: true, liquidated: true, runwayDays: 0 });
    expect(await value(metrics, 'dvt_cluster_liquidated', { cluster })).toBe(1);
    metrics.observeCluster({
      clusterId: cluster,
      exists: true,
      liquidated: false,
      runwayDays: null,
    });
    expect(await value(metrics, 'dvt_cluster_runway_days', { cluster })).toBeUndefined();
    metrics.observeCluster({ clusterId: cluster, exists: false, liquidated: false, runwayDays: 1 });
    expect(await value(metrics, 'dvt_cluster_liquidated', { cluster })).toBeUndefined();
  });

  it('records operator health and drops operators no longer watched', async () => {
    const metrics = makeMetrics();
    metrics.observeOperators([
      { id: 1, healthy: true },
      { id: 2, healthy: false },
    ]);
    expect(await value(metrics, 'dvt_operator_healthy', { operator_id: '2' })).toBe(0);
    metrics.observeOperators([{ id: 1, healthy: true }]);
    expect(await value(metrics, 'dvt_operator_healthy', { operator_id: '1' })).toBe(1);
    expect(await value(metrics, 'dvt_operator_healthy', { operator_id: '2' })).toBeUndefined();
  });

  it('reads dvt_tx_stuck from its sources at each scrape, keeping known kinds at 0', async () => {
    const metrics = makeMetrics();
    let stuck: [string, number][] = [['ssv.register', 2]];
    metrics.addTxStuckSource(() => stuck);
    expect(await value(metrics, 'dvt_tx_stuck', { kind: 'ssv.register' })).toBe(2);
    stuck = [];
    expect(await value(metrics, 'dvt_tx_stuck', { kind: 'ssv.register' })).toBe(0);
  });
});

describe('makeStateCollector', () => {
  function collector(overrides: Partial<Parameters<typeof makeStateCollector>[0]> = {}) {
    const metrics = makeMetrics();
    let clock = 0;
    const calls = { count: 0 };
    const state = makeStateCollector({
      metrics,
      now: () => clock,
      countLifecycles: (stage) => {
        calls.count++;
        return Promise.resolve(stage === 'active' ? 6 : stage === 'halted' ? 1 : 0);
      },
      readPoolUsableWei: () => Promise.resolve(1_500_000_000_000_000_000n),
      readSignerBalances: () => Promise.resolve([{ account: '0xABCdef', wei: 2n * 10n ** 18n }]),
      ...overrides,
    });
    return { metrics, state, calls, tick: (ms: number) => (clock += ms) };
  }

  it('sets lifecycles by stage, halted, pool and signer balances', async () => {
    const { metrics, state, calls } = collector();
    await state.refresh();
    expect(calls.count).toBe(STAGES.length);
    expect(await value(metrics, 'dvt_validators', { stage: 'active' })).toBe(6);
    expect(await value(metrics, 'dvt_validators', { stage: 'deposit' })).toBe(0);
    expect(await value(metrics, 'dvt_lifecycles_halted')).toBe(1);
    expect(await value(metrics, 'dvt_pool_usable_balance_eth')).toBe(1.5);
    expect(await value(metrics, 'dvt_signer_balance_eth', { account: '0xabcdef' })).toBe(2);
  });

  it('reads at most once per 15 s and shares a refresh between concurrent scrapes', async () => {
    const { state, calls, tick } = collector();
    await Promise.all([state.refresh(), state.refresh()]);
    expect(calls.count).toBe(STAGES.length);
    tick(14_999);
    await state.refresh();
    expect(calls.count).toBe(STAGES.length);
    tick(1);
    await state.refresh();
    expect(calls.count).toBe(2 * STAGES.length);
  });

  it('keeps the last values of a part that fails, and still refreshes the others', async () => {
    let fail = false;
    let usable = 1n * 10n ** 18n;
    const { metrics, state, tick } = collector({
      countLifecycles: () =>
        fail ? Promise.reject(new Error('visibility down')) : Promise.resolve(3),
      readPoolUsableWei: () => Promise.resolve(usable),
    });
    await state.refresh();
    fail = true;
    usable = 4n * 10n ** 18n;
    tick(15_000);
    await expect(state.refresh()).resolves.toBeUndefined();
    expect(await value(metrics, 'dvt_validators', { stage: 'active' })).toBe(3);
    expect(await value(metrics, 'dvt_pool_usable_balance_eth')).toBe(4);
  });
});

describe('startTelemetryServer', () => {
  const ready: Readiness = { ready: true };
  let server: TelemetryServer | undefined;
  let sdkServer: Server | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await new Promise<void>((resolve) =>
      sdkServer ? sdkServer.close(() => resolve()) : resolve(),
    );
    sdkServer = undefined;
  });

  /** A stand-in for the Temporal runtime's Prometheus endpoint. */
  async function fakeSdkEndpoint(text: string): Promise<string> {
    sdkServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(text);
    });
    await new Promise<void>((resolve) => sdkServer?.listen(0, '127.0.0.1', resolve));
    const address = sdkServer.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}/metrics`;
  }

  async function start(readiness: () => Promise<Readiness>, sdkMetrics?: () => Promise<string>) {
    const metrics = makeMetrics();
    let scrapes = 0;
    server = await startTelemetryServer({
      host: '127.0.0.1',
      port: 0,
      metrics,
      readiness,
      beforeScrape: () => {
        scrapes++;
        metrics.validators.set({ stage: 'active' }, 6);
        return Promise.resolve();
      },
      ...(sdkMetrics ? { sdkMetrics } : {}),
    });
    return { metrics, url: server.url, scrapes: () => scrapes };
  }

  it('serves our metrics, refreshed before the scrape, followed by the SDK runtime text', async () => {
    const sdkText =
      '# HELP temporal_worker_start x\n# TYPE temporal_worker_start counter\n' +
      'temporal_worker_start{namespace="default"} 1\n' +
      'dvt_stage_duration_seconds_count{stage="deposit"} 6\n';
    const sdkUrl = await fakeSdkEndpoint(sdkText);
    const { url, scrapes } = await start(
      () => Promise.resolve(ready),
      () => fetchMetricsText(sdkUrl),
    );
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(scrapes()).toBe(1);
    expect(text).toContain('dvt_validators{stage="active"} 6');
    expect(text).toContain('# TYPE dvt_tx_sent_total counter');
    expect(text.endsWith(sdkText)).toBe(true);
    expect(text.indexOf('dvt_validators')).toBeLessThan(text.indexOf('temporal_worker_start'));
  });

  it('still serves our metrics when the SDK runtime endpoint does not answer', async () => {
    const { url } = await start(
      () => Promise.resolve(ready),
      () => fetchMetricsText('http://127.0.0.1:1/metrics', 500),
    );
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('dvt_validators{stage="active"} 6');
    expect(text).toContain('# Temporal runtime metrics unavailable');
  });

  it('answers /healthz while the process runs, /readyz by readiness with the reason', async () => {
    let readiness: Readiness = { ready: false, reason: 'worker is INITIALIZED' };
    const { url } = await start(() => Promise.resolve(readiness));
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'not ready',
      reason: 'worker is INITIALIZED',
    });
    readiness = { ready: true };
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 503 when the readiness check itself fails', async () => {
    const { url } = await start(() => Promise.reject(new Error('Temporal unreachable')));
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not ready', reason: 'Temporal unreachable' });
  });

  it('refuses a port in use with ERR_CONFIG naming DVT_METRICS_PORT', async () => {
    const { metrics } = await start(() => Promise.resolve(ready));
    const port = server?.port ?? 0;
    await expect(
      startTelemetryServer({
        host: '127.0.0.1',
        port,
        metrics,
        readiness: () => Promise.resolve(ready),
      }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message: expect.stringContaining('DVT_METRICS_PORT') as unknown,
    });
  });
});

describe('transaction engine metrics', () => {
  const wallet = new Wallet(`0x${'11'.repeat(32)}`);
  const request: TxRequest = {
    kind: 'ssv.register',
    idempotencyKey: 'validator/0xpool/1/register-0',
    from: wallet.address,
    to: '0x00000000000000000000000000000000000000aa',
    data: '0x1234',
    valueWei: '0',
  };

  /** A node that accepts everything; receipts and mempool set by the test. */
  function fakeNode() {
    const receipts = new Map<string, { status: number; gasUsed: bigint; gasPrice: bigint }>();
    const mempool = new Set<string>();
    const node = {
      accountNonce: 0,
      rejectNext: null as string | null,
      simulationRevert: null as string | null,
      receipts,
      mempool,
      provider: {
        estimateGas: () =>
          node.simulationRevert
            ? Promise.reject(
                Object.assign(new Error('execution reverted'), {
                  error: { data: node.simulationRevert },
                }),
              )
            : Promise.resolve(100_000n),
        getBlock: () => Promise.resolve({ baseFeePerGas: 1_000_000_000n }),
        send: (_method: string, [raw]: [string]) => {
          const rejection = node.rejectNext;
          node.rejectNext = null;
          return rejection ? Promise.reject(new Error(rejection)) : Promise.resolve(raw);
        },
        getTransactionCount: () => Promise.resolve(node.accountNonce),
        getBlockNumber: () => Promise.resolve(100),
        getTransactionReceipt: (hash: string) => {
          const receipt = receipts.get(hash);
          return Promise.resolve(receipt ? { blockNumber: 99, ...receipt } : null);
        },
        getTransaction: (hash: string) => Promise.resolve(mempool.has(hash) ? { hash } : null),
        call: () =>
          Promise.reject(Object.assign(new Error('execution reverted'), { error: { data: '0x' } })),
      },
    };
    return node;
  }

  function engine(node: ReturnType<typeof fakeNode>, clock: { now: number }) {
    const metrics = makeMetrics();
    const txEngine = makeTxEngine({
      provider: node.provider as unknown as JsonRpcProvider,
      chainId: 1337,
      signers: new Map([[wallet.address.toLowerCase(), wallet]]),
      decodeRevert: makeRevertDecoder([]),
      policy: DEFAULT_GAS_POLICY,
      now: () => clock.now,
      sleep: () => Promise.resolve(),
      metrics,
      stuckAfterMs: 30_000,
    });
    return { metrics, txEngine };
  }

  const fees = (gwei: bigint) => ({
    maxFeePerGas: (gwei * 1_000_000_000n).toString(),
    maxPriorityFeePerGas: '1000000000',
  });

  it('counts sends once per version, replacements, stuck time and gas of the receipt', async () => {
    const node = fakeNode();
    const clock = { now: 0 };
    const { metrics, txEngine } = engine(node, clock);
    const first = await txEngine.sign(request, 0, fees(10n), '120000');
    expect(await txEngine.broadcast(first.raw)).toBe('accepted');
    expect(await txEngine.broadcast(first.raw)).toBe('accepted');
    expect(await value(metrics, 'dvt_tx_sent_total', { kind: 'ssv.register' })).toBe(1);

    node.mempool.add(first.hash);
    expect((await txEngine.check(request, 0, [first.hash])).status).toBe('pending');
    clock.now = 29_999;
    await txEngine.check(request, 0, [first.hash]);
    expect(await value(metrics, 'dvt_tx_stuck', { kind: 'ssv.register' })).toBe(0);
    clock.now = 30_000;
    expect(await value(metrics, 'dvt_tx_stuck', { kind: 'ssv.register' })).toBe(1);

    const second = await txEngine.sign(request, 0, fees(12n), '120000');
    expect(await txEngine.broadcast(second.raw)).toBe('accepted');
    expect(await value(metrics, 'dvt_tx_sent_total', { kind: 'ssv.register' })).toBe(2);
    expect(await value(metrics, 'dvt_tx_replaced_total', { kind: 'ssv.register' })).toBe(1);
    // A new version restarts the stuck clock.
    await txEngine.check(request, 0, [first.hash, second.hash]);
    expect(await value(metrics, 'dvt_tx_stuck', { kind: 'ssv.register' })).toBe(0);

    node.receipts.set(second.hash, { status: 1, gasUsed: 50_000n, gasPrice: 2_000_000_000n });
    node.accountNonce = 1;
    const mined = await txEngine.check(request, 0, [first.hash, second.hash]);
    expect(mined).toMatchObject({ status: 'mined', hash: second.hash, gasUsed: '50000' });
    await txEngine.check(request, 0, [first.hash, second.hash]); // a later confirmation poll
    expect(await value(metrics, 'dvt_gas_spent_eth_total', { kind: 'ssv.register' })).toBeCloseTo(
      0.0001,
      12,
    );
    clock.now = 120_000;
    expect(await value(metrics, 'dvt_tx_stuck', { kind: 'ssv.register' })).toBe(0);
    expect(await value(metrics, 'dvt_tx_failed_total')).toBeUndefined();
  });

  it('counts failures by reason: simulation revert, rejection, revert on chain, foreign nonce', async () => {
    const node = fakeNode();
    const { metrics, txEngine } = engine(node, { now: 0 });
    const failed = (reason: string) =>
      value(metrics, 'dvt_tx_failed_total', { kind: 'ssv.register', reason });

    node.simulationRevert = '0x08c379a0';
    await expect(txEngine.plan(request)).rejects.toMatchObject({ code: 'ERR_TX_REVERTED' });
    expect(await failed('simulation_reverted')).toBe(1);

    const tx = await txEngine.sign(request, 0, fees(10n), '120000');
    node.rejectNext = 'insufficient funds for gas * price + value';
    await expect(txEngine.broadcast(tx.raw)).rejects.toMatchObject({ code: 'ERR_TX_REJECTED' });
    expect(await failed('rejected')).toBe(1);

    node.receipts.set(tx.hash, { status: 0, gasUsed: 21_000n, gasPrice: 1_000_000_000n });
    expect((await txEngine.check(request, 0, [tx.hash])).status).toBe('reverted');
    await txEngine.check(request, 0, [tx.hash]);
    expect(await failed('reverted')).toBe(1);
    expect(await value(metrics, 'dvt_gas_spent_eth_total', { kind: 'ssv.register' })).toBeCloseTo(
      0.000021,
      12,
    );

    node.accountNonce = 5;
    expect((await txEngine.check(request, 3, ['0x' + 'ab'.repeat(32)])).status).toBe('nonce-taken');
    await txEngine.check(request, 3, ['0x' + 'ab'.repeat(32)]);
    expect(await failed('nonce_taken')).toBe(1);
  });

  it('counts nothing without metrics and behaves the same', async () => {
    const node = fakeNode();
    const txEngine = makeTxEngine({
      provider: node.provider as unknown as JsonRpcProvider,
      chainId: 1337,
      signers: new Map([[wallet.address.toLowerCase(), wallet]]),
      decodeRevert: makeRevertDecoder([]),
      policy: DEFAULT_GAS_POLICY,
      metrics: null,
    });
    const tx = await txEngine.sign(request, 0, fees(10n), '120000');
    expect(await txEngine.broadcast(tx.raw)).toBe('accepted');
  });
});
