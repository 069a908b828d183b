/**
 * Temporal environments for tests. Each helper returns the environment and a teardown that is
 * safe to call twice; jest's afterAll calls it, and the SDK kills the server process it spawned
 * (the test-server wrapper execs java, so nothing is orphaned).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  Worker,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { devServerExecutable, testServerExecutable } from '../../devnet/temporal-tools.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';

/** A time-skipping environment (Java test server): timers fire as soon as the workflow waits. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return stopWorkersOnTeardown(
    await withStartRetries(() =>
      TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: testServerExecutable() },
      }),
    ),
  );
}

/**
 * The SDK gives a test server 5 s to come up and kills it when it does not; on a loaded machine
 * the JVM can take longer. Try again (twice) rather than fail the whole file.
 */
async function withStartRetries<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 3 || !/did not start within/.test(String(error))) throw error;
    }
  }
}

/**
 * Like `Promise.all`, but waits for every promise to settle before it throws the first failure:
 * a workflow bundle still compiling when a failed `beforeAll` ends would outlive its test file.
 */
export async function allSettled<T extends readonly unknown[]>(promises: {
  [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const results = await Promise.allSettled(promises);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** A real dev server (Temporal CLI) on 127.0.0.1 with the project's search attributes. */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  const env = await withStartRetries(() =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: devServerExecutable(),
        ip: '127.0.0.1',
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        log: { format: 'pretty', level: 'error' },
      },
    }),
  );
  return stopWorkersOnTeardown(env);
}

/** Workers of this test file that may still be polling. */
const liveWorkers = new Set<Worker>();

/**
 * Creates a worker that a failed or timed-out test cannot leak. A test that times out leaves its
 * `runUntil` pending; were its worker still polling when the server goes, it would retry for
 * ever and keep jest from exiting. {@link stopTestWorkers} (run by every environment's teardown,
 * and by the e2e files before they stop their devnet) shuts these down first, and the bounded
 * force time keeps an activity that ignores cancellation from holding the shutdown.
 */
export async function createTestWorker(options: WorkerOptions): Promise<Worker> {
  const worker = await Worker.create({
    shutdownGraceTime: '2s',
    shutdownForceTime: '15s',
    ...options,
  });
  liveWorkers.add(worker);
  return worker;
}

/** Shuts down every worker {@link createTestWorker} made that is still running, and waits. */
export async function stopTestWorkers(): Promise<void> {
  const done = new Set(['INITIALIZED', 'STOPPED', 'FAILED']);
  await Promise.all(
    [...liveWorkers].map(async (worker) => {
      liveWorkers.delete(worker);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await eventually(() => Promise.resolve(done.has(worker.getState()) ? true : undefined), {
        attempts: 200,
        intervalMs: 100,
      }).catch(() => undefined);
    }),
  );
}

/**
 * Terminates every open workflow of the namespace. On the time-skipping server a workflow left
 * open with no worker to serve it (a batcher started by an activity that finished after the
 * test's clean-up, say) holds a pending task, and a pending task stops the clock for every later
 * test. Call it once the test's workers are stopped, so nothing can start another.
 */
export async function terminateOpenWorkflows(env: TestWorkflowEnvironment): Promise<void> {
  const namespace = env.namespace ?? 'default';
  for (let round = 0; ; round++) {
    const { executions } = await env.client.workflowService.listOpenWorkflowExecutions({
      namespace,
      maximumPageSize: 1000,
    });
    if (executions.length === 0) return;
    if (round === 10) {
      const ids = executions.map((e) => e.execution?.workflowId).join(', ');
      throw new Error(`workflows still open after 10 rounds of termination: ${ids}`);
    }
    await Promise.all(
      executions.map(({ execution }) =>
        env.client.workflowService
          .terminateWorkflowExecution({
            namespace,
            workflowExecution: execution ?? null,
            reason: 'test finished',
          })
          .catch(() => undefined),
      ),
    );
  }
}

function stopWorkersOnTeardown(env: TestWorkflowEnvironment): TestWorkflowEnvironment {
  const teardown = env.teardown.bind(env);
  env.teardown = async () => {
    await stopTestWorkers();
    await teardown();
  };
  return env;
}

/** Bundle workflow code once per test file (STYLE.md rule 22). */
export async function bundleWorkflows(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
}

const noop = (): void => undefined;
const quietBundlerLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: (message: string, meta?: Record<string, unknown>): void =>
    console.error(message, meta ?? ''),
  log: noop,
};

/**
 * Polls `probe` until it returns a value other than undefined, for eventually consistent reads of
 * a real server (visibility). Bounded by attempts, not wall-clock assertions.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { attempts = 100, intervalMs = 100 }: { attempts?: number; intervalMs?: number } = {},
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met after ${attempts} attempts`);
}
