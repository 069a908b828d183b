/**
 * ejector — one per pool (`ejector/<pool>`). Each round:
 *
 * 1. read the pool's ejection lists per withdraw cycle (StaFi `main`: beacon validator indices;
 *    `pectra`: pubkeys the contract already sent EIP-7002 requests for), from the oldest cycle of
 *    the look-back window;
 * 2. for each cycle not handled yet: map the entries to our lifecycles (by beacon index or pubkey)
 *    and send `requestExit` to each (the update is deduplicated by id and by the lifecycle, and
 *    the ejector asks each lifecycle once); a cycle is handled when every entry was resolved
 *    (ours and asked, or not ours); unresolved entries make the cycle retry next round;
 * 3. sleep `pollIntervalMs`; continue-as-new after a bounded number of rounds, carrying the
 *    handled cycles and asked lifecycles of the window.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { PoolExitRequests } from '../activities/pool/pool-adapter.js';
import type { MonitorActivities } from '../activities/router/monitor-contract.js';
import { CLIENT_OP, READ } from './activity-presets.js';
import { ejectorStatus, type EjectorStatus } from './definitions.js';

/** Cadence and window of the ejector. */
export interface EjectorSettings {
  pollIntervalMs: number;
  /** Cycles before the current one that are read every round (eth-ssv-client: 10). */
  lookbackCycles: number;
  roundsPerRun: number;
}

/** Input of {@link ejector}. */
export interface EjectorInput {
  pool: string;
  settings: EjectorSettings;
  /** Carried across continue-as-new. */
  carried?: { rounds: number; handledCycles: number[]; requested: EjectorStatus['requested'] };
}

const read = proxyActivities<MonitorActivities>(READ);
const client = proxyActivities<MonitorActivities>(CLIENT_OP);

/** Turns the pool's exit requests into `requestExit` on our lifecycles, once each. */
export async function ejector(input: EjectorInput): Promise<never> {
  const { pool, settings } = input;
  const handled = new Set<number>(input.carried?.handledCycles ?? []);
  const requested = new Map<string, EjectorStatus['requested'][number]>(
    (input.carried?.requested ?? []).map((r) => [r.workflowId, r]),
  );
  const status: EjectorStatus = {
    rounds: input.carried?.rounds ?? 0,
    currentCycle: null,
    handledCycles: [],
    requested: [],
    unresolved: [],
    lastError: null,
  };
  setHandler(ejectorStatus, () => ({
    ...status,
    handledCycles: [...handled].sort((a, b) => a - b),
    requested: [...requested.values()],
  }));

  for (let round = 0; round < settings.roundsPerRun; round++) {
    try {
      const fromCycle =
        status.currentCycle === null ? undefined : status.currentCycle - settings.lookbackCycles;
      const requests = await read.readExitRequests({
        pool,
        ...(fromCycle === undefined ? {} : { fromCycle }),
      });
      status.currentCycle = requests.currentCycle;
      const unresolved: string[] = [];
      for (const { cycle, entries } of cyclesOf(requests)) {
        if (handled.has(cycle)) continue;
        if (entries.length === 0) {
          handled.add(cycle);
          continue;
        }
        const resolved = await read.resolveValidators(
          requests.flavour === 'main'
            ? { pool, validatorIndices: entries }
            : { pool, pubkeys: entries },
        );
        for (const validator of resolved.matched) {
          if (requested.has(validator.workflowId)) continue;
          const answer = await client.requestLifecycleExit({
            workflowId: validator.workflowId,
            updateId: `ejector/${cycle}/${validator.keyIndex}`,
            request: {
              reason:
                requests.flavour === 'main'
                  ? `pool ejection list of cycle ${cycle} (validator ${validator.validatorIndex ?? validator.pubkey})`
                  : `pool requested an EIP-7002 exit in cycle ${cycle}; await the exit and offboard`,
              source: requests.flavour === 'main' ? 'pool' : 'pool-eip7002',
            },
          });
          requested.set(validator.workflowId, {
            workflowId: validator.workflowId,
            cycle,
            accepted: answer.outcome === 'answered' ? answer.accepted : null,
          });
        }
        if (resolved.unresolved.length === 0) handled.add(cycle);
        else unresolved.push(...resolved.unresolved);
      }
      status.unresolved = unresolved;
      // Forget what has left the window twice over; the chain never lists it again.
      const oldest = requests.currentCycle - 2 * settings.lookbackCycles;
      for (const cycle of [...handled]) if (cycle < oldest) handled.delete(cycle);
      for (const [id, r] of [...requested]) if (r.cycle < oldest) requested.delete(id);
      status.lastError = null;
    } catch (error) {
      status.lastError = describe(error);
      log.warn('ejector round failed; retrying next round', { error: status.lastError });
    }
    status.rounds++;
    await sleep(settings.pollIntervalMs);
  }
  return continueAsNew<typeof ejector>({
    ...input,
    carried: {
      rounds: status.rounds,
      handledCycles: [...handled],
      requested: [...requested.values()],
    },
  });
}

function cyclesOf(requests: PoolExitRequests): { cycle: number; entries: string[] }[] {
  const cycles =
    requests.flavour === 'main'
      ? requests.cycles.map((c) => ({ cycle: c.cycle, entries: c.validatorIndices }))
      : requests.cycles.map((c) => ({ cycle: c.cycle, entries: c.pubkeys }));
  return cycles.sort((a, b) => a.cycle - b.cycle);
}

function describe(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  const type = cause instanceof ApplicationFailure && cause.type ? `${cause.type}: ` : '';
  return `${type}${cause instanceof Error ? cause.message : String(cause)}`;
}
