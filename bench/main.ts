/**
 * `npm run bench` — the benchmark harness: devnet, a real Temporal dev server and the worker as
 * its own process, run sequentially; writes results.json and RESULTS.md. Figures, not asserts:
 * the run fails only when a figure could not be measured (validateResults).
 *
 *   npm run bench                  full run (18 min on 2 cores) → bench/results.json, RESULTS.md
 *   npm run bench -- --quick       small N, fewer runs (≈ 2–3 min, CI) → <tmpdir>/dvt-bench-quick/
 *   npm run bench -- --out <file>  results JSON there (RESULTS.md beside it)
 *
 * Every process the harness starts (Hardhat node, Temporal dev servers, workers) is supervised
 * and stopped at the end, on failure and on SIGINT/SIGTERM too.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureClusterIndex } from './cluster-index.js';
import { measureCrypto } from './crypto.js';
import { gitCommit, loadAverageNow, machineInfo } from './machine.js';
import { measureReaction, runOnboarding, type OnboardingRun, type TxKind } from './onboarding.js';
import { renderResults, writeFormatted } from './report.js';
import type { BenchResults, KindFigures, OnboardingSize, TxFigures } from './results.js';
import { measureScale } from './scale/scale.js';
import { round, summarize } from './stats.js';
import { validateResults } from './validate.js';
import { startBenchWorld } from './world.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(BENCH_DIR, '..');

interface Plan {
  /** Onboarding sizes (batching on), run once per world, in this order. */
  sizes: number[];
  /** N of the batching-off run (once per world, after the batching-on runs). */
  offSize: number;
  worlds: number;
  reactionSamplesPerWorld: number;
  cryptoRuns: number;
  cryptoScale: number;
  clusterEvents: number;
  clusterRuns: number;
  scaleWorkflows: number;
  scaleIdleSeconds: number;
  crashRounds: number;
}

const FULL: Plan = {
  sizes: [50, 200],
  offSize: 8,
  worlds: 3,
  reactionSamplesPerWorld: 2,
  cryptoRuns: 3,
  cryptoScale: 1,
  clusterEvents: 20_000,
  clusterRuns: 3,
  scaleWorkflows: 10_000,
  scaleIdleSeconds: 10,
  crashRounds: 3,
};

const QUICK: Plan = {
  sizes: [8],
  offSize: 4,
  worlds: 1,
  reactionSamplesPerWorld: 3,
  cryptoRuns: 3,
  cryptoScale: 0.25,
  clusterEvents: 2_000,
  clusterRuns: 3,
  scaleWorkflows: 200,
  scaleIdleSeconds: 5,
  crashRounds: 1,
};

const RESERVE_ETH = 1n;
const MONITOR_INTERVAL_SECONDS = 5;

function parseArgs(argv: readonly string[]): { quick: boolean; out: string | null } {
  let quick = false;
  let out: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--out') out = argv[++i] ?? null;
    else if (arg?.startsWith('--out=')) out = arg.slice('--out='.length);
    else throw new Error(`unknown argument ${arg}; use --quick and/or --out <file>`);
  }
  return { quick, out };
}

const started = performance.now();
function log(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`[bench ${seconds} s] ${message}`);
}

/** Stop functions of what is running now; run in reverse on exit, failure or signal. */
const stops: (() => Promise<void>)[] = [];
async function stopAll(): Promise<void> {
  while (stops.length > 0) {
    const stop = stops.pop() as () => Promise<void>;
    await stop().catch((error: unknown) => {
      console.error('bench: stop failed:', error instanceof Error ? error.message : error);
    });
  }
}
// The devnet's simulators run in this process; under load an HTTP client among them can see a
// socket hang-up without a listener. Count it and go on rather than leave servers behind.
let uncaught = 0;
process.on('uncaughtException', (error) => {
  uncaught += 1;
  console.error('bench: uncaught error (continuing):', error.message);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

/** Runs `fn` with a scope whose registered stops run when it ends (or fails). */
async function scoped<T>(
  fn: (register: (stop: () => Promise<void>) => void) => Promise<T>,
): Promise<T> {
  const mark = stops.length;
  try {
    return await fn((stop) => stops.push(stop));
  } finally {
    while (stops.length > mark) {
      const stop = stops.pop() as () => Promise<void>;
      await stop().catch((error: unknown) => {
        console.error('bench: stop failed:', error instanceof Error ? error.message : error);
      });
    }
  }
}

function kindFigures(runs: readonly OnboardingRun[]): Partial<Record<TxKind, KindFigures>> {
  const out: Partial<Record<TxKind, KindFigures>> = {};
  for (const kind of ['deposit', 'register', 'stake', 'clusterFunding', 'other'] as const) {
    out[kind] = {
      txsPerValidator: summarize(
        runs.map((r) => r.byKind[kind].txs / r.validators),
        'tx/validator',
        { digits: 3 },
      ),
      devnetGasPerValidator: summarize(
        runs.map((r) => r.byKind[kind].gas / r.validators),
        'devnet gas/validator',
        { digits: 0 },
      ),
    };
  }
  return out;
}

function txFigures(runs: readonly OnboardingRun[]): TxFigures {
  return {
    validators: runs[0]?.validators ?? Number.NaN,
    runs: runs.length,
    validatorsPerMinute: summarize(
      runs.map((r) => r.validatorsPerMinute),
      'validators/min',
      { digits: 1 },
    ),
    ...kindFigures(runs),
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const plan = args.quick ? QUICK : FULL;
  const outFile = path.resolve(
    args.out ??
      (args.quick
        ? path.join(tmpdir(), 'dvt-bench-quick', 'results.quick.json')
        : path.join(BENCH_DIR, 'results.json')),
  );
  const mdFile = path.join(
    path.dirname(outFile),
    args.quick && !args.out ? 'RESULTS.quick.md' : 'RESULTS.md',
  );
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const machine = machineInfo();
  const date = new Date().toISOString();
  log(`${args.quick ? 'quick' : 'full'} run; load average ${machine.loadAverageAtStart}`);

  log('crypto rates');
  const crypto = await measureCrypto({ runs: plan.cryptoRuns, scale: plan.cryptoScale });
  log(`cluster index sync, ${plan.clusterEvents} events`);
  const clusterIndex = await measureClusterIndex({
    events: plan.clusterEvents,
    runs: plan.clusterRuns,
  });

  const runsBySize = new Map<number, OnboardingRun[]>(plan.sizes.map((n) => [n, []]));
  const offRuns: OnboardingRun[] = [];
  const reaction: number[] = [];
  const env = {
    DVT_RESERVE_ETH: String(RESERVE_ETH),
    DVT_POOL_MONITOR_INTERVAL_SECONDS: String(MONITOR_INTERVAL_SECONDS),
    DVT_LOG_LEVEL: 'warn',
  };
  for (let w = 1; w <= plan.worlds; w++) {
    await scoped(async (register) => {
      log(`world ${w}/${plan.worlds}: devnet + Temporal + worker`);
      const world = await startBenchWorld({ env, batching: true, register });
      for (const n of plan.sizes) {
        log(`world ${w}: onboarding N=${n}, batching on`);
        const run = await runOnboarding(world, {
          validators: n,
          reserveEth: RESERVE_ETH,
          batching: true,
          timeoutMs: 15 * 60_000,
        });
        log(
          `world ${w}: N=${n}: ${round(run.validatorsPerMinute, 1)} validators/min, ${round(run.secondsFromFunding, 1)} s from funding`,
        );
        runsBySize.get(n)?.push(run);
        reaction.push(run.reactionSeconds);
        if (n === plan.sizes[0]) {
          log(`world ${w}: ${plan.reactionSamplesPerWorld} reaction-latency samples`);
          reaction.push(
            ...(await measureReaction(world, {
              samples: plan.reactionSamplesPerWorld,
              timeoutMs: 120_000,
            })),
          );
        }
      }
      log(`world ${w}: onboarding N=${plan.offSize}, batching off`);
      await world.setBatching(false);
      offRuns.push(
        await runOnboarding(world, {
          validators: plan.offSize,
          reserveEth: RESERVE_ETH,
          batching: false,
          timeoutMs: 15 * 60_000,
        }),
      );
    });
  }

  log(`scale: ${plan.scaleWorkflows} lifecycles`);
  const scale = await scoped((register) =>
    measureScale({
      workflows: plan.scaleWorkflows,
      idleSeconds: plan.scaleIdleSeconds,
      crashRounds: plan.crashRounds,
      timeoutMs: 10 * 60_000,
      register,
      log,
    }),
  );

  const sizes: OnboardingSize[] = plan.sizes.map((n) => {
    const runs = runsBySize.get(n) ?? [];
    const of = (pick: (run: OnboardingRun) => number, unit: string) =>
      summarize(runs.map(pick), unit, { digits: 1 });
    return {
      validators: n,
      runs: runs.length,
      validatorsPerMinute: of((r) => r.validatorsPerMinute, 'validators/min'),
      validatorsPerMinuteFromFunding: of((r) => r.validatorsPerMinuteFromFunding, 'validators/min'),
      secondsFromFirstDeposit: of((r) => r.secondsFromFirstDeposit, 's'),
      secondsFromFunding: of((r) => r.secondsFromFunding, 's'),
    };
  });
  const largestN = Math.max(...plan.sizes);
  const largest = runsBySize.get(largestN) ?? [];
  const sameN = runsBySize.get(plan.offSize) ?? largest;
  const per = (runs: readonly OnboardingRun[], kind: TxKind): number =>
    summarize(
      runs.map((r) => r.validators / Math.max(1, r.byKind[kind].txs)),
      'validators/tx',
    ).median;
  const ourVpm =
    sizes.find((size) => size.validators === largestN)?.validatorsPerMinute.median ?? Number.NaN;
  const ourPerRegistration = per(largest, 'register');
  const ourPerDeposit = per(largest, 'deposit');

  const results: BenchResults = {
    schema: 'dvt-router-bench/1',
    quick: args.quick,
    command,
    date,
    commit: gitCommit(REPO_ROOT),
    durationSeconds: Math.round((performance.now() - started) / 1000),
    resultsFile: path.basename(outFile),
    machine: { ...machine, loadAverageAtEnd: loadAverageNow() },
    uncaughtErrors: uncaught,
    figures: {
      onboarding: {
        reserveEth: Number(RESERVE_ETH),
        poolMonitorIntervalSeconds: MONITOR_INTERVAL_SECONDS,
        worlds: `Runs: ${plan.worlds} fresh devnet world(s); in each, N = ${plan.sizes.join(', then N = ')} (batching on), then N = ${plan.offSize} with batching off — validators of earlier runs stay idle in \`active\`.`,
        sizes,
      },
      reactionLatency: {
        method:
          'Seconds from a depositor transaction that lifts the usable pool balance over 32 ETH being mined to the router\u2019s deposit transaction being mined, both timed by the block clock (wall time a block was first seen, polled every 100 ms). Samples: the funding transaction of each onboarding run plus single 32 ETH deposits with a random 0–3 s pause before each (the pool monitor Schedule ticks every 5 s; the deposit batcher waits up to 2 s for more keys).',
        seconds: summarize(reaction, 's', { withP95: true, digits: 2 }),
      },
      txPerValidator: {
        switchNote:
          'Batching off: the harness restarts the worker with DVT_BATCHING=false (its start-up updates the pool monitor Schedule), so lifecycles started from then on send one transaction per validator and step.',
        on: txFigures(sameN),
        off: txFigures(offRuns),
      },
      crypto,
      scale,
      clusterIndex: {
        ...clusterIndex,
        method:
          'Generated, not mined: a consistent history of the owner\u2019s events ABI-encoded with the real SSVNetwork event ABI into logs (4 per block) and fed to makeClusterIndexSync through a provider that answers eth_getLogs from memory (RPC latency excluded); the fold-only figure folds the decoded events with foldClusterEvents.',
      },
      baseline: {
        label: 'design-rate comparison with StaFi eth-ssv-client',
        designValidatorsPerMinute: 1,
        designDepositsPerBatch: 16,
        ourValidatorsPerMinute: ourVpm,
        ourValidatorsPerRegistrationTx: round(ourPerRegistration, 1),
        ourValidatorsPerDepositTx: round(ourPerDeposit, 1),
        throughputRatio: round(ourVpm / 1, 1),
        registrationBatchRatio: round(ourPerRegistration / 1, 1),
        depositBatchRatio: round(ourPerDeposit / 16, 2),
      },
    },
  };
  results.durationSeconds = Math.round((performance.now() - started) / 1000);
  mkdirSync(path.dirname(outFile), { recursive: true });
  await writeFormatted(outFile, JSON.stringify(results));
  await writeFormatted(mdFile, renderResults(results));
  log(`wrote ${outFile} and ${mdFile}`);
  const problems = validateResults(JSON.parse(JSON.stringify(results)));
  if (problems.length > 0) {
    console.error(`bench: results are incomplete:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  log(`done in ${results.durationSeconds} s`);
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error('bench failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  code = 1;
} finally {
  await stopAll();
}
process.exit(code);
