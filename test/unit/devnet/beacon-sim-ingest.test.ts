// The beacon simulator's log ingestion follows the execution chain at a distance, as a beacon
// node does: blocks newer than `followBlocks` are not read, so a reorg shallower than that is
// never ingested.
import type { JsonRpcProvider } from 'ethers';
import { makeLogIngester } from '../../../devnet/beacon-sim/ingest-logs.js';
import type { BeaconState } from '../../../devnet/beacon-sim/beacon-state.js';
import type { SimClock } from '../../../devnet/beacon-sim/sim-clock.js';

function world(head: { block: number }) {
  const reads: { fromBlock: number; toBlock: number }[] = [];
  const provider = {
    getBlockNumber: () => Promise.resolve(head.block),
    getLogs: (filter: { fromBlock: number; toBlock: number }) => {
      reads.push({ fromBlock: filter.fromBlock, toBlock: filter.toBlock });
      return Promise.resolve([]);
    },
  } as unknown as JsonRpcProvider;
  const state = { processTo: () => undefined, takePayouts: () => [] } as unknown as BeaconState;
  const clock = { currentEpoch: () => 0 } as unknown as SimClock;
  return { provider, state, clock, reads };
}

const addresses = {
  depositContract: '0x00000000219ab540356cbb839cbe05303d7705fa',
  eip7002Address: '0x00000961ef480eb55e80d19ad83579a64c007002',
  payWithdrawals: false,
};

describe('beacon simulator log ingestion', () => {
  it('reads up to the head by default', async () => {
    const head = { block: 10 };
    const { provider, state, clock, reads } = world(head);
    const ingester = makeLogIngester({ provider, state, clock, fromBlock: 1, ...addresses });

    await ingester.ingest();

    expect(reads).toEqual([{ fromBlock: 1, toBlock: 10 }]);
    expect(ingester.cursor()).toBe(11);
  });

  it('stays followBlocks behind the head, and reads those blocks once they are deep enough', async () => {
    const head = { block: 10 };
    const { provider, state, clock, reads } = world(head);
    const ingester = makeLogIngester({
      provider,
      state,
      clock,
      fromBlock: 1,
      followBlocks: 3,
      ...addresses,
    });

    await ingester.ingest();
    head.block = 11;
    await ingester.ingest();
    await ingester.ingest();

    expect(reads).toEqual([
      { fromBlock: 1, toBlock: 7 },
      { fromBlock: 8, toBlock: 8 },
    ]);
    expect(ingester.cursor()).toBe(9);
  });
});
