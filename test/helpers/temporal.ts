/**
 * Temporal environments for tests. Each helper returns the environment and a teardown that is
 * safe to call twice; jest's afterAll calls it, and the SDK kills the server process it spawned
 * (the test-server wrapper execs java, so nothing is orphaned).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { devServerExecutable, testServerExecutable } from '../../devnet/temporal-tools.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';

/** A time-skipping environment (Java test server): timers fire as soon as the workflow waits. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: testServerExecutable() },
  });
}

/** A real dev server (Temporal CLI) on 127.0.0.1 with the project's search attributes. */
export async function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: devServerExecutable(),
      ip: '127.0.0.1',
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
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
