// `npm run devnet`'s entry, devnet/main.ts, run as scripts/devnet.sh runs it (through tsx, without
// the set-up step; wrapped in devnet/supervise.cjs, which forwards signals and the exit code and
// stops it should this test process die), on free ports (DEVNET_*_PORT) and in a temporary state
// directory (DEVNET_STATE_DIR): state.json appears and every endpoint it lists answers, the
// contracts it names have code, the Temporal server has the project's search attributes, and the
// CLI's `devnet` commands reach the SSV API simulator through state.json; then a SIGINT, sent to
// the process alone and to its whole process group as a terminal's Ctrl-C does, stops it with
// exit code 0, no process of its group and no listening port survives, and state.json and the
// router's env.json are gone, so CLI calls say no devnet runs. The time from spawn to state.json
// is printed, not asserted.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';

import { EXIT } from '../../../client/cli.js';
import { runCliCaptured, type CliRun } from '../../helpers/cli.js';
import { freePort } from '../../../devnet/ports.js';
import type { DevnetState } from '../../../devnet/world.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../../workflows/definitions.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
/** Forwards signals and the exit code, and stops the devnet if this test process dies. */
const SUPERVISOR = path.join(REPO_ROOT, 'devnet', 'supervise.cjs');
/** Generous bounds; they only turn a hang into a failure with the devnet's output. */
const START_BOUND_MS = 150_000;
const STOP_BOUND_MS = 60_000;

interface GroupProcess {
  pid: number;
  stat: string;
  args: string;
}

/** Live (non-zombie) processes of process group `pgid`. */
function processGroup(pgid: number): GroupProcess[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) === pgid)
    .map((m) => ({ pid: Number(m[1]), stat: m[3]!, args: m[4]! }))
    .filter((p) => !p.stat.startsWith('Z'));
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { result: unknown }).result;
}

const cli = (...args: string[]): Promise<CliRun> => runCliCaptured(args);

interface RunningDevnet {
  child: ChildProcess;
  stateDir: string;
  statePath: string;
  ports: Record<string, number>;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function spawnDevnet(): Promise<RunningDevnet> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'dvt-devnet-main-'));
  const ports = {
    DEVNET_RPC_PORT: await freePort(),
    DEVNET_BEACON_PORT: await freePort(),
    DEVNET_SSV_API_PORT: await freePort(),
    DEVNET_TEMPORAL_PORT: await freePort(),
    DEVNET_TEMPORAL_UI_PORT: await freePort(),
  };
  const child = spawn(process.execPath, [SUPERVISOR, TSX, 'devnet/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      DEVNET_STATE_DIR: stateDir,
    },
    // Its own process group, as a shell job has: the group is what Ctrl-C signals and what the
    // test inspects for survivors.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stateDir,
    statePath: path.join(stateDir, 'state.json'),
    ports,
    output: () => output,
    exited,
  };
}

async function waitForState(devnet: RunningDevnet): Promise<DevnetState> {
  const deadline = Date.now() + START_BOUND_MS;
  while (!existsSync(devnet.statePath)) {
    if (devnet.child.exitCode !== null || devnet.child.signalCode !== null) {
      throw new Error(`devnet/main.ts exited before writing state.json:\n${devnet.output()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`no state.json after ${START_BOUND_MS} ms:\n${devnet.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return JSON.parse(readFileSync(devnet.statePath, 'utf8')) as DevnetState;
}

function killGroup(devnet: RunningDevnet | undefined): void {
  const pid = devnet?.child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

describe.each([
  ['the devnet process', false],
  ['its process group, as Ctrl-C in a terminal does', true],
])('npm run devnet, stopped by SIGINT to %s', (_target, toGroup) => {
  let devnet: RunningDevnet | undefined;
  let state: DevnetState;

  beforeAll(async () => {
    const spawnedAt = Date.now();
    devnet = await spawnDevnet();
    state = await waitForState(devnet);
    console.log(
      `devnet/main.ts: state.json ${((Date.now() - spawnedAt) / 1000).toFixed(1)} s after spawn`,
    );
  }, START_BOUND_MS + 10_000);

  afterAll(() => {
    // Only matters when a test failed before the stop: nothing may outlive the run.
    killGroup(devnet);
    if (devnet) rmSync(devnet.stateDir, { recursive: true, force: true });
  });

  it('lists every endpoint on the ports it was given', () => {
    const ports = devnet!.ports;
    expect(state).toMatchObject({
      network: 'devnet',
      executionRpcUrl: `http://127.0.0.1:${ports.DEVNET_RPC_PORT}`,
      beaconUrl: `http://127.0.0.1:${ports.DEVNET_BEACON_PORT}`,
      ssvApiUrl: `http://127.0.0.1:${ports.DEVNET_SSV_API_PORT}`,
      temporalAddress: `127.0.0.1:${ports.DEVNET_TEMPORAL_PORT}`,
      temporalUiUrl: `http://127.0.0.1:${ports.DEVNET_TEMPORAL_UI_PORT}`,
    });
    expect(existsSync(path.join(devnet!.stateDir, 'router', 'env.json'))).toBe(true);
  });

  it('answers on the execution RPC with its chain id and has code at every named contract', async () => {
    expect(Number(await rpc(state.executionRpcUrl, 'eth_chainId', []))).toBe(state.chainId);
    const names = Object.keys(state.contracts);
    expect(names).toEqual(expect.arrayContaining(['storage', 'ssvNetwork', 'depositContract']));
    for (const [name, address] of Object.entries(state.contracts) as [string, string][]) {
      const code = (await rpc(state.executionRpcUrl, 'eth_getCode', [address, 'latest'])) as string;
      expect({ name, deployed: code.length > 2 }).toEqual({ name, deployed: true });
    }
  });

  it('serves the beacon node and the SSV API with the registered operators', async () => {
    const syncing = await fetch(`${state.beaconUrl}/eth/v1/node/syncing`);
    expect(syncing.status).toBe(200);
    expect(((await syncing.json()) as { data: { is_syncing: boolean } }).data.is_syncing).toBe(
      false,
    );
    const listing = await fetch(
      `${state.ssvApiUrl}/api/v4/${state.ssvApiNetwork}/operators?perPage=100`,
    );
    expect(listing.status).toBe(200);
    const { operators } = (await listing.json()) as { operators: { id: number }[] };
    expect(operators.map((o) => o.id).sort((a, b) => a - b)).toEqual(
      state.operators.map((o) => o.id),
    );
  });

  it('serves the Temporal Web UI and a frontend with the project search attributes', async () => {
    const ui = await fetch(state.temporalUiUrl!);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await ui.text()).toMatch(/<html/i);

    const connection = await Connection.connect({ address: state.temporalAddress! });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({
        namespace: state.temporalNamespace!,
      });
      expect(Object.keys(customAttributes ?? {})).toEqual(
        expect.arrayContaining(ALL_SEARCH_ATTRIBUTES.map((key) => key.name)),
      );
    } finally {
      await connection.close();
    }
  });

  it('lets the CLI make an operator go bad and read the verifier report through state.json', async () => {
    const dir = devnet!.stateDir;
    const bad = await cli(
      '--json',
      '--devnet-dir',
      dir,
      'devnet',
      'operator',
      '3',
      '--status',
      'inactive',
      '--performance30d',
      '12.5',
    );
    expect(bad.code).toBe(EXIT.ok);
    expect(JSON.parse(bad.out)).toMatchObject({
      applied: { status: 'Inactive', performance: { '30d': 12.5 } },
      operator: { id: 3, status: 'Inactive', is_active: 0, performance: { '30d': 12.5 } },
    });
    const listed = (await (
      await fetch(`${state.ssvApiUrl}/api/v4/${state.ssvApiNetwork}/operators?perPage=100`)
    ).json()) as { operators: { id: number; status: string }[] };
    expect(listed.operators.find((o) => o.id === 3)?.status).toBe('Inactive');
    const reset = await cli('--json', '--devnet-dir', dir, 'devnet', 'operator', '3', '--reset');
    expect(JSON.parse(reset.out)).toMatchObject({ operator: { id: 3, status: 'Active' } });

    const verifier = await cli('--json', '--devnet-dir', dir, 'devnet', 'verifier');
    expect(verifier.code).toBe(EXIT.ok);
    const report = JSON.parse(verifier.out) as { total: number; registrations: unknown[] };
    expect(report.total).toBe(report.registrations.length);
  });

  it('stops on SIGINT with exit code 0, leaving no process, port or state file behind', async () => {
    const { child } = devnet!;
    const pgid = child.pid!;
    const before = processGroup(pgid).map((p) => p.args);
    // The group holds the servers and the worker, so an empty group afterwards means something.
    for (const server of [
      /hardhat\/internal\/cli\/cli\.js .*node/,
      /server start-dev/,
      /worker$/,
    ]) {
      expect(before.some((args) => server.test(args))).toBe(true);
    }

    if (toGroup) process.kill(-pgid, 'SIGINT');
    else child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      devnet!.exited,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no exit ${STOP_BOUND_MS} ms after SIGINT:\n${devnet!.output()}`)),
          STOP_BOUND_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));

    expect({ exit, output: devnet!.output() }).toEqual({
      exit: { code: 0, signal: null },
      output: expect.stringContaining('stopping devnet') as unknown,
    });
    expect(processGroup(pgid)).toEqual([]);
    for (const [name, port] of Object.entries(devnet!.ports)) {
      expect({ name, listening: await listening(port) }).toEqual({ name, listening: false });
    }
    expect(existsSync(devnet!.statePath)).toBe(false);
    expect(existsSync(path.join(devnet!.stateDir, 'router', 'env.json'))).toBe(false);
    // The router's key files stay for the next start.
    expect(existsSync(path.join(devnet!.stateDir, 'router', 'keystore.json'))).toBe(true);
    // So a CLI call after the stop says no devnet runs instead of reading a stale file.
    const after = await cli('--devnet-dir', devnet!.stateDir, 'devnet', 'verifier');
    expect(after.code).toBe(EXIT.usage);
    expect(after.err).toContain(`No running devnet: cannot read ${devnet!.statePath}.`);
    const status = await cli('--devnet-dir', devnet!.stateDir, 'status');
    expect(status.code).toBe(EXIT.usage);
    expect(status.err).toContain('No devnet router settings');
  });
});
