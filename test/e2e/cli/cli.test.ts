/**
 * The `dvt-router` CLI as an operator runs it: spawned processes against the devnet, a real
 * Temporal dev server and the worker process; answers checked against the chain.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatEther, Mnemonic } from 'ethers';
import {
  countBy,
  depositsByPubkey,
  ETHER,
  ssvEvents,
  startRouterWorld,
  waitForLifecycles,
  type RouterWorld,
} from '../../helpers/router-world.js';
import { eventually } from '../../helpers/temporal.js';

const BIN = fileURLToPath(new URL('../../../bin/dvt-router.js', import.meta.url));
const REPO = path.dirname(path.dirname(BIN));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let world: RouterWorld;

/** Runs the CLI as a separate process with the router's environment (plus `env`). */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...world.files.env,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function beaconStatus(pubkey: string): Promise<string> {
  const url = `${world.devnet.state.beaconUrl}/eth/v1/beacon/states/head/validators/${pubkey}`;
  const body = (await (await fetch(url)).json()) as { data: { status: string } };
  return body.data.status;
}

async function json<T>(args: string[]): Promise<T> {
  const run = await cli(['--json', ...args]);
  if (run.code !== 0)
    throw new Error(`dvt-router ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

interface Status {
  pool: { address: string; balanceEth: string; reserveEth: string; usableEth: string };
  validators: { total: number; byStage: Record<string, number> };
  clusters: { clusterId: string; validatorCount: number | null; runwayDays: number | null }[];
  operators: { id: number; validators: number; healthy: boolean }[];
  attention: unknown[];
}

interface Shown {
  workflowId: string;
  status: { stage: string; pubkey: string; waitingFor: string | null; paused: boolean };
}

beforeAll(async () => {
  world = await startRouterWorld({
    mnemonic: Mnemonic.fromEntropy(randomBytes(32)).phrase,
    env: { DVT_RESERVE_ETH: '8' },
  });
  // 8 ETH reserve + 2 × 32: two validators.
  await world.devnet.depositors.depositNow(72n * ETHER);
  await waitForLifecycles(world.client, 2, (r) => r.stage === 'active');
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

describe('dvt-router CLI on the devnet', () => {
  it('status --json matches the chain', async () => {
    const status = await json<Status>(['status']);
    const { provider, state } = world.devnet;

    expect(status.pool.address).toBe(state.contracts.storage.toLowerCase());
    expect(status.pool.balanceEth).toBe(
      formatEther(await provider.getBalance(state.contracts.userDeposit)),
    );
    expect(status.pool.reserveEth).toBe('8.0');

    const staked = [...(await depositsByPubkey(world.devnet)).entries()].filter(
      ([, amounts]) => amounts.reduce((a, b) => a + b, 0n) === 32_000_000_000n,
    );
    expect(status.validators.byStage.active).toBe(staked.length);
    expect(status.validators.total).toBe(2);

    const events = await ssvEvents(world.devnet);
    const added = events.filter((e) => e.name === 'ValidatorAdded');
    const removed = events.filter((e) => e.name === 'ValidatorRemoved');
    const inClusters = status.clusters.reduce((n, c) => n + (c.validatorCount ?? 0), 0);
    expect(inClusters).toBe(added.length - removed.length);
    expect(status.clusters.every((c) => c.runwayDays !== null && c.runwayDays > 0)).toBe(true);

    const onChainOperators = countBy(
      added.flatMap((e) => e.operatorIds ?? []),
      (id) => String(id),
    );
    expect(status.operators.map((o) => [String(o.id), o.validators])).toEqual(
      [...onChainOperators.entries()].sort(([a], [b]) => Number(a) - Number(b)),
    );
    expect(status.attention).toEqual([]);

    const table = await cli(['status']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('Validators (2)');
    expect(table.stdout).toMatch(/active\s+2/);
  });

  it('lists and shows validators by key index and by pubkey', async () => {
    const rows = await json<{ keyIndex: number; stage: string; pubkey: string }[]>([
      'validators',
      'list',
    ]);
    expect(rows.map((r) => [r.keyIndex, r.stage])).toEqual([
      [0, 'active'],
      [1, 'active'],
    ]);
    const byPubkey = await json<Shown>(['validators', 'show', rows[1]?.pubkey ?? '']);
    expect(byPubkey.status).toMatchObject({ stage: 'active', pubkey: rows[1]?.pubkey });
    const byIndex = await json<Shown>(['validators', 'show', '1']);
    expect(byIndex.workflowId).toBe(byPubkey.workflowId);
  });

  it('pause holds a lifecycle before its next transaction; resume lets it exit and offboard', async () => {
    const before = await json<Shown>(['validators', 'show', '0']);
    const pubkey = before.status.pubkey;
    expect((await cli(['pause', '0', '--reason', 'maintenance'])).code).toBe(0);
    const exit = await cli(['exit', '0', '--reason', 'pool shrinks']);
    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/0\s+ok\s+exit accepted in stage active/);

    const held = await eventually(
      async () => {
        const shown = await json<Shown>(['validators', 'show', '0']);
        return shown.status.waitingFor === 'resume (paused before exit)' ? shown : undefined;
      },
      { attempts: 60, intervalMs: 1_000 },
    );
    expect(held.status).toMatchObject({ stage: 'exit', paused: true });
    const exitEvents = async () =>
      (await ssvEvents(world.devnet)).filter(
        (e) => e.name === 'ValidatorExited' && e.pubkey === pubkey,
      );
    expect(await exitEvents()).toEqual([]);
    expect(await beaconStatus(pubkey)).toBe('active_ongoing');

    expect((await cli(['resume', '0'])).code).toBe(0);
    await eventually(
      async () =>
        (await json<Shown>(['validators', 'show', '0'])).status.stage === 'done' ? true : undefined,
      { attempts: 240, intervalMs: 1_000 },
    );
    expect(await exitEvents()).toHaveLength(1);
    const removed = (await ssvEvents(world.devnet)).filter(
      (e) => e.name === 'ValidatorRemoved' && e.pubkey === pubkey,
    );
    expect(removed).toHaveLength(1);
    expect(await beaconStatus(pubkey)).toMatch(
      /^(exited_unslashed|withdrawal_possible|withdrawal_done)$/,
    );
  });

  it('exits with codes scripts can trust', async () => {
    const missing = await cli(['exit', '99']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/99\s+FAILED\s+No validator lifecycle for "99"/);

    const malformed = await cli(['validators', 'show', '0xzz']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('is neither a key index nor a pubkey');

    const badConfig = await cli(['validators', 'list'], { DVT_POOL_STORAGE: '0x12' });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('DVT_POOL_STORAGE');

    const noDevnet = await cli(['--devnet-dir', '/nonexistent', 'status']);
    expect(noDevnet.code).toBe(2);
    expect(noDevnet.stderr).toContain('No devnet router settings at /nonexistent/router/env.json');

    const usage = await cli(['pause']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Name validators or pass --all.');

    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);

    const down = await cli(['--json', 'validators', 'list'], {
      DVT_TEMPORAL_ADDRESS: '127.0.0.1:1',
    });
    expect(down.code).toBe(3);
    expect(JSON.parse(down.stderr)).toMatchObject({ error: { code: 'ERR_UPSTREAM_UNAVAILABLE' } });
  });

  it('temporal setup registers what is missing and is idempotent', async () => {
    const first = await json<{
      searchAttributes: { added: string[]; present: string[] };
      schedule: { action: string };
    }>(['temporal', 'setup']);
    const second = await json<typeof first>(['temporal', 'setup']);
    expect(second.searchAttributes.added).toEqual([]);
    expect([...second.searchAttributes.present].sort()).toEqual([
      'DvtCluster',
      'DvtKeyIndex',
      'DvtPool',
      'DvtPubkey',
      'DvtStage',
    ]);
    expect(first.schedule.action).toBe('updated');
    expect(second.schedule.action).toBe('updated');
  });
});
