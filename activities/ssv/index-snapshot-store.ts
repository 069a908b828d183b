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
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
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
}

/**
 * Snapshots as files `<dir>/ssv-index-<chainId>-<ssvNetwork>-<owner>.json`. A save writes and
 * fsyncs a temporary file beside the target and renames it over the target, so a crash leaves the
 * old snapshot or the new one, never half of one. A file that cannot be read or parsed loads as
 * `corrupt`.
 */
export function makeFileIndexSnapshotStore({
  dir,
}: FileIndexSnapshotStoreParameters): IndexSnapshotStore {
  return {
    location: dir,

    async load(key) {
      const file = path.join(dir, indexSnapshotFileName(key));
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
      const file = path.join(dir, indexSnapshotFileName(snapshot));
      await mkdir(dir, { recursive: true, mode: 0o700 });
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
