/**
 * The router end to end: the devnet, a real Temporal dev server and the worker as its own process.
 * 200 ETH in the pool → 6 validators through every stage to active, registered on SSV with shares
 * the devnet verifier proves valid, the cluster funded for the configured runway; exits on request,
 * removal from SSV, the emptied cluster's balance withdrawn; and no secret anywhere in Temporal or
 * in the worker's log.
 */
import { deriveEth2ValidatorKeys, deriveKeyFromMnemonic } from '@chainsafe/bls-keygen';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';

// The package is CommonJS; its named exports are not visible to ESM.
const { temporal } = proto;
import { Contract, Interface, Mnemonic } from 'ethers';
import { SSV_NETWORK_ABI } from '../../../activities/abi/ssv-network.js';
import { latestClusterFromLogs } from '../../../devnet/deploy/ssv-cluster.js';
import { requestExit } from '../../../workflows/definitions.js';
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
  'emotion problem need nice museum proud room sell field impact ankle poet child video ' +
  'luggage awful next trophy engine forest price average husband exotic';
const TARGET_RUNWAY_DAYS = 30;
const HISTORIES_DIR = fileURLToPath(new URL('../../fixtures/histories/', import.meta.url));
const BLOCKS_PER_DAY = 7200n;

let world: RouterWorld;

beforeAll(async () => {
  world = await startRouterWorld({
    mnemonic: MNEMONIC,
    env: { DVT_RESERVE_ETH: '8', DVT_TARGET_RUNWAY_DAYS: String(TARGET_RUNWAY_DAYS) },
  });
});

afterAll(async () => {
  await world?.stop();
});

describe('dvt-router on the devnet', () => {
  it('onboards 6 validators from 200 ETH through every stage to active, exactly once each', async () => {
    await world.devnet.depositors.depositNow(200n * ETHER);
    const active = await waitForLifecycles(world.client, 6, (r) => r.stage === 'active');
    expect(active.map((r) => r.keyIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    // Usable 200 − 8 = 192 ETH = exactly 6 × 32: no seventh lifecycle.
    expect(await lifecycles(world.client)).toHaveLength(6);

    const pubkeys = active.map((r) => r.pubkey);
    expect(new Set(pubkeys).size).toBe(6);
    const deposits = await depositsByPubkey(world.devnet);
    for (const pubkey of pubkeys) {
      expect({ pubkey, amounts: deposits.get(pubkey ?? '') }).toEqual({
        pubkey,
        amounts: [1_000_000_000n, 31_000_000_000n],
      });
    }
    const added = countBy(
      (await ssvEvents(world.devnet)).filter((e) => e.name === 'ValidatorAdded'),
      (e) => e.pubkey ?? '',
    );
    expect([...added.values()]).toEqual([1, 1, 1, 1, 1, 1]);

    await world.devnet.verifier.ingestNow();
    const report = world.devnet.verifier.report();
    expect(report).toHaveLength(6);
    expect(report.every((r) => r.valid)).toBe(true);
    expect(report.map((r) => r.nonce)).toEqual([0, 1, 2, 3, 4, 5]);

    const beacon = (await (
      await fetch(
        `${world.devnet.state.beaconUrl}/eth/v1/beacon/states/head/validators?${pubkeys.map((p) => `id=${p}`).join('&')}`,
      )
    ).json()) as { data: { status: string }[] };
    expect(beacon.data.map((v) => v.status)).toEqual(Array(6).fill('active_ongoing'));
  });

  it('funds each cluster for the configured runway', async () => {
    const networkInterface = new Interface(SSV_NETWORK_ABI);
    const ssv = new Contract(
      world.devnet.state.contracts.ssvNetwork,
      SSV_NETWORK_ABI,
      world.devnet.provider,
    );
    const owner = world.devnet.state.accounts.router;
    const logs = await world.devnet.provider.getLogs({
      address: world.devnet.state.contracts.ssvNetwork,
      fromBlock: 0,
    });
    const clusters = new Set(
      (await ssvEvents(world.devnet))
        .filter((e) => e.name === 'ValidatorAdded')
        .map((e) => (e.operatorIds ?? []).join('-')),
    );
    expect(clusters.size).toBeGreaterThanOrEqual(1);
    for (const cluster of clusters) {
      const ids = cluster.split('-').map(Number);
      const own = logs.filter((log) => {
        const parsed = networkInterface.parseLog(log);
        const logOwner = parsed?.args.getValue('owner') as string | undefined;
        const logIds = parsed?.fragment.inputs.some((i) => i.name === 'operatorIds')
          ? (parsed.args.getValue('operatorIds') as bigint[]).map(Number).join('-')
          : undefined;
        return logOwner?.toLowerCase() === owner.toLowerCase() && logIds === cluster;
      });
      const struct = latestClusterFromLogs(networkInterface, own);
      const balance = (await ssv.getFunction('getBalance')(owner, ids, struct)) as bigint;
      const burn = (await ssv.getFunction('getBurnRate')(owner, ids, struct)) as bigint;
      const runwayDays = Number((balance * 1000n) / (burn * BLOCKS_PER_DAY)) / 1000;
      expect({ cluster, runwayDays: Math.floor(runwayDays) >= TARGET_RUNWAY_DAYS - 1 }).toEqual({
        cluster,
        runwayDays: true,
      });
    }
  });

  it('exposes the router, Temporal SDK and stage metrics on one endpoint, and is healthy', async () => {
    const metricsUrl = world.worker().metricsUrl ?? '';
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const base = metricsUrl.replace(/\/metrics$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready' });

    // Operator health comes from operatorWatch's next round after the registrations (≤ 30 s).
    const text = await eventually(
      async () => {
        const body = await (await fetch(metricsUrl)).text();
        return samples(body, 'dvt_operator_healthy').length > 0 ? body : undefined;
      },
      { attempts: 120, intervalMs: 500 },
    );
    const sum = (name: string, labels: Record<string, string> = {}): number =>
      samples(text, name)
        .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((total, s) => total + s.value, 0);

    expect(sum('dvt_validators', { stage: 'active' })).toBe(6);
    expect(sum('dvt_lifecycles_halted')).toBe(0);
    expect(samples(text, 'dvt_pool_usable_balance_eth')).toHaveLength(1);
    const router = world.devnet.state.accounts.router.toLowerCase();
    expect(sum('dvt_signer_balance_eth', { account: router })).toBeGreaterThan(0);
    for (const kind of ['superNode.deposit', 'superNode.stake']) {
      expect({ kind, sent: sum('dvt_tx_sent_total', { kind }) > 0 }).toEqual({ kind, sent: true });
    }
    expect(sum('dvt_tx_sent_total', { kind: 'unknown' })).toBe(0);
    expect(sum('dvt_gas_spent_eth_total')).toBeGreaterThan(0);
    for (const family of ['dvt_tx_failed_total counter', 'dvt_tx_replaced_total counter']) {
      expect(text).toContain(`# TYPE ${family}`);
    }
    expect(text).toContain('# TYPE dvt_tx_stuck gauge');
    const runways = samples(text, 'dvt_cluster_runway_days');
    expect(runways.length).toBeGreaterThanOrEqual(1);
    expect(runways.every((s) => s.value >= TARGET_RUNWAY_DAYS / 3)).toBe(true);
    expect(samples(text, 'dvt_cluster_liquidated').every((s) => s.value === 0)).toBe(true);
    expect(samples(text, 'dvt_operator_healthy').every((s) => s.value === 1)).toBe(true);
    // The Temporal runtime's own metrics and the workflow's stage histogram (labels from the SDK:
    // stage, namespace, taskQueue, workflowType), appended.
    expect(text).toMatch(/^temporal_\w+/m);
    expect(text).toContain('# TYPE dvt_stage_duration_seconds histogram');
    expect(
      sum('dvt_stage_duration_seconds_count', {
        stage: 'await_activation',
        workflowType: 'validatorLifecycle',
      }),
    ).toBeGreaterThanOrEqual(6);
  });

  it('exits 2 validators on request: exited on the beacon chain, then removed from SSV', async () => {
    const [first, second] = await lifecycles(world.client);
    for (const row of [first, second]) {
      const handle = world.client.workflow.getHandle(row?.workflowId ?? '');
      const answer = await handle.executeUpdate(requestExit, {
        args: [{ reason: 'e2e: pool asked', source: 'operator' }],
      });
      expect(answer.accepted).toBe(true);
    }
    const done = await waitForLifecycles(world.client, 2, (r) => r.status === 'COMPLETED');
    expect(done.map((r) => r.keyIndex).sort()).toEqual([first?.keyIndex, second?.keyIndex].sort());
    expect(done.every((r) => r.stage === 'done')).toBe(true);

    const events = await ssvEvents(world.devnet);
    for (const row of done) {
      expect(
        countBy(
          events.filter((e) => e.pubkey === row.pubkey),
          (e) => e.name,
        ),
      ).toEqual(
        new Map([
          ['ValidatorAdded', 1],
          ['ValidatorExited', 1],
          ['ValidatorRemoved', 1],
        ]),
      );
      const beacon = (await (
        await fetch(
          `${world.devnet.state.beaconUrl}/eth/v1/beacon/states/head/validators/${row.pubkey}`,
        )
      ).json()) as { data: { status: string } };
      expect(beacon.data.status).toMatch(
        /^(exited_unslashed|withdrawal_possible|withdrawal_done)$/,
      );
    }
  });

  it('withdraws the balance of a cluster once its last validator left', async () => {
    for (const row of (await lifecycles(world.client)).filter((r) => r.status === 'RUNNING')) {
      await world.client.workflow
        .getHandle(row.workflowId)
        .executeUpdate(requestExit, { args: [{ reason: 'e2e: wind down', source: 'operator' }] });
    }
    await waitForLifecycles(world.client, 6, (r) => r.status === 'COMPLETED');
    const withdrawn = await eventually(
      async () => {
        const events = await ssvEvents(world.devnet);
        const hit = events.find((e) => e.name === 'ClusterWithdrawn');
        return hit ?? undefined;
      },
      { attempts: 240, intervalMs: 500 },
    );
    expect(withdrawn.value).toBeGreaterThan(0n);
  });

  it('leaves no validator secret or the mnemonic in any history, search attribute, memo or log', async () => {
    const master = deriveKeyFromMnemonic(MNEMONIC);
    const secrets: string[] = [
      MNEMONIC,
      Buffer.from(MNEMONIC).toString('hex'),
      Buffer.from(MNEMONIC).toString('base64'),
    ];
    const entropy = Mnemonic.fromPhrase(MNEMONIC).entropy;
    secrets.push(entropy.slice(2), BigInt(entropy).toString());
    for (let index = 0; index < 8; index++) {
      const sk = Buffer.from(deriveEth2ValidatorKeys(master, index).signing);
      secrets.push(
        sk.toString('hex'),
        sk.toString('base64'),
        BigInt(`0x${sk.toString('hex')}`).toString(),
      );
    }
    const texts: string[] = [world.allOutput()];
    const recorded = new Set<string>();
    for await (const wf of world.client.workflow.list()) {
      texts.push(JSON.stringify(wf.searchAttributes), JSON.stringify(wf.memo ?? null));
      const history = await world.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      // DVT_RECORD_HISTORIES=1 refreshes the histories CI replays (test/workflows/replay.test.ts):
      // one run of each workflow type, a closed one where there is one (an open run's history
      // replays just as well, up to its last event).
      const closed = wf.status.name === 'COMPLETED';
      if (
        process.env.DVT_RECORD_HISTORIES &&
        !recorded.has(`${wf.type}/closed`) &&
        (closed || !recorded.has(wf.type))
      ) {
        recorded.add(closed ? `${wf.type}/closed` : wf.type);
        writeFileSync(
          path.join(HISTORIES_DIR, `${wf.type}.json`),
          JSON.stringify({
            workflowId: wf.workflowId,
            historyBase64: Buffer.from(
              temporal.api.history.v1.History.encode(history).finish(),
            ).toString('base64'),
          }),
        );
      }
      texts.push(
        JSON.stringify(history, (_key, value: unknown) =>
          value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value,
        ),
      );
    }
    expect(texts.length).toBeGreaterThan(10);
    const haystack = texts.join('\n');
    const leaked = secrets.filter((secret) => haystack.includes(secret));
    expect(leaked).toEqual([]);
  });
});

/** The samples of `name` in Prometheus text (label values unescaped enough for ours). */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key ?? ''] = value ?? '';
    }
    out.push({ labels, value: Number(match[3]) });
  }
  return out;
}
