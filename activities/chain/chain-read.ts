/**
 * Shared helpers for adapters that read chain state with ethers: a bounded-concurrency map and a
 * wrapper that turns provider failures into `DvtError`s (a revert becomes a decoded, named error;
 * anything else is an unavailable upstream). Used by the pool adapters and the SSV clients.
 */
import { isCallException } from 'ethers';
import { DvtError } from '../../domain/errors.js';
import type { RevertDecoder } from './revert.js';

/** Maps `items` through `fn` with at most `limit` calls in flight; keeps input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Parameters of {@link readChain}. */
export interface ReadChainOptions {
  /** What is being read, for the message: `StafiSuperNode.getSuperNodePubkeyStatus`. */
  what: string;
  details?: Record<string, string | number | boolean | null>;
  decodeRevert?: RevertDecoder;
  /** Revert names that mean chain state moved (retryable `ERR_TX_STATE_CHANGED`). */
  transientReverts?: ReadonlySet<string>;
  /** Tries of a read whose failure is not an answer (timeout, 5xx, dropped); default 3. */
  attempts?: number;
  /** Waits between tries (default: 100 ms, doubling); tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one chain read. A revert becomes `ERR_TX_STATE_CHANGED` (transient names) or
 * `ERR_TX_REVERTED` with the decoded reason; any other failure (timeout, connection, bad
 * response) is tried again a few times in this process (a read has no effect to repeat), then
 * becomes the retryable `ERR_UPSTREAM_UNAVAILABLE`. DvtErrors pass through.
 *
 * The in-process tries matter: an activity makes tens of reads, and one flaky answer out of
 * them would otherwise fail the whole activity, so at a modest RPC failure rate an activity could
 * fail attempt after attempt (the chaos suite's faulty RPC showed exactly that).
 */
export async function readChain<T>(options: ReadChainOptions, fn: () => Promise<T>): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const sleep = options.sleep ?? pause;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof DvtError || isCallException(error) || attempt >= attempts) {
        throw readFailure(options, error);
      }
      await sleep(100 * 2 ** (attempt - 1));
    }
  }
}

/** The error a failed read ends in (see {@link readChain}). */
function readFailure(options: ReadChainOptions, error: unknown): DvtError {
  if (error instanceof DvtError) return error;
  const details = options.details ?? {};
  if (isCallException(error)) {
    const data = error.data ?? '0x';
    const revert = options.decodeRevert?.(data);
    const name = revert?.name ?? 'UnknownRevert';
    const summary = revert?.summary ?? error.reason ?? 'reverted';
    const transient = options.transientReverts?.has(name) ?? false;
    return new DvtError(
      transient ? 'ERR_TX_STATE_CHANGED' : 'ERR_TX_REVERTED',
      `${options.what} reverted: ${summary}.`,
      {
        details: { ...details, revert: name },
        cause: error,
        ...(transient ? { hint: 'Re-read the chain state (re-sync the index) and retry.' } : {}),
      },
    );
  }
  return new DvtError(
    'ERR_UPSTREAM_UNAVAILABLE',
    `${options.what} failed: the RPC did not answer.`,
    {
      details,
      cause: error,
      hint: 'Check the execution RPC endpoint; the call is retried.',
    },
  );
}
