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
}

/**
 * Runs one chain read. A revert becomes `ERR_TX_STATE_CHANGED` (transient names) or
 * `ERR_TX_REVERTED` with the decoded reason; any other failure (timeout, connection, bad
 * response) becomes the retryable `ERR_UPSTREAM_UNAVAILABLE`. DvtErrors pass through.
 */
export async function readChain<T>(options: ReadChainOptions, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof DvtError) throw error;
    const details = options.details ?? {};
    if (isCallException(error)) {
      const data = error.data ?? '0x';
      const revert = options.decodeRevert?.(data);
      const name = revert?.name ?? 'UnknownRevert';
      const summary = revert?.summary ?? error.reason ?? 'reverted';
      const transient = options.transientReverts?.has(name) ?? false;
      throw new DvtError(
        transient ? 'ERR_TX_STATE_CHANGED' : 'ERR_TX_REVERTED',
        `${options.what} reverted: ${summary}.`,
        {
          details: { ...details, revert: name },
          cause: error,
          ...(transient ? { hint: 'Re-read the chain state (re-sync the index) and retry.' } : {}),
        },
      );
    }
    throw new DvtError(
      'ERR_UPSTREAM_UNAVAILABLE',
      `${options.what} failed: the RPC did not answer.`,
      {
        details,
        cause: error,
        hint: 'Check the execution RPC endpoint; the call is retried.',
      },
    );
  }
}
