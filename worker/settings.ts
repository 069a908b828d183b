/**
 * The settings every workflow starts with, derived from the configuration. The devnet runs on a
 * fast clock (1 s slots, instant votes), so its timers are short; real networks get timers sized
 * for hours-long votes and 12 s blocks.
 */
import type { LifecycleSettings } from '../workflows/validator-lifecycle.js';
import type { BatcherSettings } from '../workflows/batcher.js';
import type { ClusterKeeperSettings } from '../workflows/cluster-keeper.js';
import type { PoolMonitorSettings } from '../workflows/pool-monitor.js';
import type { OperatorWatchSettings } from '../workflows/operator-watch.js';
import type { EjectorSettings } from '../workflows/ejector.js';
import type { FeeRecipientSettings } from '../workflows/fee-recipient.js';
import type { UptimeReporterSettings } from '../workflows/uptime-reporter.js';
import type { SignerSettings } from '../workflows/signer.js';
import type { WorkerConfig } from './config.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const GWEI = 1_000_000_000n;

export interface RouterSettings {
  lifecycle: LifecycleSettings;
  batcher: BatcherSettings;
  clusterKeeper: ClusterKeeperSettings;
  poolMonitor: PoolMonitorSettings;
  operatorWatch: OperatorWatchSettings;
  ejector: EjectorSettings;
  feeRecipient: FeeRecipientSettings;
  uptimeReporter: UptimeReporterSettings;
  signer: SignerSettings;
}

export function routerSettings(config: WorkerConfig): RouterSettings {
  const fast = config.DVT_NETWORK === 'devnet';
  return {
    lifecycle: {
      batching: config.DVT_BATCHING,
      credentialsPoll: fast
        ? { initialMs: 2 * SECOND, maxMs: 20 * SECOND }
        : { initialMs: MINUTE, maxMs: HOUR },
      activationPoll: fast
        ? { initialMs: 2 * SECOND, maxMs: 20 * SECOND }
        : { initialMs: MINUTE, maxMs: 30 * MINUTE },
      retry: fast
        ? { initialMs: 2 * SECOND, maxMs: MINUTE }
        : { initialMs: 30 * SECOND, maxMs: 30 * MINUTE },
      exitPath: config.DVT_EXIT_PATH,
      // 96 blocks (3 epochs) between leaving and rejoining, against double signing.
      migrationCoolDownMs: fast ? 20 * SECOND : 96 * 12 * SECOND,
      activeCheckMs: fast ? 30 * SECOND : HOUR,
      continueAsNewAfterEvents: 2_000,
      batchResultTimeoutMs: fast ? 2 * MINUTE : 30 * MINUTE,
      ...(config.DVT_STAKE_DEADLINE_HOURS === null
        ? {}
        : { stakeFeeDeadlineMs: config.DVT_STAKE_DEADLINE_HOURS * HOUR }),
    },
    batcher: {
      windowMs: fast ? 2 * SECOND : 30 * SECOND,
      maxBatchSize: 16,
      batchesPerRun: 100,
      recentLimit: 1_000,
      idleCloseMs: fast ? 5 * MINUTE : DAY,
    },
    clusterKeeper: {
      checkIntervalMs: fast ? MINUTE : 6 * HOUR,
      minRunwayDays: Math.max(1, Math.floor(config.DVT_TARGET_RUNWAY_DAYS / 3)),
      targetRunwayDays: config.DVT_TARGET_RUNWAY_DAYS,
      withdrawWhenEmpty: true,
      roundsPerRun: 200,
    },
    poolMonitor: {
      maxBatchSize: 16,
      gasLimit: 3_000_000,
      scanGapLimit: 10,
      scanPageSize: 50,
      maxScanPages: 20,
      adoptOrphans: true,
      depositAmount: (BigInt(config.DVT_DEPOSIT_AMOUNT_GWEI) * GWEI).toString(),
      stakeAmount: (BigInt(config.DVT_STAKE_AMOUNT_GWEI) * GWEI).toString(),
    },
    operatorWatch: {
      pollIntervalMs: fast ? 30 * SECOND : 10 * MINUTE,
      badAfterMs: fast ? 2 * MINUTE : 6 * HOUR,
      minPerformance24h: 90,
      roundsPerRun: 200,
    },
    ejector: {
      pollIntervalMs: fast ? 30 * SECOND : 10 * MINUTE,
      lookbackCycles: 10,
      roundsPerRun: 200,
    },
    feeRecipient: { checkIntervalMs: fast ? 5 * MINUTE : 6 * HOUR, roundsPerRun: 100 },
    uptimeReporter: { intervalMs: 5 * MINUTE, roundsPerRun: 200 },
    signer: {
      confirmations: config.DVT_CONFIRMATIONS,
      stuckAfterMs: fast ? 30 * SECOND : 3 * MINUTE,
      pollMs: fast ? 250 : 4 * SECOND,
      feeWaitMs: fast ? 10 * SECOND : MINUTE,
      replacementBumpBps: 1_250,
      maxFeeCapWei: (BigInt(config.DVT_MAX_FEE_GWEI) * GWEI).toString(),
      maxFeePastDeadlineWei: (BigInt(config.DVT_MAX_FEE_PAST_DEADLINE_GWEI) * GWEI).toString(),
    },
  };
}
