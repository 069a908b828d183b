/**
 * `npm run devnet`: the local world on 127.0.0.1. Writes what it started to .devnet/state.json
 * and stops everything on Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startTemporalDevServer } from './temporal-dev-server.js';

const NOT_BUILT_YET = [
  'EVM node with the deposit, StaFi pool and SSV contracts (devnet issue)',
  'simulated beacon node and SSV API, devnet operators and verifier, oracle, depositors (devnet issue)',
  'the dvt-router worker (workflows issue)',
];

async function main(): Promise<void> {
  const stateDir = path.resolve('.devnet');
  mkdirSync(stateDir, { recursive: true });
  const temporal = await startTemporalDevServer({
    port: Number(process.env.DEVNET_TEMPORAL_PORT ?? 7233),
    uiPort: Number(process.env.DEVNET_TEMPORAL_UI_PORT ?? 8233),
    dbFile: path.join(stateDir, 'temporal.db'),
  });
  const state = {
    startedAt: new Date().toISOString(),
    temporalAddress: temporal.address,
    temporalNamespace: temporal.namespace,
    temporalUiUrl: temporal.uiUrl,
    notBuiltYet: NOT_BUILT_YET,
  };
  writeFileSync(path.join(stateDir, 'state.json'), JSON.stringify(state, null, 2) + '\n');

  console.log(`Temporal dev server  ${temporal.address} (namespace ${temporal.namespace})`);
  console.log(`Temporal Web UI      ${temporal.uiUrl}`);
  console.log(`State file           ${path.join(stateDir, 'state.json')}`);
  console.log('Not built yet:');
  for (const item of NOT_BUILT_YET) console.log(`  - ${item}`);
  console.log('Ctrl-C stops everything.');

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('stopping devnet');
    void temporal.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
