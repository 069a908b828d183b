/**
 * Named activity option presets (STYLE.md rule 9): every activity call uses one of these, so
 * timeouts and retries are chosen once and read the same everywhere.
 */
import type { ActivityOptions } from '@temporalio/workflow';
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
