/**
 * `npm run chaos -- --quick | --long [--out <file>] [--seed <n>]`: the reliability harness.
 * Starts the devnet, a persisted Temporal dev server and the worker as separate processes, runs
 * the scenarios in order on one world (each adds validators to the pool), and after each one
 * checks the invariants from the chain and Temporal. Prints one table of figures, then the
 * figures as JSON (also written to `--out`), and exits 1 on any invariant violation (listed with
 * details), 2 on bad usage. Every process it started is stopped, also on failure or Ctrl-C.
 */
import { writeFileSync } from 'node:fs';
import { ETHER } from '../helpers/router-world.js';
import { startChaosWorld, type ChaosWorld } from './chaos-world.js';
import { auditChain, auditPoolEth, scanForSecrets, secretsOf } from './invariants.js';
import {
  emptyFigures,
  seededRandom,
  sleep,
  type Profile,
  type ScenarioFigures,
  type WorldContext,
} from './scenario.js';
import { badInputs } from './scenarios/bad-inputs.js';
import { faultyApis } from './scenarios/faulty-apis.js';
import { faultyRpc } from './scenarios/faulty-rpc.js';
import { money } from './scenarios/money.js';
import { temporalRestart } from './scenarios/temporal-restart.js';
import { workerCrashes } from './scenarios/worker-crashes.js';
import { formatTable } from './table.js';

const RESERVE_ETH = 8n;
/**
 * The long profile's reorg removes one block. Like a beacon node (which follows the execution
 * chain 2048 blocks behind), the devnet's simulators then stay 3 blocks behind the head, so
 * they never ingest the block that disappears; the router has to cope with it on its own.
 */
const LONG_FOLLOW_BLOCKS = 3;

interface Args {
  profile: Profile;
  out: string | null;
  seed: number;
  /** Names of the world scenarios to run (all when empty); the bad-input corpus always runs. */
  only: string[];
}

function parseArgs(argv: readonly string[]): Args {
  let profile: Profile | null = null;
  let out: string | null = null;
  let seed = 20_260_101;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick' || arg === '--long') {
      profile = arg === '--quick' ? 'quick' : 'long';
    } else if (arg === '--out' && argv[i + 1]) {
      out = argv[++i] ?? null;
    } else if (arg === '--seed' && /^\d+$/.test(argv[i + 1] ?? '')) {
      seed = Number(argv[++i]);
    } else if (arg === '--only' && argv[i + 1]) {
      for (const name of (argv[++i] ?? '').split(',')) {
        if (!WORLD_SCENARIOS.some(([known]) => known === name.trim())) {
          throw new Error(
            `unknown scenario "${name}" for --only; one of: ${WORLD_SCENARIOS.map(([n]) => n).join(', ')}`,
          );
        }
        only.push(name.trim());
      }
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!profile) throw new Error('choose a profile: --quick or --long');
  return { profile, out, seed, only };
}

const WORLD_SCENARIOS: [string, (context: WorldContext) => Promise<void>][] = [
  ['worker crashes', workerCrashes],
  ['temporal restart', temporalRestart],
  ['faulty rpc', faultyRpc],
  ['faulty ssv/beacon api', faultyApis],
  ['money edge cases', money],
];

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(
      `${(error as Error).message}\nusage: npm run chaos -- --quick|--long [--out <file>] [--seed <n>] [--only <scenario,…>]`,
    );
    return 2;
  }
  const started = Date.now();
  const log = (message: string): void => {
    console.error(`[chaos ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  };
  const rows: ScenarioFigures[] = [];
  const random = seededRandom(args.seed);

  const inputs = emptyFigures('bad inputs');
  await timed(inputs, () => badInputs(inputs));
  rows.push(inputs);
  log(`bad inputs: ${inputs.badInputs} tried, ${inputs.violations.length} without a clear error`);

  let world: ChaosWorld | null = null;
  const stopWorld = async (): Promise<void> => {
    const current = world;
    world = null;
    await current?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping every process`);
      void stopWorld().finally(() => process.exit(130));
    });
  }
  try {
    const setup = emptyFigures('world start');
    await timed(setup, async () => {
      world = await startChaosWorld({
        env: {
          DVT_RESERVE_ETH: String(RESERVE_ETH),
          DVT_CONFIRMATIONS: args.profile === 'long' ? '2' : '1',
        },
        followBlocks: args.profile === 'long' ? LONG_FOLLOW_BLOCKS : 0,
      });
      await world.devnet.depositors.depositNow(RESERVE_ETH * ETHER);
    });
    log(`world up in ${setup.wallSeconds} s`);
    const live = world as unknown as ChaosWorld;
    const expected = { lifecycles: 0 };
    let onboardedSoFar = 0;
    for (const [name, scenario] of WORLD_SCENARIOS) {
      if (args.only.length > 0 && !args.only.includes(name)) continue;
      const figures = emptyFigures(name);
      const context: WorldContext = {
        world: live,
        profile: args.profile,
        figures,
        random,
        expected,
        log: (message) => log(`${name}: ${message}`),
      };
      log(`${name}: start`);
      await timed(figures, async () => {
        try {
          await scenario(context);
        } catch (error) {
          figures.violations.push(
            `scenario failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
        }
        // The simulators (the verifier among them) lag the head by the follow distance.
        if (args.profile === 'long') await sleep((LONG_FOLLOW_BLOCKS + 1) * 1000 + 500);
        const audit = await auditChain(live.devnet, live.client, live.mnemonic);
        figures.violations.push(...audit.violations, ...(await auditPoolEth(live.devnet)));
        if (audit.lifecycles.length !== expected.lifecycles) {
          figures.violations.push(
            `${audit.lifecycles.length} lifecycles exist, the pool funded exactly ${expected.lifecycles}`,
          );
        }
        figures.onboarded = audit.onboarded - onboardedSoFar;
        onboardedSoFar = audit.onboarded;
        figures.duplicates = audit.duplicates;
        figures.lost = audit.lost;
      });
      for (const exit of live.unexpectedExits().splice(0)) figures.notes.push(exit);
      rows.push(figures);
      log(
        `${name}: ${figures.violations.length === 0 ? 'ok' : `${figures.violations.length} violation(s)`} in ${figures.wallSeconds} s`,
      );
      // Each violation as it is found, and the figures so far on disk: a long run that is
      // stopped later still tells what went wrong.
      for (const violation of figures.violations) log(`${name}: VIOLATION ${violation}`);
      if (args.out) writeReport(args, rows, (Date.now() - started) / 1000);
    }

    const scan = emptyFigures('secret scan');
    await timed(scan, async () => {
      const secrets = secretsOf(live.mnemonic, expected.lifecycles + 4);
      const { leaks, scanned } = await scanForSecrets(live.client, live.allOutput(), secrets, (n) =>
        log(`secret scan: ${n} workflow runs read`),
      );
      scan.secretsFound = leaks.length;
      scan.violations.push(...leaks);
      scan.notes.push(
        `${scanned} workflow runs (history, search attributes, memo) and all worker logs`,
      );
    });
    rows.push(scan);
  } catch (error) {
    const failed = emptyFigures('harness');
    failed.violations.push(
      `harness error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    rows.push(failed);
  } finally {
    // The workers' logs beside the figures, for reading a violation after the run.
    if (args.out && world) {
      writeFileSync(`${args.out}.workers.log`, (world as ChaosWorld).allOutput());
    }
    await stopWorld();
  }

  const total = (Date.now() - started) / 1000;
  console.log(formatTable(rows, { profile: args.profile, seed: args.seed, wallSeconds: total }));
  const report = writeReport(args, rows, total);
  console.log(JSON.stringify(report, null, 2));
  if (report.violations.length > 0) {
    console.error(`\nINVARIANT VIOLATIONS (${report.violations.length}):`);
    for (const violation of report.violations) console.error(`- ${violation}`);
    return 1;
  }
  return 0;
}

interface Report {
  profile: Profile;
  seed: number;
  wallSeconds: number;
  scenarios: ScenarioFigures[];
  violations: string[];
}

/** The figures as JSON; written to `--out` when given. */
function writeReport(args: Args, rows: ScenarioFigures[], wallSeconds: number): Report {
  const report: Report = {
    profile: args.profile,
    seed: args.seed,
    wallSeconds: Math.round(wallSeconds),
    scenarios: rows,
    violations: rows.flatMap((r) => r.violations.map((v) => `${r.scenario}: ${v}`)),
  };
  if (args.out) writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

async function timed(figures: ScenarioFigures, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await body();
  } finally {
    figures.wallSeconds = Math.round((Date.now() - started) / 1000);
  }
}

// Exit explicitly: a client or simulator handle left by a failed scenario must not keep the run alive.
process.exit(await main());
