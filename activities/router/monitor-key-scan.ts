/**
 * The on-chain key scan of the monitor activities: derives validator pubkeys by key index (public
 * data only; the keys activities hold the secrets) and reads their pool statuses in batches, from a
 * start index until a run of `gapLimit` consecutive unused (`uninitial`) indices, bounded by
 * `maxScan`. Key indices are handed out without gaps, so the run marks the end of what the router
 * ever used — including indices whose deposit was mined while nothing recorded it (adoption).
 *
 * Read-only: derived pubkeys are cached per process (derivation is deterministic), statuses never.
 * Errors: `ERR_INVALID_INPUT` (bad bounds), and whatever the key source or pool reads throw.
 */
import { DvtError } from '../../domain/errors.js';
import type { PubkeyStatus } from '../../domain/plan/pubkey-status.js';
import { mapConcurrent } from '../chain/chain-read.js';

/** Dependencies of {@link makeKeyScanner}. */
export interface KeyScannerDeps {
  /** `createKeysActivities(...).deriveValidatorPubkey`. */
  deriveValidatorPubkey(input: { keyIndex: number }): Promise<{ pubkey: string }>;
  /** `PoolAdapter.getPubkeyStatuses`. */
  getPubkeyStatuses(pubkeys: readonly string[]): Promise<Record<string, PubkeyStatus>>;
  /** Indices per status batch; default 16. */
  batchSize?: number;
  /** Parallel key derivations; default 4 (CPU-bound). */
  concurrency?: number;
}

/** Parameters of {@link KeyScanner.scan}. */
export interface KeyScanParameters {
  fromIndex: number;
  /** Consecutive unused indices that end the scan (≥ 1). */
  gapLimit: number;
  /** Most indices checked (≥ 1). */
  maxScan: number;
  /** Called after each batch (e.g. to heartbeat). */
  onBatch?: (scannedToIndex: number) => void;
  /** Reads the statuses instead of the scanner's own reader (e.g. pinned to one block). */
  getPubkeyStatuses?: KeyScannerDeps['getPubkeyStatuses'];
}

/** One used key index found by the scan. */
export interface ScannedKey {
  keyIndex: number;
  pubkey: string;
  status: Exclude<PubkeyStatus, 'uninitial'>;
}

/** What {@link KeyScanner.scan} returns. */
export interface KeyScanReturnType {
  /** Used indices, ascending. */
  used: ScannedKey[];
  /** Exclusive end of the checked window. */
  scannedToIndex: number;
  /** True when `maxScan` ended the scan before the gap run was complete. */
  truncated: boolean;
}

/** Makes a scanner; one per worker process (the pubkey cache lives in it). */
export function makeKeyScanner(deps: KeyScannerDeps) {
  const batchSize = deps.batchSize ?? 16;
  const concurrency = deps.concurrency ?? 4;
  const pubkeys = new Map<number, string>();

  /** Pubkey of a key index, lower-case 0x-hex; derived once per process. */
  async function pubkeyOf(keyIndex: number): Promise<string> {
    const cached = pubkeys.get(keyIndex);
    if (cached !== undefined) return cached;
    const { pubkey } = await deps.deriveValidatorPubkey({ keyIndex });
    const lower = pubkey.toLowerCase();
    pubkeys.set(keyIndex, lower);
    return lower;
  }

  async function scan(params: KeyScanParameters): Promise<KeyScanReturnType> {
    const { fromIndex, gapLimit, maxScan } = params;
    for (const [field, value, min] of [
      ['scanFromIndex', fromIndex, 0],
      ['gapLimit', gapLimit, 1],
      ['maxScan', maxScan, 1],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < min) {
        throw new DvtError('ERR_INVALID_INPUT', `${field} must be an integer of at least ${min}.`, {
          details: { field, value: String(value) },
        });
      }
    }
    const used: ScannedKey[] = [];
    let next = fromIndex;
    let run = 0;
    // Each batch is no longer than the rest of the gap run, so the scan never reads past its end.
    while (run < gapLimit && next - fromIndex < maxScan) {
      const size = Math.min(batchSize, maxScan - (next - fromIndex), gapLimit - run);
      const indices = Array.from({ length: size }, (_, i) => next + i);
      const keys = await mapConcurrent(indices, concurrency, (keyIndex) => pubkeyOf(keyIndex));
      const statuses = await (params.getPubkeyStatuses ?? deps.getPubkeyStatuses)(keys);
      indices.forEach((keyIndex, i) => {
        const pubkey = keys[i] ?? '';
        const status = statuses[pubkey] ?? 'uninitial';
        if (status === 'uninitial') {
          run++;
        } else {
          run = 0;
          used.push({ keyIndex, pubkey, status });
        }
      });
      next += size;
      params.onBatch?.(next);
    }
    return { used, scannedToIndex: next, truncated: run < gapLimit };
  }

  return { pubkeyOf, scan };
}

/** A key scanner. */
export type KeyScanner = ReturnType<typeof makeKeyScanner>;
