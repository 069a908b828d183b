// The file store of owner-index snapshots: one file per chain id, SSVNetwork and owner, written
// atomically (a failed write leaves the previous snapshot and no temporary file; the temporary
// files a crash leaves are removed by the next load or save once stale, and nothing else), and
// anything that is not a valid snapshot loads as `corrupt` with a reason instead of throwing.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  makeClusterIndexSync,
  makeOwnerIndex,
} from '../../../activities/ssv/cluster-index-sync.js';
import {
  STALE_TEMPORARY_FILE_MS,
  indexSnapshotFileName,
  makeFileIndexSnapshotStore,
  type IndexSnapshot,
} from '../../../activities/ssv/index-snapshot-store.js';
import {
  CHAIN_ID,
  FakeSsvChain,
  OWNER,
  SSV_NETWORK,
  struct,
  validatorAdded,
} from './fake-ssv-chain.js';

const KEY = { chainId: CHAIN_ID, ssvNetwork: SSV_NETWORK, owner: OWNER };
const FILE_NAME = `ssv-index-31337-${SSV_NETWORK.toLowerCase()}-${OWNER.toLowerCase()}.json`;

const snapshot = (blockNumber: number): IndexSnapshot => ({
  version: 1,
  chainId: CHAIN_ID,
  ssvNetwork: SSV_NETWORK.toLowerCase(),
  owner: OWNER.toLowerCase(),
  fromBlock: 1,
  v2UpgradeBlock: 0,
  blockNumber,
  blockHash: `0x${blockNumber.toString(16).padStart(64, '0')}`,
  state: {
    scannedToBlock: blockNumber,
    index: {
      owner: OWNER.toLowerCase(),
      v2UpgradeBlock: 0,
      cursor: null,
      ownerNonce: 0,
      feeRecipient: null,
      clusters: {},
    },
  },
});

let dir: string;
beforeEach(() => {
  dir = path.join(mkdtempSync(path.join(tmpdir(), 'ssv-index-')), 'cache');
});
afterEach(() => {
  rmSync(path.dirname(dir), { recursive: true, force: true });
});

describe('indexSnapshotFileName', () => {
  it('names the chain id and the lower-case addresses', () => {
    expect(indexSnapshotFileName(KEY)).toBe(FILE_NAME);
  });

  it('refuses what would not make a safe file name', () => {
    expect(() => indexSnapshotFileName({ ...KEY, owner: '../../etc/passwd' })).toThrow(
      'Not an address: ../../etc/passwd',
    );
    expect(() => indexSnapshotFileName({ ...KEY, chainId: 0 })).toThrow('Not a chain id: 0');
  });
});

describe('makeFileIndexSnapshotStore', () => {
  it('creates the directory on the first save and loads what it saved', async () => {
    const store = makeFileIndexSnapshotStore({ dir });
    await expect(store.load(KEY)).resolves.toEqual({ status: 'missing' });

    await store.save(snapshot(17));
    await store.save(snapshot(18));

    expect(readdirSync(dir)).toEqual([FILE_NAME]);
    expect(statSync(path.join(dir, FILE_NAME)).mode & 0o777).toBe(0o600);
    await expect(store.load(KEY)).resolves.toEqual({ status: 'found', snapshot: snapshot(18) });
    await expect(store.load({ ...KEY, chainId: 1 })).resolves.toEqual({ status: 'missing' });
  });

  it('loads a file that is not JSON, or not a snapshot, as corrupt', async () => {
    const store = makeFileIndexSnapshotStore({ dir });
    mkdirSync(dir);
    writeFileSync(path.join(dir, FILE_NAME), '{"version":1,"chainId":31');
    await expect(store.load(KEY)).resolves.toEqual({ status: 'corrupt', reason: 'not JSON' });

    writeFileSync(path.join(dir, FILE_NAME), JSON.stringify({ ...snapshot(5), version: 2 }));
    await expect(store.load(KEY)).resolves.toEqual({
      status: 'corrupt',
      reason: 'version: Invalid input: expected 1',
    });
  });

  it('loads a path it cannot read as corrupt, naming the error code', async () => {
    mkdirSync(path.join(dir, FILE_NAME), { recursive: true });
    await expect(makeFileIndexSnapshotStore({ dir }).load(KEY)).resolves.toEqual({
      status: 'corrupt',
      reason: `cannot read ${path.join(dir, FILE_NAME)}: EISDIR`,
    });
  });

  it('keeps the previous snapshot and leaves no temporary file when a write fails', async () => {
    const store = makeFileIndexSnapshotStore({ dir });
    await store.save(snapshot(17));
    const other = { ...KEY, chainId: 1 };
    // A non-empty directory where the other key's file would go: the rename fails.
    mkdirSync(path.join(dir, indexSnapshotFileName(other), 'x'), { recursive: true });

    await expect(store.save({ ...snapshot(20), chainId: 1 })).rejects.toThrow();

    expect(readdirSync(dir).sort()).toEqual([indexSnapshotFileName(other), FILE_NAME].sort());
    await expect(store.load(KEY)).resolves.toEqual({ status: 'found', snapshot: snapshot(17) });
  });

  describe('temporary files left by a crash mid-save', () => {
    const NOW = Date.UTC(2025, 0, 1);
    const OTHER_FILE = indexSnapshotFileName({ ...KEY, chainId: 1 });
    const stale = `${FILE_NAME}.4242.0badc0de.tmp`;
    const staleToo = `${FILE_NAME}.7.12345678.tmp`;
    const fresh = `${FILE_NAME}.4243.cafef00d.tmp`; // a save that may still be under way
    /** Names that are not this snapshot's temporaries, all old. */
    const others = [
      `${OTHER_FILE}.4242.0badc0de.tmp`, // another snapshot's
      `${FILE_NAME}.tmp`,
      `${FILE_NAME}.4242.0badc0de.tmp.keep`,
      `${FILE_NAME}.4242.0BADC0DE.tmp`,
      `x${FILE_NAME}.4242.0badc0de.tmp`,
      'notes.txt',
    ];
    const staleDir = `${FILE_NAME}.4244.deadbeef.tmp`; // a directory, never removed

    /** The directory with the snapshot, the temporaries and the other files, dated. */
    function leftovers(): void {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, FILE_NAME), JSON.stringify(snapshot(17)));
      mkdirSync(path.join(dir, staleDir));
      const old = (NOW - STALE_TEMPORARY_FILE_MS - 1_000) / 1000;
      for (const name of [stale, staleToo, ...others]) {
        writeFileSync(path.join(dir, name), '{"version":1,');
        utimesSync(path.join(dir, name), old, old);
      }
      utimesSync(path.join(dir, staleDir), old, old);
      writeFileSync(path.join(dir, fresh), '{"version":1,');
      const recent = (NOW - 1_000) / 1000;
      utimesSync(path.join(dir, fresh), recent, recent);
    }

    const kept = [FILE_NAME, fresh, staleDir, ...others].sort();

    it('removes the stale ones of its snapshot on load, and nothing else', async () => {
      leftovers();
      const store = makeFileIndexSnapshotStore({ dir, now: () => NOW });

      await expect(store.load(KEY)).resolves.toEqual({ status: 'found', snapshot: snapshot(17) });

      expect(readdirSync(dir).sort()).toEqual(kept);
    });

    it('removes the stale ones of its snapshot on save, and nothing else', async () => {
      leftovers();
      const store = makeFileIndexSnapshotStore({ dir, now: () => NOW });

      await store.save(snapshot(18));

      expect(readdirSync(dir).sort()).toEqual(kept);
      await expect(store.load(KEY)).resolves.toEqual({ status: 'found', snapshot: snapshot(18) });
    });
  });

  it('lets a restarted worker resume from the file the previous one wrote', async () => {
    const chain = new FakeSsvChain();
    chain.mineEmpty(2);
    chain.mine(validatorAdded([1, 2, 3, 4], 1, struct(1, 10n ** 18n))); // 3
    chain.mineEmpty(10); // 4–13
    const start = () => {
      const lines: string[] = [];
      const log = (fields: Record<string, unknown>, message: string) => {
        lines.push(message);
      };
      const ownerIndex = makeOwnerIndex(
        makeClusterIndexSync({
          provider: chain.provider,
          ssvNetwork: SSV_NETWORK,
          owner: OWNER,
          fromBlock: 1,
        }),
        {
          chainId: CHAIN_ID,
          store: makeFileIndexSnapshotStore({ dir }),
          confirmations: 2,
          logger: { info: log, warn: log },
        },
      );
      return { ownerIndex, lines };
    };

    const first = start();
    const before = await first.ownerIndex();
    const second = start();
    const seen = chain.logRanges.length;
    const after = await second.ownerIndex();

    expect(after).toEqual(before);
    expect(after.ownerNonce).toBe(1);
    expect(first.lines).toEqual(['No SSV index snapshot; scanning from the first block']);
    expect(second.lines).toEqual(['SSV index snapshot loaded; scanning from the block after it']);
    expect(chain.logRanges.slice(seen)).toEqual([[12, 13]]);
  });
});
