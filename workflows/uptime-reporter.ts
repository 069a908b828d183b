/**
 * uptimeReporter — one per pool (`uptime-reporter/<pool>`). Returns at once when no URL is
 * configured. Otherwise, each round: list the pool's active lifecycles (visibility), map their
 * pubkeys to beacon validator indices, POST `{"validatorIndexList":[…]}` to the URL (StaFi's
 * ejector uptime ping), then sleep; continue-as-new after a bounded number of rounds. A failed
 * post is shown in `status` and tried again next round, never retried for long: a stale ping is
 * worth nothing.
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
import type { MonitorActivities } from '../activities/router/monitor-contract.js';
import { READ, READ_FEW } from './activity-presets.js';
import { uptimeReporterStatus, type UptimeReporterStatus } from './definitions.js';

/** Where and how often to report. */
export interface UptimeReporterSettings {
  /** The uptime endpoint; the reporter is off when absent or empty. */
  url?: string;
  intervalMs: number;
  roundsPerRun: number;
}

/** Input of {@link uptimeReporter}. */
export interface UptimeReporterInput {
  pool: string;
  settings: UptimeReporterSettings;
  /** Carried across continue-as-new. */
  carried?: { rounds: number };
}

const read = proxyActivities<MonitorActivities>(READ);
const post = proxyActivities<MonitorActivities>(READ_FEW);

/** Reports the pool's active validator indices to the configured URL on a timer. */
export async function uptimeReporter(input: UptimeReporterInput): Promise<UptimeReporterStatus> {
  const { pool, settings } = input;
  const url = settings.url?.trim() ?? '';
  const status: UptimeReporterStatus = {
    enabled: url !== '',
    rounds: input.carried?.rounds ?? 0,
    lastReported: [],
    lastOk: null,
    lastError: null,
  };
  setHandler(uptimeReporterStatus, () => status);
  if (!status.enabled) {
    log.info('uptime reporter off: no URL configured', { pool });
    return status;
  }

  for (let round = 0; round < settings.roundsPerRun; round++) {
    try {
      const active = await read.listLifecycles({ pool, stage: 'active' });
      const pubkeys = active.flatMap((l) => (l.pubkey === null ? [] : [l.pubkey]));
      const resolved =
        pubkeys.length === 0 ? { matched: [] } : await read.resolveValidators({ pool, pubkeys });
      const validatorIndices = resolved.matched
        .flatMap((v) => (v.validatorIndex === null ? [] : [v.validatorIndex]))
        .sort((a, b) => Number(a) - Number(b));
      if (validatorIndices.length > 0) {
        const answer = await post.postUptime({ url, validatorIndices });
        status.lastOk = answer.ok;
        status.lastReported = validatorIndices;
      }
      status.lastError = null;
    } catch (error) {
      status.lastOk = false;
      status.lastError = describe(error);
      log.warn('uptime report failed; trying next round', { error: status.lastError });
    }
    status.rounds++;
    await sleep(settings.intervalMs);
  }
  return continueAsNew<typeof uptimeReporter>({ ...input, carried: { rounds: status.rounds } });
}

function describe(error: unknown): string {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  const type = cause instanceof ApplicationFailure && cause.type ? `${cause.type}: ` : '';
  return `${type}${cause instanceof Error ? cause.message : String(cause)}`;
}
