/**
 * Named activity option presets (STYLE.md rule 9): every activity call uses one of these, so
 * timeouts and retries are chosen once and read the same everywhere.
 */
import type {
  ActivityFunction,
  ActivityFunctionWithOptions,
  ActivityOptions,
} from '@temporalio/workflow';
import { NON_RETRYABLE_CODES } from '../domain/errors.js';

const nonRetryableErrorTypes = [...NON_RETRYABLE_CODES];

/** Reads and side-effect-free computations against an upstream: quick, retried with backoff. */
export const READ: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes,
  },
};

/**
 * Planning a transaction (simulation): like READ, but a revert caused by moved state goes back to
 * the caller at once; retrying the same stale request would never succeed.
 */
export const PLAN: ActivityOptions = {
  ...READ,
  retry: {
    ...READ.retry,
    nonRetryableErrorTypes: [...nonRetryableErrorTypes, 'ERR_TX_STATE_CHANGED'],
  },
};

/** Broadcasting recorded bytes: retried without limit, since re-sending is harmless. */
export const BROADCAST: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes,
  },
};

/** Waiting for a receipt: long, heartbeating, so a dead worker is detected within 30 s. */
export const AWAIT_TX: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes,
  },
};

/**
 * Writes that wait for a mined transaction (a batch, an exit) through the signer: long and
 * heartbeating, retried without limit on transient codes; idempotent by their batch/step key.
 */
export const CHAIN_WRITE: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes,
  },
};

/**
 * A read whose failures the workflow shows and retries itself on a timer (operator selection
 * while the SSV API is down): a few quick attempts, then the failure reaches the workflow.
 */
export const READ_FEW: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 3,
    nonRetryableErrorTypes,
  },
};

/** Temporal client calls from an activity (start, describe, signal, update): quick, retried. */
export const CLIENT_OP: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes,
  },
};

/**
 * One activity call with a single-line summary that the Temporal UI shows beside it in the event
 * history ("deposit 1 ETH for key 7"). Summaries name keys, pubkeys, kinds, amounts and nonces;
 * never a secret.
 */
export function summarized<F extends ActivityFunction>(
  activity: ActivityFunctionWithOptions<F>,
  summary: string,
  ...args: Parameters<F>
): Promise<Awaited<ReturnType<F>>> {
  return activity.executeWithOptions({ summary }, args);
}
