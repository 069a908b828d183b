// The worker's owner index (makeOwnerIndex) over an in-memory chain: syncs never overlap; a
// restart resumes from the stored snapshot and reads only the blocks after it, ending where a
// full scan ends; a reorg of a block holding a folded event is detected and rolled back until the
// index equals a fresh scan of the new chain, also when an RPC call fails half-way through the
// rollback or the scan after it, or when a reorg lands between a scan's hash read and its logs (no
// snapshot ever pairs a block hash with another branch's events); snapshots of another owner, chain
// or configuration, and corrupt ones, are ignored with the reason logged.
import {
  makeClusterIndexSync,
  makeOwnerIndex,
  type ClusterIndexSync,
  type OwnerIndexOptions,
} from '../../../activities/ssv/cluster-index-sync.js';
import {
  indexSnapshotFileName,
  makeMemoryIndexSnapshotStore,
  parseIndexSnapshot,
  type IndexSnapshot,
} from '../../../activities/ssv/index-snapshot-store.js';
import type { ClusterIndexState } from '../../../domain/ssv/cluster-index.js';
import {
  CHAIN_ID,
  FakeRpcError,
  FakeSsvChain,
  OTHER_OWNER,
  OWNER,
  SSV_NETWORK,
  clusterDeposited,
  pubkey,
  struct,
  validatorAdded,
} from './fake-ssv-chain.js';

const A = [1, 2, 3, 4];
const B = [5, 6, 7, 8];
const ETH = 10n ** 18n;
const FROM_BLOCK = 2;

interface LogLine {
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

function collector() {
  const lines: LogLine[] = [];
  return {
    lines,
    messages: () => lines.map((line) => `${line.level}: ${line.message}`),
    info: (fields: Record<string, unknown>, message: string) => {
      lines.push({ level: 'info', message, fields });
    },
    warn: (fields: Record<string, unknown>, message: string) => {
      lines.push({ level: 'warn', message, fields });
    },
  };
}

/** The chain's index sync; `chainId` is the snapshot's business, not the sync's. */
function syncFor(
  chain: FakeSsvChain,
  overrides: { owner?: string; fromBlock?: number; chainId?: number } = {},
) {
  return makeClusterIndexSync({
    provider: chain.provider,
    ssvNetwork: SSV_NETWORK,
    owner: overrides.owner ?? OWNER,
    fromBlock: overrides.fromBlock ?? FROM_BLOCK,
    blockRange: 5,
  });
}

/** What a worker started now would fold: a full scan of the current chain up to its head. */
async function freshScan(chain: FakeSsvChain): Promise<ClusterIndexState> {
  return (await syncFor(chain).sync(null, { toBlock: chain.head })).state.index;
}

/** The snapshot the store holds for OWNER on CHAIN_ID. */
function storedSnapshot(store: ReturnType<typeof makeMemoryIndexSnapshotStore>): IndexSnapshot {
  const text = store.texts.get(
    indexSnapshotFileName({ chainId: CHAIN_ID, ssvNetwork: SSV_NETWORK, owner: OWNER }),
  );
  const result = parseIndexSnapshot(text ?? '');
  if (result.status !== 'found') throw new Error(`no snapshot: ${JSON.stringify(result)}`);
  return result.snapshot;
}

const rangesSince = (chain: FakeSsvChain, count: number): [number, number][] =>
  chain.logRanges.slice(count);

/** A memory store that also keeps every snapshot it was given, in order. */
function recordingStore() {
  const store = makeMemoryIndexSnapshotStore();
  const saved: IndexSnapshot[] = [];
  return {
    ...store,
    saved,
    save: (snapshot: IndexSnapshot) => {
      saved.push(structuredClone(snapshot));
      return store.save(snapshot);
    },
  };
}

/** What a full scan of `chain` folds up to `blockNumber`. */
async function scanTo(chain: FakeSsvChain, blockNumber: number): Promise<ClusterIndexState> {
  return (await syncFor(chain).sync(null, { toBlock: blockNumber })).state.index;
}

/**
 * Every snapshot holds exactly the events of the branch its block hash belongs to: one of
 * `branches` has that hash at that height, and a full scan of it up to there folds the same index.
 */
async function expectEachFromItsOwnBranch(snapshots: IndexSnapshot[], branches: FakeSsvChain[]) {
  for (const snapshot of snapshots) {
    const branch = branches.find(
      (candidate) => candidate.blocks[snapshot.blockNumber]?.hash === snapshot.blockHash,
    );
    expect({ blockNumber: snapshot.blockNumber, branchFound: branch !== undefined }).toEqual({
      blockNumber: snapshot.blockNumber,
      branchFound: true,
    });
    if (branch === undefined) continue;
    expect({ blockNumber: snapshot.blockNumber, index: snapshot.state.index }).toEqual({
      blockNumber: snapshot.blockNumber,
      index: await scanTo(branch, snapshot.blockNumber),
    });
  }
}

/** Public keys of every validator the index holds. */
const validatorsOf = (index: ClusterIndexState): string[] =>
  Object.values(index.clusters).flatMap((entry) => entry.validators);

/**
 * Blocks 1–20: genesis padding, then the owner's history in clusters A and B, spread so that some
 * events sit below and some above a 3-block follow distance.
 */
function history(): FakeSsvChain {
  const chain = new FakeSsvChain();
  chain.mineEmpty(3); // 1–3
  chain.mine(validatorAdded(A, 1, struct(1, ETH))); // 4
  chain.mineEmpty(2); // 5–6
  chain.mine(validatorAdded(A, 2, struct(2, ETH)), clusterDeposited(A, ETH, struct(2, 2n * ETH))); // 7
  chain.mineEmpty(4); // 8–11
  chain.mine(validatorAdded(B, 3, struct(1, ETH))); // 12
  chain.mineEmpty(5); // 13–17
  chain.mine(clusterDeposited(B, ETH, struct(1, 2n * ETH))); // 18
  chain.mineEmpty(1); // 19
  chain.mine(validatorAdded(B, 4, struct(2, 2n * ETH))); // 20
  return chain;
}

function ownerIndexFor(
  chain: FakeSsvChain,
  options: OwnerIndexOptions & { indexSync?: ClusterIndexSync } = {},
) {
  const logger = collector();
  const ownerIndex = makeOwnerIndex(options.indexSync ?? syncFor(chain), {
    chainId: CHAIN_ID,
    confirmations: 3,
    snapshotEveryBlocks: 1,
    logger,
    ...options,
  });
  return { ownerIndex, logger };
}

describe('makeOwnerIndex', () => {
  it('folds to the head and never runs two syncs at once', async () => {
    const chain = history();
    let running = 0;
    let overlapped = false;
    const indexSync = syncFor(chain);
    const tracked: ClusterIndexSync = {
      ...indexSync,
      async sync(stored, options) {
        running++;
        overlapped ||= running > 1;
        await new Promise((resolve) => setImmediate(resolve));
        try {
          return await indexSync.sync(stored, options);
        } finally {
          running--;
        }
      },
    };
    const { ownerIndex } = ownerIndexFor(chain, { indexSync: tracked });

    const first = ownerIndex();
    chain.mine(validatorAdded(A, 5, struct(3, 2n * ETH))); // 21, mined while the first sync runs
    const results = await Promise.all([first, ownerIndex(), ownerIndex()]);

    expect(overlapped).toBe(false);
    expect(results[2]).toEqual(await freshScan(chain));
    expect(results[2]?.ownerNonce).toBe(5);
    expect(results[2]?.cursor).toEqual({ blockNumber: 21, logIndex: 0 });
  });

  describe('restart from a snapshot', () => {
    it('reads only the blocks after the snapshot and ends where a full scan ends', async () => {
      const chain = history();
      const store = makeMemoryIndexSnapshotStore();
      const before = ownerIndexFor(chain, { store });
      expect(await before.ownerIndex()).toEqual(await freshScan(chain));
      expect(before.logger.messages()).toEqual([
        'info: No SSV index snapshot; scanning from the first block',
      ]);
      // Folded into the snapshot: only what is 3 blocks deep (head 20 → block 17).
      const first = storedSnapshot(store);
      expect(first).toMatchObject({ blockNumber: 17, blockHash: chain.hash(17), fromBlock: 2 });
      expect(first.state.index.ownerNonce).toBe(3);
      expect(first.state.index.cursor).toEqual({ blockNumber: 12, logIndex: 0 });

      // The worker stops; the chain goes on.
      chain.mine(validatorAdded(A, 5, struct(3, 2n * ETH))); // 21
      chain.mineEmpty(3); // 22–24
      chain.mine(clusterDeposited(A, ETH, struct(3, 3n * ETH))); // 25
      const seen = chain.logRanges.length;

      const after = ownerIndexFor(chain, { store });
      const resumed = await after.ownerIndex();
      const ranges = rangesSince(chain, seen);

      expect(resumed).toEqual(await freshScan(chain));
      expect(resumed.ownerNonce).toBe(5);
      expect(ranges[0]?.[0]).toBe(18);
      expect(ranges.every(([from]) => from > 17)).toBe(true);
      expect(ranges.reduce((blocks, [from, to]) => blocks + to - from + 1, 0)).toBe(25 - 17);
      expect(after.logger.lines[0]).toMatchObject({
        level: 'info',
        message: 'SSV index snapshot loaded; scanning from the block after it',
        fields: { blockNumber: 17, ownerNonce: 3, clusters: 2 },
      });
      expect(storedSnapshot(store)).toMatchObject({ blockNumber: 22, blockHash: chain.hash(22) });
    });

    it('moves the snapshot to an earlier tip once it is deep enough, equal to a scan up to it', async () => {
      const chain = history();
      const store = makeMemoryIndexSnapshotStore();
      const { ownerIndex } = ownerIndexFor(chain, { store });
      await ownerIndex(); // head 20: snapshot at 17, tip at 20
      chain.mine(); // 21: 20 is not yet 3 deep
      await ownerIndex();
      expect(storedSnapshot(store).blockNumber).toBe(17);
      chain.mine(validatorAdded(A, 5, struct(3, 2n * ETH))); // 22
      chain.mine(); // 23: tip 20 is 3 deep now
      const seen = chain.logRanges.length;
      expect(await ownerIndex()).toEqual(await freshScan(chain));

      const snapshot = storedSnapshot(store);
      expect(snapshot).toMatchObject({ blockNumber: 20, blockHash: chain.hash(20) });
      const upTo20 = await syncFor(chain).sync(null, { toBlock: 20 });
      expect(snapshot.state.index).toEqual(upTo20.state.index);
      // Promoting the earlier tip needed no log query: only the new blocks 22–23 were read.
      expect(rangesSince(chain, seen)[0]).toEqual([22, 23]);
    });

    it('rescans from the first block, and says why, when the snapshot block was reorged away', async () => {
      const chain = history();
      const store = makeMemoryIndexSnapshotStore();
      await ownerIndexFor(chain, { store }).ownerIndex(); // snapshot at 17
      // While the worker is down, a fork replaces blocks 16 on and moves B's deposit.
      chain.reorg(16, 'fork');
      chain.mine(clusterDeposited(B, 3n * ETH, struct(1, 4n * ETH))); // 16'
      chain.mineEmpty(6); // 17'–22'
      const seen = chain.logRanges.length;

      const after = ownerIndexFor(chain, { store });
      expect(await after.ownerIndex()).toEqual(await freshScan(chain));
      expect(rangesSince(chain, seen)[0]?.[0]).toBe(FROM_BLOCK);
      expect(after.logger.lines[0]).toMatchObject({
        level: 'warn',
        message:
          'SSV index snapshot block is no longer canonical (reorg); scanning from the first block',
        fields: { blockNumber: 17, canonicalHash: chain.hash(17) },
      });
    });
  });

  describe('reorgs', () => {
    it('detects a replaced block above the follow distance and refolds from the confirmed checkpoint (no store)', async () => {
      const chain = history();
      const { ownerIndex, logger } = ownerIndexFor(chain, { store: null });
      const before = await ownerIndex();
      expect(before.clusters[`${OWNER.toLowerCase()}-5-6-7-8`]?.validators).toEqual([
        pubkey(3),
        pubkey(4),
      ]);

      // Blocks 18–20 are replaced: B's deposit and validator 4 vanish, validator 6 joins A.
      const replacedHash = chain.hash(20);
      chain.reorg(18, 'fork');
      chain.mine(validatorAdded(A, 6, struct(3, 2n * ETH))); // 18'
      chain.mineEmpty(2); // 19'–20'
      chain.mine(); // 21'
      const seen = chain.logRanges.length;
      const after = await ownerIndex();

      expect(after).toEqual(await freshScan(chain));
      expect(after.ownerNonce).toBe(4);
      expect(after.clusters[`${OWNER.toLowerCase()}-5-6-7-8`]?.validators).toEqual([pubkey(3)]);
      expect(logger.lines.at(-1)).toMatchObject({
        level: 'warn',
        message: 'SSV index reorg detected; rolling back to the confirmed checkpoint',
        fields: { blockNumber: 20, indexedHash: replacedHash, canonicalHash: chain.hash(20) },
      });
      // Rebuilt from the confirmed checkpoint at 17, not from the first block.
      expect(rangesSince(chain, seen)[0]?.[0]).toBe(18);
    });

    it('falls back to the last snapshot that is still canonical when the confirmed checkpoint was replaced', async () => {
      const chain = new FakeSsvChain();
      chain.mineEmpty(3); // 1–3
      chain.mine(validatorAdded(A, 1, struct(1, ETH))); // 4
      chain.mineEmpty(9); // 5–13
      const store = makeMemoryIndexSnapshotStore();
      const { ownerIndex, logger } = ownerIndexFor(chain, { store, snapshotEveryBlocks: 100 });
      await ownerIndex(); // head 13: snapshot at 10
      chain.mineEmpty(3); // 14–16
      chain.mine(clusterDeposited(A, ETH, struct(1, 2n * ETH))); // 17
      chain.mineEmpty(3); // 18–20
      await ownerIndex(); // confirmed at 17 (with the deposit), snapshot written at 17
      expect(storedSnapshot(store).blockNumber).toBe(17);
      chain.mineEmpty(2); // 21–22
      await ownerIndex(); // no new events: the file stays at 17
      expect(storedSnapshot(store).blockNumber).toBe(17);

      // A deep fork from 15 replaces the deposit at 17 and the snapshot's block.
      chain.reorg(15, 'deep');
      chain.mine(validatorAdded(A, 2, struct(2, 3n * ETH))); // 15'
      chain.mineEmpty(8); // 16'–23'
      const seen = chain.logRanges.length;
      const after = await ownerIndex();

      expect(after).toEqual(await freshScan(chain));
      expect(after.ownerNonce).toBe(2);
      expect(logger.messages().slice(-3)).toEqual([
        'warn: SSV index reorg detected; rolling back to the confirmed checkpoint',
        'warn: SSV index reorg replaced the confirmed checkpoint; resuming from the last canonical snapshot',
        'warn: SSV index snapshot block is no longer canonical (reorg); scanning from the first block',
      ]);
      expect(rangesSince(chain, seen)[0]?.[0]).toBe(FROM_BLOCK);
      // The replaced snapshot is overwritten with one of the new chain.
      expect(storedSnapshot(store)).toMatchObject({ blockNumber: 20, blockHash: chain.hash(20) });
    });

    it('resumes from an older snapshot whose block survived the reorg', async () => {
      const chain = new FakeSsvChain();
      chain.mineEmpty(3); // 1–3
      chain.mine(validatorAdded(A, 1, struct(1, ETH))); // 4
      chain.mineEmpty(9); // 5–13
      const store = makeMemoryIndexSnapshotStore();
      const { ownerIndex, logger } = ownerIndexFor(chain, { store, snapshotEveryBlocks: 100 });
      await ownerIndex(); // snapshot at 10
      chain.mineEmpty(7); // 14–20
      await ownerIndex(); // confirmed at 17, no new events: the file stays at 10
      expect(storedSnapshot(store).blockNumber).toBe(10);

      chain.reorg(15, 'deep');
      chain.mine(clusterDeposited(A, ETH, struct(1, 2n * ETH))); // 15'
      chain.mineEmpty(6); // 16'–21'
      const seen = chain.logRanges.length;
      const after = await ownerIndex();

      expect(after).toEqual(await freshScan(chain));
      expect(after.clusters[`${OWNER.toLowerCase()}-1-2-3-4`]?.cluster.balance).toBe(
        (2n * ETH).toString(),
      );
      expect(logger.messages().slice(-3)).toEqual([
        'warn: SSV index reorg detected; rolling back to the confirmed checkpoint',
        'warn: SSV index reorg replaced the confirmed checkpoint; resuming from the last canonical snapshot',
        'info: SSV index snapshot loaded; scanning from the block after it',
      ]);
      expect(rangesSince(chain, seen)[0]?.[0]).toBe(11);
    });
  });

  describe('reorgs met by RPC failures', () => {
    /**
     * history() indexed (confirmed checkpoint and snapshot at 17, holding B's validator 3 from
     * block 12; tip at 20), then a fork from block 12 that orphans validator 3 and adds validator 6
     * to A, up to 22'.
     */
    async function forkedBelowTheCheckpoint() {
      const chain = history();
      const store = recordingStore();
      const { ownerIndex, logger } = ownerIndexFor(chain, { store });
      const before = await ownerIndex();
      expect(validatorsOf(before)).toContain(pubkey(3));
      expect(storedSnapshot(store).blockNumber).toBe(17);
      chain.reorg(12, 'fork');
      chain.mine(validatorAdded(A, 6, struct(3, 2n * ETH))); // 12'
      chain.mineEmpty(10); // 13'–22'
      return { chain, store, ownerIndex, logger };
    }

    it.each([
      ["the rollback's hash read of the confirmed checkpoint", 1],
      ["the stored snapshot's hash read (loadSnapshot) during the rollback", 2],
    ] as const)(
      'ends equal to a fresh scan of the new chain when %s fails once',
      async (_, nth) => {
        const { chain, store, ownerIndex, logger } = await forkedBelowTheCheckpoint();
        // Block 17 is read by the rollback (1st), then by loading the snapshot taken at it (2nd).
        chain.failBlockRead(17, nth);
        const saved = store.saved.length;

        await expect(ownerIndex()).rejects.toMatchObject({
          code: 'ERR_UPSTREAM_UNAVAILABLE',
          message: expect.stringContaining('eth_getBlockByNumber failed') as unknown,
        });
        const after = await ownerIndex();

        expect(after).toEqual(await freshScan(chain));
        expect(validatorsOf(after)).not.toContain(pubkey(3));
        // The checkpoint at 17 was rejected, and so was the snapshot taken at it: a rescan.
        expect(logger.messages().slice(-2)).toEqual([
          'warn: SSV index reorg replaced the confirmed checkpoint; resuming from the last canonical snapshot',
          'warn: SSV index snapshot block is no longer canonical (reorg); scanning from the first block',
        ]);
        const snapshot = storedSnapshot(store);
        expect(snapshot).toMatchObject({ blockNumber: 19, blockHash: chain.hash(19) });
        expect(validatorsOf(snapshot.state.index)).not.toContain(pubkey(3));
        expect(store.saved.length).toBeGreaterThan(saved);
        await expectEachFromItsOwnBranch(store.saved.slice(saved), [chain]);
      },
    );

    it('checks the confirmed checkpoint again when the scan after it failed, and refolds after a reorg', async () => {
      const chain = history();
      const store = recordingStore();
      const { ownerIndex } = ownerIndexFor(chain, { store });
      await ownerIndex(); // checkpoint at 17, tip at 20
      chain.mineEmpty(4); // 21–24: the next sync takes a checkpoint at 21, then scans to 24
      let down = true;
      chain.beforeLogsOf(
        24,
        () => {
          if (down) throw new FakeRpcError('timeout');
        },
        Infinity,
      );
      await expect(ownerIndex()).rejects.toMatchObject({ code: 'ERR_UPSTREAM_UNAVAILABLE' });
      expect(storedSnapshot(store)).toMatchObject({ blockNumber: 21, blockHash: chain.hash(21) });
      down = false;
      // A fork from 19 replaces that checkpoint: B's validator 4 (block 20) is orphaned.
      chain.reorg(19, 'fork');
      chain.mine(clusterDeposited(A, ETH, struct(2, 3n * ETH))); // 19'
      chain.mineEmpty(6); // 20'–25'
      const saved = store.saved.length;

      const after = await ownerIndex();

      expect(after).toEqual(await freshScan(chain));
      expect(validatorsOf(after)).not.toContain(pubkey(4));
      await expectEachFromItsOwnBranch(store.saved.slice(saved), [chain]);
      expect(storedSnapshot(store)).toMatchObject({ blockNumber: 22, blockHash: chain.hash(22) });
    });
  });

  describe('a reorg while a scan reads the chain', () => {
    /** Blocks 21–24 of the first branch: validator 5 joins A at 22. */
    const mineTail = (chain: FakeSsvChain): void => {
      chain.mine(); // 21
      chain.mine(validatorAdded(A, 5, struct(3, 2n * ETH))); // 22
      chain.mineEmpty(2); // 23–24
    };
    /** Blocks 19'–24' of the fork: A's deposit at 21', and no validator 4 or 5. */
    const mineFork = (chain: FakeSsvChain): void => {
      chain.reorg(19, 'fork');
      chain.mineEmpty(2); // 19'–20'
      chain.mine(clusterDeposited(A, 3n * ETH, struct(2, 5n * ETH))); // 21'
      chain.mineEmpty(3); // 22'–24'
    };

    /** history() indexed to 20 (checkpoint 17), then 21–24: the next sync scans 21 as the target. */
    async function indexedThenMined() {
      const chain = history();
      const firstBranch = history(); // the same blocks and hashes, kept for checking snapshots
      const store = recordingStore();
      const { ownerIndex } = ownerIndexFor(chain, { store });
      await ownerIndex();
      mineTail(chain);
      mineTail(firstBranch);
      return { chain, firstBranch, store, ownerIndex };
    }

    it.each([
      ['the fork stays', false],
      ['the first branch wins again', true],
    ] as const)(
      'never pairs the target block hash with logs of another branch when the reorg lands between them (%s)',
      async (_, backToFirst) => {
        const { chain, firstBranch, store, ownerIndex } = await indexedThenMined();
        // The target 21's hash is read on the first branch; its logs come from the fork.
        chain.beforeLogsOf(21, () => mineFork(chain));

        await expect(ownerIndex()).rejects.toMatchObject({
          code: 'ERR_UPSTREAM_UNAVAILABLE',
          message: expect.stringContaining(
            'SSV index block 21 changed while its logs were read (a reorg, or RPC nodes that disagree)',
          ) as unknown,
        });
        // The previous checkpoint is kept.
        expect(storedSnapshot(store)).toMatchObject({ blockNumber: 17, blockHash: chain.hash(17) });
        if (backToFirst) {
          chain.reorg(19, 'main');
          chain.mine(); // 19
          chain.mine(validatorAdded(B, 4, struct(2, 2n * ETH))); // 20, as in history()
          mineTail(chain);
          expect(chain.hash(24)).toBe(firstBranch.hash(24));
        }
        const after = await ownerIndex();

        expect(after).toEqual(await freshScan(chain));
        expect(storedSnapshot(store)).toMatchObject({ blockNumber: 21, blockHash: chain.hash(21) });
        await expectEachFromItsOwnBranch(store.saved, [chain, firstBranch]);
      },
    );

    it('does not build on a base that a reorg replaced after its check and before the target hash was read', async () => {
      const { chain, firstBranch, store, ownerIndex } = await indexedThenMined();
      // The tip (20) is checked on the first branch; the target 21's hash is read on the fork.
      chain.beforeBlockRead(21, () => mineFork(chain));

      await expect(ownerIndex()).rejects.toMatchObject({
        code: 'ERR_UPSTREAM_UNAVAILABLE',
        message: expect.stringContaining(
          'SSV index block 20 changed as the scan after it started',
        ) as unknown,
      });
      const after = await ownerIndex();

      expect(after).toEqual(await freshScan(chain));
      expect(validatorsOf(after)).not.toContain(pubkey(4));
      await expectEachFromItsOwnBranch(store.saved, [chain, firstBranch]);
    });
  });

  describe('snapshots that do not fit', () => {
    /** A store holding OWNER's snapshot of `chain` (at block 17). */
    async function storeWithSnapshot(chain: FakeSsvChain) {
      const store = makeMemoryIndexSnapshotStore();
      await ownerIndexFor(chain, { store }).ownerIndex();
      const name = indexSnapshotFileName({
        chainId: CHAIN_ID,
        ssvNetwork: SSV_NETWORK,
        owner: OWNER,
      });
      return { store, text: store.texts.get(name) ?? '', name };
    }

    it.each([
      ['another chain', { chainId: 1 }, ['chainId']],
      ['another first block', { fromBlock: 1 }, ['fromBlock']],
      ['another owner', { owner: OTHER_OWNER }, ['owner']],
    ] as const)('ignores a snapshot of %s and rescans', async (_, change, differs) => {
      const chain = history();
      const { store, text } = await storeWithSnapshot(chain);
      const chainId = 'chainId' in change ? change.chainId : CHAIN_ID;
      const owner = 'owner' in change ? change.owner : OWNER;
      // The file of the new configuration holds the old snapshot (copied, or renamed by hand).
      store.texts.set(indexSnapshotFileName({ chainId, ssvNetwork: SSV_NETWORK, owner }), text);
      const indexSync = syncFor(chain, change);
      const seen = chain.logRanges.length;

      const { ownerIndex, logger } = ownerIndexFor(chain, { store, chainId, indexSync });
      const index = await ownerIndex();

      const fresh = (await syncFor(chain, change).sync(null, { toBlock: chain.head })).state.index;
      expect(index).toEqual(fresh);
      expect(index.owner).toBe(owner.toLowerCase());
      expect(rangesSince(chain, seen)[0]?.[0]).toBe('fromBlock' in change ? 1 : FROM_BLOCK);
      expect(logger.lines[0]).toMatchObject({
        level: 'warn',
        message:
          'SSV index snapshot was built for another configuration; scanning from the first block',
        fields: { differs },
      });
    });

    it.each([
      ['text that is not JSON', () => '{"version":1,', 'not JSON'],
      [
        'a snapshot whose state was cut short',
        (text: string) => {
          const json = JSON.parse(text) as { state: { index: Record<string, unknown> } };
          delete json.state.index.clusters;
          return JSON.stringify(json);
        },
        'state.index.clusters: Invalid input: expected record, received undefined',
      ],
      [
        'a snapshot whose cursor is after its block',
        (text: string) => {
          const json = JSON.parse(text) as {
            blockNumber: number;
            state: { scannedToBlock: number };
          };
          json.blockNumber = 5;
          json.state.scannedToBlock = 5;
          return JSON.stringify(json);
        },
        '(root): state.index.cursor is after blockNumber',
      ],
    ] as const)('ignores %s with a warning and rescans', async (_, spoil, reason) => {
      const chain = history();
      const { store, text, name } = await storeWithSnapshot(chain);
      store.texts.set(name, spoil(text));
      const seen = chain.logRanges.length;

      const { ownerIndex, logger } = ownerIndexFor(chain, { store });
      expect(await ownerIndex()).toEqual(await freshScan(chain));
      expect(rangesSince(chain, seen)[0]?.[0]).toBe(FROM_BLOCK);
      expect(logger.lines[0]).toMatchObject({
        level: 'warn',
        message: 'SSV index snapshot unreadable; ignoring it and scanning from the first block',
        fields: { reason },
      });
      // Replaced by a good one.
      expect(storedSnapshot(store).blockNumber).toBe(17);
    });

    it('keeps working in memory when the store cannot be written', async () => {
      const chain = history();
      const store = makeMemoryIndexSnapshotStore();
      const failing = {
        ...store,
        save: () => Promise.reject(new Error('EACCES: permission denied')),
      };
      const { ownerIndex, logger } = ownerIndexFor(chain, { store: failing });
      expect(await ownerIndex()).toEqual(await freshScan(chain));
      expect(logger.lines.at(-1)).toMatchObject({
        level: 'warn',
        message: 'SSV index snapshot not written; the index stays in memory',
        fields: { blockNumber: 17, reason: 'EACCES: permission denied' },
      });
    });
  });

  it('refuses a store without a chain id', () => {
    const chain = history();
    expect(() => makeOwnerIndex(syncFor(chain), { store: makeMemoryIndexSnapshotStore() })).toThrow(
      'An SSV index snapshot store needs the chain id.',
    );
  });
});
