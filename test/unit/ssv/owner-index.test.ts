import {
  makeOwnerIndex,
  type ClusterIndexSync,
} from '../../../activities/ssv/cluster-index-sync.js';

describe('makeOwnerIndex', () => {
  it('resumes each sync from the state of the previous one and never runs two at once', async () => {
    const seen: (number | null)[] = [];
    let running = 0;
    let overlapped = false;
    let scanned = 0;
    const indexSync = {
      sync: async (stored: { scannedToBlock: number } | null) => {
        running++;
        overlapped ||= running > 1;
        seen.push(stored?.scannedToBlock ?? null);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        scanned += 10;
        return { state: { scannedToBlock: scanned, index: { at: scanned } } };
      },
    } as unknown as ClusterIndexSync;

    const ownerIndex = makeOwnerIndex(indexSync);
    const results = await Promise.all([ownerIndex(), ownerIndex(), ownerIndex()]);

    expect(seen).toEqual([null, 10, 20]);
    expect(overlapped).toBe(false);
    expect(results).toEqual([{ at: 10 }, { at: 20 }, { at: 30 }]);
  });
});
