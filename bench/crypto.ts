/**
 * Figure 4 — crypto throughput of the keys activities on one core (the work is synchronous apart
 * from awaits): SSV shares payloads for 4 and 13 operators, EIP-2333 key derivations and 31 ETH
 * deposit-data signings. Each run times `count` operations after one warm-up call and reports
 * operations per CPU-second of this process (user + system: the per-core rate) and per wall
 * second. Part of `npm run bench`; `npx tsx bench/crypto.ts` runs it alone and prints JSON.
 */
import { generateKeyPairSync } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

import { deriveKeyFromEntropy } from '@chainsafe/bls-keygen';

import { bip39Seed } from '../activities/keys/bip39-seed.js';
import { buildSharesPayload } from '../activities/keys/build-shares-payload.js';
import { signingKeyPath } from '../activities/keys/key-source.js';
import { encodeOperatorPublicKey } from '../activities/keys/operator-public-key.js';
import { signDepositData, STAKE_GWEI } from '../activities/keys/sign-deposit-data.js';
import { PUBLIC_NETWORKS } from '../domain/beacon/network-params.js';
import { summarize, type Summary } from './stats.js';

// Published StaFi test phrase: never holds funds.
const MNEMONIC =
  'emotion problem need nice museum proud room sell field impact ankle poet child video luggage awful next trophy engine forest price average husband exotic';
const CREDENTIALS = '0x01000000000000000000000027d64dd9172e4b59a444817d30f7af8228f174cc';
const OWNER = '0x81592c3DE184A3E2c0DCB5a261BC107Bfa91f494';

/** One operation's rates over the runs. */
export interface CryptoRate {
  /** Operations per CPU-second of the process: the per-core figure. */
  perCpuSecond: Summary;
  /** Operations per wall-clock second (lower than per CPU-second when the machine is shared). */
  perWallSecond: Summary;
}

export interface CryptoResults {
  sharesPayload4: CryptoRate;
  sharesPayload13: CryptoRate;
  keyDerivation: CryptoRate;
  depositSigning: CryptoRate;
}

export interface CryptoOptions {
  runs: number;
  /** Multiplies the operations per run (1 = 20/10/20/50); quick runs use less. */
  scale?: number;
}

async function measure(
  runs: number,
  count: number,
  op: (i: number) => unknown,
): Promise<CryptoRate> {
  await op(0); // warm-up: wasm init, JIT
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < count; i += 1) await op(i);
    wall.push(count / ((performance.now() - start) / 1000));
    const used = process.cpuUsage(cpuStart);
    cpu.push(count / ((used.user + used.system) / 1e6));
  }
  return {
    perCpuSecond: summarize(cpu, 'ops/CPU-s', { digits: 1 }),
    perWallSecond: summarize(wall, 'ops/s', { digits: 1 }),
  };
}

/** Measures the four crypto rates, `runs` times each. */
export async function measureCrypto(options: CryptoOptions): Promise<CryptoResults> {
  const scale = options.scale ?? 1;
  const n = (base: number) => Math.max(2, Math.round(base * scale));
  const seed = bip39Seed(MNEMONIC);
  const operators = Array.from({ length: 13 }, (_, i) => ({
    id: i + 1,
    publicKey: encodeOperatorPublicKey(
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey,
    ),
  }));
  const keys = Array.from({ length: 8 }, (_, i) => deriveKeyFromEntropy(seed, signingKeyPath(i)));
  return {
    sharesPayload4: await measure(options.runs, n(20), (i) =>
      buildSharesPayload({
        secretKey: keys[i % keys.length]!,
        operators: operators.slice(0, 4),
        ownerAddress: OWNER,
        ownerNonce: i,
      }),
    ),
    sharesPayload13: await measure(options.runs, n(10), (i) =>
      buildSharesPayload({
        secretKey: keys[i % keys.length]!,
        operators,
        ownerAddress: OWNER,
        ownerNonce: i,
      }),
    ),
    keyDerivation: await measure(options.runs, n(20), (i) =>
      deriveKeyFromEntropy(seed, signingKeyPath(1000 + i)),
    ),
    depositSigning: await measure(options.runs, n(50), (i) =>
      signDepositData({
        secretKey: keys[i % keys.length]!,
        withdrawalCredentials: CREDENTIALS,
        amountGwei: STAKE_GWEI,
        network: PUBLIC_NETWORKS.mainnet,
      }),
    ),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await measureCrypto({ runs: 5 }), null, 2));
}
