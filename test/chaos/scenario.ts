/**
 * What every chaos scenario shares: the profile, the figures it reports, a seeded random source
 * and the helper that onboards validators and waits (bounded) for them to become active.
 */
import { ETHER, waitForLifecycles } from '../helpers/router-world.js';
import type { ChaosWorld } from './chaos-world.js';

export type Profile = 'quick' | 'long';

export interface ScenarioFigures {
  scenario: string;
  kills: number;
  restarts: number;
  faults: Record<string, number>;
  badInputs: number;
  onboarded: number;
  duplicates: number;
  lost: number;
  secretsFound: number;
  wallSeconds: number;
  violations: string[];
  notes: string[];
}

export function emptyFigures(scenario: string): ScenarioFigures {
  return {
    scenario,
    kills: 0,
    restarts: 0,
    faults: {},
    badInputs: 0,
    onboarded: 0,
    duplicates: 0,
    lost: 0,
    secretsFound: 0,
    wallSeconds: 0,
    violations: [],
    notes: [],
  };
}

export function addFault(figures: ScenarioFigures, kind: string, count = 1): void {
  if (count > 0) figures.faults[kind] = (figures.faults[kind] ?? 0) + count;
}

export interface WorldContext {
  world: ChaosWorld;
  profile: Profile;
  figures: ScenarioFigures;
  random: () => number;
  /** Lifecycles the suite has asked for so far (the pool holds exactly their ETH + reserve). */
  expected: { lifecycles: number };
  log(message: string): void;
}

/** mulberry32, so a run's kill moments and fault rolls can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Stakes `count` × 32 ETH into the pool, so the pool monitor starts `count` lifecycles. */
export async function fundValidators(context: WorldContext, count: number): Promise<void> {
  await context.world.devnet.depositors.depositNow(BigInt(count) * 32n * ETHER);
  context.expected.lifecycles += count;
}

/**
 * Waits (bounded: `attempts` × 0.5 s) until every lifecycle asked for so far is active. On
 * time-out the stages and status queries go into the scenario's violations (nothing is thrown),
 * so the audit still runs.
 */
export async function awaitAllActive(context: WorldContext, attempts = 600): Promise<boolean> {
  try {
    await waitForLifecycles(
      context.world.client,
      context.expected.lifecycles,
      (r) => r.stage === 'active',
      attempts,
    );
    return true;
  } catch (error) {
    context.figures.violations.push(
      `not every lifecycle reached active within ${attempts / 2} s: ${error instanceof Error ? error.message : String(error)}\n${await describeHelpers(context.world.client)}`,
    );
    return false;
  }
}

/**
 * What the router's helper workflows (signer, batchers, cluster keepers) are doing: their status
 * query and pending activities, so a stuck lifecycle's report says what it waits behind.
 */
async function describeHelpers(client: WorldContext['world']['client']): Promise<string> {
  const lines: string[] = [];
  for await (const wf of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
    if (wf.workflowId.startsWith('validator/')) continue;
    const handle = client.workflow.getHandle(wf.workflowId);
    const status: unknown = await handle.query('status').catch((e: unknown) => String(e));
    const pending = await handle
      .describe()
      .then((d) =>
        (d.raw.pendingActivities ?? []).map(
          (a) =>
            `${a.activityType?.name ?? '?'} attempt ${a.attempt ?? 0} state ${String(a.state)} last failure: ${a.lastFailure?.message ?? 'none'}`,
        ),
      )
      .catch((e: unknown) => [String(e)]);
    lines.push(
      `${wf.workflowId}: ${JSON.stringify(status).slice(0, 1500)}; pending activities: ${pending.join(' | ') || 'none'}`,
    );
  }
  return lines.join('\n');
}

/** Polls `probe` every `intervalMs` until it returns true or `timeoutMs` passes. */
export async function until(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}
