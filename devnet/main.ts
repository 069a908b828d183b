/**
 * `npm run devnet`: the local world on 127.0.0.1 with fixed ports (override with DEVNET_*_PORT)
 * and its files in .devnet (override with DEVNET_STATE_DIR). Writes what it started to
 * `<state dir>/state.json` once everything, the router worker included, is started; on Ctrl-C
 * (SIGINT) or SIGTERM it removes that file and the router's env.json first, so no CLI call reads
 * a stopped devnet, then stops everything and exits 0.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prepareRouterFiles, startRouterProcess } from './router-process.js';
import { startDevnet } from './world.js';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(
      `${name}=${raw} is not a TCP port; set a number from 1 to 65535, e.g. ${fallback}`,
    );
  }
  return value;
}

/** Writes `file` whole or not at all: a reader never sees half a JSON document. */
function writeJsonAtomic(file: string, value: unknown): void {
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(value, null, 2) + '\n');
  renameSync(partial, file);
}

async function main(): Promise<void> {
  const stateDir = path.resolve(process.env.DEVNET_STATE_DIR || '.devnet');
  mkdirSync(stateDir, { recursive: true });
  const statePath = path.join(stateDir, 'state.json');
  const routerDir = path.join(stateDir, 'router');
  // What clients read to find the devnet; an earlier run killed without clean-up left them behind.
  const published = [
    statePath,
    path.join(routerDir, 'env.json'),
    path.join(routerDir, 'devnet-state.json'),
  ];
  for (const file of published) rmSync(file, { force: true });
  const startedAt = Date.now();
  // The chain starts fresh every time, so Temporal's history of an earlier chain is dropped too.
  rmSync(path.join(stateDir, 'temporal.db'), { force: true });
  const devnet = await startDevnet({
    ports: {
      rpc: port('DEVNET_RPC_PORT', 8545),
      beacon: port('DEVNET_BEACON_PORT', 5052),
      ssvApi: port('DEVNET_SSV_API_PORT', 3300),
      temporal: port('DEVNET_TEMPORAL_PORT', 7233),
      temporalUi: port('DEVNET_TEMPORAL_UI_PORT', 8233),
    },
    temporalDbFile: path.join(stateDir, 'temporal.db'),
  });
  const s = devnet.state;
  console.log(`Execution RPC    ${s.executionRpcUrl} (chain id ${s.chainId})`);
  console.log(`Beacon API       ${s.beaconUrl}`);
  console.log(`SSV API          ${s.ssvApiUrl}/api/v4/${s.ssvApiNetwork}`);
  console.log(`Temporal         ${s.temporalAddress} (namespace ${s.temporalNamespace})`);
  console.log(`Temporal Web UI  ${s.temporalUiUrl}`);
  console.log(`Pool (Storage)   ${s.contracts.storage}`);
  console.log(`SSVNetwork       ${s.contracts.ssvNetwork} (${s.operators.length} operators)`);
  console.log(
    'Depositors stake 32 ETH every 10 s; trusted nodes vote credentials as deposits land.',
  );

  const files = await prepareRouterFiles(devnet, routerDir, {
    env: { DVT_POOL_MONITOR_INTERVAL_SECONDS: '10' },
  });
  // The worker's settings (paths only, no secret values), so `dvt-router --devnet …` can use them.
  // Without the metrics port: a second worker started from it must not collide with this one.
  const sharedEnv = Object.fromEntries(
    Object.entries(files.env).filter(([name]) => name !== 'DVT_METRICS_PORT'),
  );
  writeJsonAtomic(path.join(routerDir, 'env.json'), sharedEnv);
  const worker = startRouterProcess(files.env);
  worker.child.stdout?.on('data', (chunk: Buffer) =>
    process.stdout.write(`[worker] ${chunk.toString()}`),
  );
  worker.child.stderr?.on('data', (chunk: Buffer) =>
    process.stderr.write(`[worker] ${chunk.toString()}`),
  );
  console.log(`Router worker    pid ${worker.child.pid}; key files in ${routerDir} (devnet only)`);
  console.log(`Router metrics   ${files.metricsUrl} (also /healthz, /readyz)`);
  console.log('Watch validators appear in the Temporal Web UI (query: DvtStage = "active").');
  console.log('Or ask the router: npx dvt-router --devnet status');
  writeJsonAtomic(statePath, { startedAt: new Date(startedAt).toISOString(), ...devnet.state });
  console.log(`State file       ${statePath}`);
  console.log(`devnet up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  console.log('Ctrl-C stops everything.');

  let stopping = false;
  const stop = (): void => {
    // One Ctrl-C can arrive several times (the terminal signals npx, tsx and this process).
    if (stopping) return;
    stopping = true;
    console.log('stopping devnet');
    for (const file of published) rmSync(file, { force: true });
    void worker
      .stop()
      .then(() => devnet.stop())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
