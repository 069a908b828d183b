/**
 * Durable snapshots of the SSV owner index (activities/ssv/cluster-index-sync.ts), so that a worker
 * restart resumes the SSVNetwork event scan where it stopped instead of at the deployment block.
 *
 * A snapshot is the plain-JSON sync state folded up to a block at least `confirmations` deep, that
 * block's hash (to tell whether a reorg replaced it since), and what it was built for: chain id,
 * SSVNetwork address, owner, first block and v2 upgrade block. It holds public chain data only.
 * A snapshot is an optimisation, never the truth: one that does not parse, was built for another
 * configuration or whose block is no longer canonical is ignored and the index rescans.
 *
 * Two stores: a directory with one file per chain id, SSVNetwork address and owner, each written
 * atomically (temporary file, then rename), and one in memory for tests.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ClusterIndexSyncState } from './cluster-index-sync.js';

/** What a snapshot is for; names its file. Addresses in any case. */
export interface IndexSnapshotKey {
  chainId: number;
  ssvNetwork: string;
  owner: string;
}

/** A stored owner index (format version 1). */
export interface IndexSnapshot {
  version: 1;
  chainId: number;
  /** Lower-case SSVNetwork address. */
  ssvNetwork: string;
  /** Lower-case cluster owner. */
  owner: string;
  /** First block of the scan the state was built from. */
  fromBlock: number;
  v2UpgradeBlock: number;
  /** The block the state is folded up to (`state.scannedToBlock`)… */
  blockNumber: number;
  /** …and its hash (lower-case), read before the logs up to it were fetched. */
  blockHash: string;
  state: ClusterIndexSyncState & { scannedToBlock: number };
}

/** What {@link IndexSnapshotStore.load} found. */
export type LoadIndexSnapshotResult =
  | { status: 'missing' }
  /** The stored text is not a valid snapshot; `reason` says what is wrong (never the content). */
  | { status: 'corrupt'; reason: string }
  | { status: 'found'; snapshot: IndexSnapshot };

/** Where owner-index snapshots are kept. */
export interface IndexSnapshotStore {
  /** For log lines: the directory, or `memory`. */
  readonly location: string;
  /** The snapshot stored for `key`; never throws for a missing or unreadable one. */
  load(key: IndexSnapshotKey): Promise<LoadIndexSnapshotResult>;
  /** Replaces the snapshot of the snapshot's key, atomically. */
  save(snapshot: IndexSnapshot): Promise<void>;
}

/** `ssv-index-<chainId>-<ssvNetwork>-<owner>.json`, addresses lower-case. */
export function indexSnapshotFileName(key: IndexSnapshotKey): string {
  const address = (value: string): string => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
      throw new TypeError(`Not an address: ${value.slice(0, 60)}`);
    }
    return value.toLowerCase();
  };
  if (!Number.isSafeInteger(key.chainId) || key.chainId <= 0) {
    throw new TypeError(`Not a chain id: ${String(key.chainId)}`);
  }
  return `ssv-index-${key.chainId}-${address(key.ssvNetwork)}-${address(key.owner)}.json`;
}

const block = z.number().int().nonnegative();
const lowerAddress = z.string().regex(/^0x[0-9a-f]{40}$/, 'not a lower-case address');
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, 'not a decimal integer string');
const publicKey = z.string().regex(/^0x[0-9a-f]{96}$/, 'not a lower-case 48-byte public key');
const position = z.object({ blockNumber: block, logIndex: block });
const clusterEntry = z.object({
  clusterId: z.string().min(1),
  operatorIds: z.array(z.number().int().positive()).min(1),
  version: z.enum(['eth', 'ssv']),
  cluster: z.object({
    validatorCount: block,
    networkFeeIndex: decimal,
    index: decimal,
    active: z.boolean(),
    balance: decimal,
  }),
  validators: z.array(publicKey),
  exitRequested: z.array(publicKey),
  reportedEffectiveBalance: block.nullable(),
  updatedAt: position,
});

const snapshotSchema = z
  .object({
    version: z.literal(1),
    chainId: z.number().int().positive(),
    ssvNetwork: lowerAddress,
    owner: lowerAddress,
    fromBlock: block,
    v2UpgradeBlock: block,
    blockNumber: block,
    blockHash: z.string().regex(/^0x[0-9a-f]{64}$/, 'not a lower-case 32-byte hash'),
    state: z.object({
      scannedToBlock: block,
      index: z.object({
        owner: lowerAddress,
        v2UpgradeBlock: block,
        cursor: position.nullable(),
        ownerNonce: block,
        feeRecipient: lowerAddress.nullable(),
        clusters: z.record(z.string(), clusterEntry),
      }),
    }),
  })
  .superRefine((snapshot, ctx) => {
    const { state } = snapshot;
    const problem = (message: string): void => {
      ctx.addIssue({ code: 'custom', message });
    };
    if (state.scannedToBlock !== snapshot.blockNumber) {
      problem('state.scannedToBlock differs from blockNumber');
    }
    if (state.index.owner !== snapshot.owner) problem('state.index.owner differs from owner');
    if (state.index.v2UpgradeBlock !== snapshot.v2UpgradeBlock) {
      problem('state.index.v2UpgradeBlock differs from v2UpgradeBlock');
    }
    if (state.index.cursor !== null && state.index.cursor.blockNumber > snapshot.blockNumber) {
      problem('state.index.cursor is after blockNumber');
    }
    if (snapshot.blockNumber < snapshot.fromBlock - 1) problem('blockNumber is before fromBlock');
    for (const [id, entry] of Object.entries(state.index.clusters)) {
      if (entry.clusterId !== id) problem(`cluster ${id.slice(0, 80)} is filed under another id`);
    }
  });

/**
 * Parses a stored snapshot. Never throws: text that is not JSON or not a valid version-1 snapshot
 * is `corrupt`, with the first problems by path (values are not repeated).
 */
export function parseIndexSnapshot(text: string): LoadIndexSnapshotResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { status: 'corrupt', reason: 'not JSON' };
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return { status: 'corrupt', reason };
  }
  const snapshot: IndexSnapshot = parsed.data;
  return { status: 'found', snapshot };
}

function serialize(snapshot: IndexSnapshot): string {
  return `${JSON.stringify(snapshot)}\n`;
}

/** Parameters of {@link makeFileIndexSnapshotStore}. */
export interface FileIndexSnapshotStoreParameters {
  /** Directory of the snapshot files; created (mode 0700) on the first save. */
  dir: string;
  /** Clock in ms since the epoch, to age leftover temporary files; default `Date.now`. */
  now?: () => number;
}

/**
 * Age after which a temporary file of a save is taken for a crash's leftover. A younger one may
 * belong to a save still under way in another process sharing the directory.
 */
export const STALE_TEMPORARY_FILE_MS = 5 * 60_000;

/** `<snapshot file>.<pid>.<8 hex>.tmp`, as {@link makeFileIndexSnapshotStore} names them. */
const TEMPORARY_SUFFIX = /^\.[0-9]+\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temporary files of `fileName` older than {@link STALE_TEMPORARY_FILE_MS} (what a
 * crash mid-save leaves). Only regular files named like this store's own temporaries are touched.
 * Best effort: a file that cannot be listed or removed stays for a later attempt.
 */
async function removeStaleTemporaries(
  dir: string,
  fileName: string,
  now: () => number,
): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const leftovers = names.filter(
    (name) => name.startsWith(fileName) && TEMPORARY_SUFFIX.test(name.slice(fileName.length)),
  );
  await Promise.all(
    leftovers.map(async (name) => {
      const file = path.join(dir, name);
      try {
        const stats = await lstat(file);
        if (stats.isFile() && now() - stats.mtimeMs > STALE_TEMPORARY_FILE_MS) await rm(file);
      } catch {
        // Removed meanwhile, or not ours to remove: the snapshot itself does not depend on it.
      }
    }),
  );
}

/**
 * Snapshots as files `<dir>/ssv-index-<chainId>-<ssvNetwork>-<owner>.json`. A save writes and
 * fsyncs a temporary file beside the target and renames it over the target, so a crash leaves the
 * old snapshot or the new one, never half of one; the temporary files such a crash leaves are
 * removed by the next load or save of that snapshot once they are older than
 * {@link STALE_TEMPORARY_FILE_MS}. A file that cannot be read or parsed loads as `corrupt`.
 */
export function makeFileIndexSnapshotStore({
  dir,
  now = Date.now,
}: FileIndexSnapshotStoreParameters): IndexSnapshotStore {
  return {
    location: dir,

    async load(key) {
      const name = indexSnapshotFileName(key);
      const file = path.join(dir, name);
      await removeStaleTemporaries(dir, name, now);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return { status: 'missing' };
        return { status: 'corrupt', reason: `cannot read ${file}: ${code ?? 'unknown error'}` };
      }
      return parseIndexSnapshot(text);
    },

    async save(snapshot) {
      const name = indexSnapshotFileName(snapshot);
      const file = path.join(dir, name);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await removeStaleTemporaries(dir, name, now);
      const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        const handle = await open(temporary, 'w', 0o600);
        try {
          await handle.writeFile(serialize(snapshot), 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
  };
}

/** An in-memory store; `texts` holds the stored text by file name, for tests to inspect or spoil. */
export function makeMemoryIndexSnapshotStore(): IndexSnapshotStore & {
  readonly texts: Map<string, string>;
} {
  const texts = new Map<string, string>();
  return {
    location: 'memory',
    texts,
    load(key) {
      const text = texts.get(indexSnapshotFileName(key));
      return Promise.resolve(text === undefined ? { status: 'missing' } : parseIndexSnapshot(text));
    },
    save(snapshot) {
      texts.set(indexSnapshotFileName(snapshot), serialize(snapshot));
      return Promise.resolve();
    },
  };
}
