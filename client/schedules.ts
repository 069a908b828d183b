/**
 * Client-side Schedules. The pool monitor runs once per Schedule tick with overlap policy SKIP: a
 * tick while a run is still busy is dropped, never queued, so two runs of one pool never overlap
 * (and even if they did, lifecycles start with a conflict policy, so nothing would be duplicated).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type {
  ScheduleOptionsStartWorkflowAction,
  ScheduleOptions,
  ScheduleSpec,
} from '@temporalio/client';
import { TASK_QUEUE, workflowIds } from '../workflows/definitions.js';
import type { PoolMonitorInput, poolMonitor } from '../workflows/pool-monitor.js';

/** Parameters of {@link ensurePoolMonitorSchedule}. */
export interface EnsurePoolMonitorScheduleParameters {
  /** Input of every poolMonitor run. */
  input: PoolMonitorInput;
  /** Seconds between ticks (eth-ssv-client's round is about 60 s). */
  intervalSeconds: number;
  /** Missed ticks older than this are not caught up after an outage; default one interval. */
  catchupWindowSeconds?: number;
  taskQueue?: string;
  /** Start paused (e.g. for maintenance). */
  paused?: boolean;
}

/** What {@link ensurePoolMonitorSchedule} did. */
export interface EnsurePoolMonitorScheduleReturnType {
  scheduleId: string;
  action: 'created' | 'updated';
}

/** The Schedule's spec, action and policies; pure, so a test can check them. */
export function poolMonitorScheduleOptions({
  input,
  intervalSeconds,
  catchupWindowSeconds,
  taskQueue,
}: EnsurePoolMonitorScheduleParameters): {
  spec: ScheduleSpec;
  action: ScheduleOptionsStartWorkflowAction<typeof poolMonitor>;
  policies: NonNullable<ScheduleOptions['policies']>;
} {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds <= 0) {
    throw new Error(`intervalSeconds must be a positive integer, e.g. 60 (got ${intervalSeconds})`);
  }
  const action: ScheduleOptionsStartWorkflowAction<typeof poolMonitor> = {
    type: 'startWorkflow',
    workflowType: 'poolMonitor',
    // The server appends the tick's timestamp, so each run has its own readable ID.
    workflowId: workflowIds.poolMonitor(input.pool),
    taskQueue: taskQueue ?? TASK_QUEUE,
    args: [input],
    // A run is short; a stuck one must not hold the next ticks back forever (SKIP).
    workflowRunTimeout: `${Math.max(10 * intervalSeconds, 600)} seconds`,
  };
  return {
    spec: { intervals: [{ every: `${intervalSeconds} seconds` }] },
    action,
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: `${catchupWindowSeconds ?? intervalSeconds} seconds`,
      pauseOnFailure: false,
    },
  };
}

/**
 * Creates the pool's monitor Schedule, or updates spec, action and policies when it exists.
 * Idempotent: calling it at every worker start is the intended use.
 */
export async function ensurePoolMonitorSchedule(
  client: Client,
  params: EnsurePoolMonitorScheduleParameters,
): Promise<EnsurePoolMonitorScheduleReturnType> {
  const scheduleId = workflowIds.poolMonitorSchedule(params.input.pool);
  const options = poolMonitorScheduleOptions(params);
  try {
    await client.schedule.create({
      scheduleId,
      ...options,
      state: { paused: params.paused ?? false, note: 'dvt-router pool monitor' },
    });
    return { scheduleId, action: 'created' };
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({
    ...previous,
    spec: options.spec,
    action: options.action,
    policies: options.policies,
  }));
  return { scheduleId, action: 'updated' };
}
