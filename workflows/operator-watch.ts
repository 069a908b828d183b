/**
 * operatorWatch — one per SSV owner (`operator-watch/<owner>`). Each round:
 *
 * 1. refresh the health of the operators in the owner's clusters (chain + SSV API);
 * 2. hysteresis: an operator that looks bad (inactive, removed, or performance below the
 *    threshold) opens an episode; a good reading closes it; only an episode that lasts
 *    `badAfterMs` makes the operator bad, so a short blip never moves validators;
 * 3. when an operator becomes bad, signal `migrate` to every lifecycle in a cluster with it —
 *    once per operator per episode (the episode remembers it);
 * 4. sleep `pollIntervalMs`; continue-as-new after a bounded number of rounds, carrying the open
 *    episodes so neither the clock of an episode nor its "signalled" mark is lost.
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
import type { MonitorActivities, OperatorHealth } from '../activities/router/monitor-contract.js';
import { CLIENT_OP, READ } from './activity-presets.js';
import {
  operatorWatchStatus,
  type BadOperatorEpisode,
  type OperatorWatchStatus,
} from './definitions.js';

/** Thresholds of the watch. */
export interface OperatorWatchSettings {
  pollIntervalMs: number;
  /** How long an operator must stay bad before its validators are moved. */
  badAfterMs: number;
  /** Bad below this 24-hour performance (percent); ignored when the API has no figure. */
  minPerformance24h: number;
  /** Operators to watch besides those in the owner's clusters. */
  operatorIds?: number[];
  roundsPerRun: number;
}

/** Input of {@link operatorWatch}. */
export interface OperatorWatchInput {
  owner: string;
  settings: OperatorWatchSettings;
  /** Carried across continue-as-new. */
  carried?: { rounds: number; migrationsSignalled: number; episodes: BadOperatorEpisode[] };
}

const read = proxyActivities<MonitorActivities>(READ);
const client = proxyActivities<MonitorActivities>(CLIENT_OP);

/** Watches operator health and asks lifecycles to leave operators that stay bad. */
export async function operatorWatch(input: OperatorWatchInput): Promise<never> {
  const { owner, settings } = input;
  const episodes = new Map<number, BadOperatorEpisode>(
    (input.carried?.episodes ?? []).map((e) => [e.operatorId, e]),
  );
  const status: OperatorWatchStatus = {
    rounds: input.carried?.rounds ?? 0,
    operatorsWatched: 0,
    episodes: [],
    migrationsSignalled: input.carried?.migrationsSignalled ?? 0,
    lastError: null,
  };
  setHandler(operatorWatchStatus, () => ({ ...status, episodes: [...episodes.values()] }));

  for (let round = 0; round < settings.roundsPerRun; round++) {
    try {
      const snapshot = await read.refreshOperators({
        owner,
        ...(settings.operatorIds ? { operatorIds: settings.operatorIds } : {}),
      });
      status.operatorsWatched = snapshot.operators.length;
      const now = Date.now();
      const seen = new Set<number>();
      for (const operator of snapshot.operators) {
        seen.add(operator.id);
        const reasons = badReasons(operator, settings);
        if (reasons.length === 0) {
          episodes.delete(operator.id);
          continue;
        }
        const episode = episodes.get(operator.id) ?? {
          operatorId: operator.id,
          since: now,
          signalled: false,
          reasons,
        };
        episode.reasons = reasons;
        episodes.set(operator.id, episode);
      }
      // Operators no longer in any of our clusters need nothing more.
      for (const id of [...episodes.keys()]) if (!seen.has(id)) episodes.delete(id);

      for (const episode of episodes.values()) {
        if (episode.signalled || now - episode.since < settings.badAfterMs) continue;
        const reason = `operator ${episode.operatorId} bad for ${Math.round((now - episode.since) / 60_000)} min: ${episode.reasons.join('; ')}`;
        const { signalled } = await client.signalMigrations({
          owner,
          operatorIds: [episode.operatorId],
          reason,
        });
        episode.signalled = true;
        status.migrationsSignalled++;
        log.info('asked lifecycles to migrate away from a bad operator', {
          operatorId: episode.operatorId,
          lifecycles: signalled.length,
        });
      }
      status.lastError = null;
    } catch (error) {
      status.lastError = describe(error);
      log.warn('operator watch round failed; retrying next round', { error: status.lastError });
    }
    status.rounds++;
    await sleep(settings.pollIntervalMs);
  }
  return continueAsNew<typeof operatorWatch>({
    ...input,
    carried: {
      rounds: status.rounds,
      migrationsSignalled: status.migrationsSignalled,
      episodes: [...episodes.values()],
    },
  });
}

function badReasons(operator: OperatorHealth, settings: OperatorWatchSettings): string[] {
  const reasons: string[] = [];
  if (operator.removed) reasons.push('removed');
  else if (!operator.active) reasons.push('inactive');
  if (operator.performance24h !== null && operator.performance24h < settings.minPerformance24h) {
    reasons.push(
      `24h performance ${operator.performance24h}% below ${settings.minPerformance24h}%`,
    );
  }
  return reasons;
}

function describe(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  const type = cause instanceof ApplicationFailure && cause.type ? `${cause.type}: ` : '';
  return `${type}${cause instanceof Error ? cause.message : String(cause)}`;
}
