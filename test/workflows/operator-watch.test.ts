import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type {
  OperatorHealth,
  SignalMigrationsInput,
} from '../../activities/router/monitor-contract.js';
import { operatorWatchStatus, workflowIds } from '../../workflows/definitions.js';
import { operatorWatch, type OperatorWatchSettings } from '../../workflows/operator-watch.js';
import { createTimeSkippingEnv, allSettled } from '../helpers/temporal.js';
import { bundleMonitorWorkflows, stubActivities, withWorker } from '../fixtures/monitor-world.js';

const MINUTE_MS = 60_000;
const OWNER = '0x00000000000000000000000000000000000000cc';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await allSettled([createTimeSkippingEnv(), bundleMonitorWorkflows()]);
});

afterAll(async () => {
  await env?.teardown();
});

const settings: OperatorWatchSettings = {
  pollIntervalMs: 10 * MINUTE_MS,
  badAfterMs: 60 * MINUTE_MS,
  minPerformance24h: 90,
  // Continue-as-new every 4 rounds, so an episode spans several runs.
  roundsPerRun: 4,
};

const healthy = (id: number): OperatorHealth => ({
  id,
  active: true,
  removed: false,
  performance24h: 99,
  performance30d: 99,
  ourValidatorCount: 3,
});

describe('operatorWatch', () => {
  it('ignores a blip shorter than the window and signals a sustained bad operator exactly once', async () => {
    // Round n runs at n × 10 min of workflow time.
    const script = (round: number): OperatorHealth[] => [
      healthy(1),
      // Operator 2: inactive for rounds 2–3 only (a 20-minute blip).
      round === 2 || round === 3 ? { ...healthy(2), active: false } : healthy(2),
      // Operator 3: performance collapses from round 5 on and stays bad.
      round >= 5 ? { ...healthy(3), performance24h: 40 } : healthy(3),
    ];
    let rounds = 0;
    const signals: SignalMigrationsInput[] = [];
    const activities = stubActivities({
      refreshOperators: ({ owner }) => {
        expect(owner).toBe(OWNER);
        return Promise.resolve({ operators: script(rounds++), apiAvailable: true });
      },
      signalMigrations: (input) => {
        signals.push(input);
        return Promise.resolve({ signalled: [`validator/pool/${signals.length}`] });
      },
    });

    const status = await withWorker(env, bundle, activities, async (taskQueue) => {
      const handle = await env.client.workflow.start(operatorWatch, {
        args: [{ owner: OWNER, settings }],
        taskQueue,
        workflowId: `${workflowIds.operatorWatch(OWNER)}/hysteresis`,
      });
      await env.sleep(4 * 60 * MINUTE_MS);
      const result = await handle.query(operatorWatchStatus);
      await handle.terminate('test done');
      return result;
    });

    expect(rounds).toBeGreaterThanOrEqual(20);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.operatorIds).toEqual([3]);
    expect(signals[0]?.owner).toBe(OWNER);
    expect(signals[0]?.reason).toMatch(/^operator 3 bad for 60 min: 24h performance 40% below 90%/);
    // The status comes from a later run: the episode and counters crossed continue-as-new.
    expect(status.rounds).toBeGreaterThanOrEqual(20);
    expect(status.migrationsSignalled).toBe(1);
    expect(status.episodes.map((e) => [e.operatorId, e.signalled, e.reasons])).toEqual([
      [3, true, ['24h performance 40% below 90%']],
    ]);
  });
});
