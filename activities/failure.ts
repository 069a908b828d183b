/**
 * Activities report failures as ApplicationFailure whose `type` is the DvtError code and whose
 * retryability follows the code (STYLE.md rule 14), so retry policies and workflows branch on
 * codes, never on class names a minifier can rename.
 */
import { ApplicationFailure } from '@temporalio/common';
import { DvtError } from '../domain/errors.js';

export function toApplicationFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof DvtError) {
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      nonRetryable: !error.retryable,
      details: [error.details],
    });
  }
  return error;
}

type AsyncFn = (...args: never[]) => Promise<unknown>;

/** Wraps every activity so DvtErrors leave it as typed ApplicationFailures. */
export function withFailures<T extends Record<string, AsyncFn>>(activities: T): T {
  const wrapped: Record<string, AsyncFn> = {};
  for (const [name, fn] of Object.entries(activities)) {
    const activity = async (...args: never[]): Promise<unknown> => {
      try {
        return await fn(...args);
      } catch (error) {
        throw toApplicationFailure(error);
      }
    };
    Object.defineProperty(activity, 'name', { value: name });
    wrapped[name] = activity;
  }
  return wrapped as T;
}
