/**
 * `npm run devnet`: the local world on 127.0.0.1 with fixed ports (override with DEVNET_*_PORT).
 * Writes what it started to .devnet/state.json and stops everything on Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startDevnet } from './world.js';

const NOT_BUILT_YET = ['the dvt-router worker (workflows issue): the world runs without a router'];

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

async function main(): Promise<void> {
  const stateDir = path.resolve('.devnet');
  mkdirSync(stateDir, { recursive: true });
  const startedAt = Date.now();
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
  const statePath = path.join(stateDir, 'state.json');
  const state = {
    startedAt: new Date(startedAt).toISOString(),
    ...devnet.state,
    notBuiltYet: NOT_BUILT_YET,
  };
  writeFileSync(statePath, JSON.stringify(state, null, 2) + '\n');

  const s = devnet.state;
  console.log(`devnet up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  console.log(`Execution RPC    ${s.executionRpcUrl} (chain id ${s.chainId})`);
  console.log(`Beacon API       ${s.beaconUrl}`);
  console.log(`SSV API          ${s.ssvApiUrl}/api/v4/${s.ssvApiNetwork}`);
  console.log(`Temporal         ${s.temporalAddress} (namespace ${s.temporalNamespace})`);
  console.log(`Temporal Web UI  ${s.temporalUiUrl}`);
  console.log(`Pool (Storage)   ${s.contracts.storage}`);
  console.log(`SSVNetwork       ${s.contracts.ssvNetwork} (${s.operators.length} operators)`);
  console.log(`State file       ${statePath}`);
  console.log(
    'Depositors stake 32 ETH every 10 s; trusted nodes vote credentials as deposits land.',
  );
  for (const item of NOT_BUILT_YET) console.log(`Not built yet: ${item}`);
  console.log('Ctrl-C stops everything.');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('stopping devnet');
    void devnet.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
