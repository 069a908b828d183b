// Crypto throughput of the keys activities, one core (the work is synchronous apart from awaits).
// Run: npx tsx bench/crypto.ts   — writes bench/crypto-results.json. Figures, not asserts.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import { deriveKeyFromEntropy } from '@chainsafe/bls-keygen';

import { bip39Seed } from '../activities/keys/bip39-seed.js';
import { buildSharesPayload } from '../activities/keys/build-shares-payload.js';
import { signingKeyPath } from '../activities/keys/key-source.js';
import { encodeOperatorPublicKey } from '../activities/keys/operator-public-key.js';
import { signDepositData, STAKE_GWEI } from '../activities/keys/sign-deposit-data.js';
import { PUBLIC_NETWORKS } from '../domain/beacon/network-params.js';

const RUNS = 5;
const round = (x: number) => Math.round(x * 10) / 10;
// Published StaFi test phrase: never holds funds.
const MNEMONIC =
  'emotion problem need nice museum proud room sell field impact ankle poet child video luggage awful next trophy engine forest price average husband exotic';
const CREDENTIALS = '0x01000000000000000000000027d64dd9172e4b59a444817d30f7af8228f174cc';
const OWNER = '0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494';

const seed = bip39Seed(MNEMONIC);
const operators = Array.from({ length: 13 }, (_, i) => ({
  id: i + 1,
  publicKey: encodeOperatorPublicKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
}));
const keys = Array.from({ length: 8 }, (_, i) => deriveKeyFromEntropy(seed, signingKeyPath(i)));

interface Rate {
  /** Operations per wall-clock second. */
  wall: number;
  /** Operations per CPU-second of this process (user + system): the per-core figure. */
  cpu: number;
}

/** Runs `op` `count` times per run; returns the median rates over {@link RUNS} runs. */
async function measure(count: number, op: (i: number) => unknown): Promise<Rate> {
  await op(0); // warm-up: wasm init, JIT
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < count; i += 1) await op(i);
    wall.push(count / ((performance.now() - start) / 1000));
    const used = process.cpuUsage(cpuStart);
    cpu.push(count / ((used.user + used.system) / 1e6));
  }
  const median = (xs: number[]) => round(xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
  return { wall: median(wall), cpu: median(cpu) };
}

const results = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  date: new Date().toISOString(),
  runs: RUNS,
  statistic: 'median of runs; operations per wall-clock second and per CPU-second (one core)',
  sharesPayloads4PerSecond: await measure(20, (i) =>
    buildSharesPayload({
      secretKey: keys[i % keys.length]!,
      operators: operators.slice(0, 4),
      ownerAddress: OWNER,
      ownerNonce: i,
    }),
  ),
  sharesPayloads13PerSecond: await measure(10, (i) =>
    buildSharesPayload({
      secretKey: keys[i % keys.length]!,
      operators,
      ownerAddress: OWNER,
      ownerNonce: i,
    }),
  ),
  derivationsPerSecond: await measure(20, (i) =>
    deriveKeyFromEntropy(seed, signingKeyPath(1000 + i)),
  ),
  depositSigningsPerSecond: await measure(50, (i) =>
    signDepositData({
      secretKey: keys[i % keys.length]!,
      withdrawalCredentials: CREDENTIALS,
      amountGwei: STAKE_GWEI,
      network: PUBLIC_NETWORKS.mainnet,
    }),
  ),
};

const out = fileURLToPath(new URL('./crypto-results.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
