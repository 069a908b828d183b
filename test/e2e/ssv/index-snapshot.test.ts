/**
 * The worker process on a devnet, as an operator runs it: at start-up it cross-checks the SSV API
 * against SSVNetwork (operator owners) and starts; its owner index writes a snapshot into
 * DVT_SSV_INDEX_DIR (which the devnet sets) that matches the chain; and a restarted worker loads
 * that snapshot instead of rescanning from the deployment block.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  indexSnapshotFileName,
  makeFileIndexSnapshotStore,
} from '../../../activities/ssv/index-snapshot-store.js';
import { startRouterWorld, type RouterWorld } from '../../helpers/router-world.js';
import { eventually } from '../../helpers/temporal.js';

const MNEMONIC = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

let world: RouterWorld;

beforeAll(async () => {
  world = await startRouterWorld({ mnemonic: MNEMONIC });
});

afterAll(async () => {
  await world?.stop();
});

/** The worker's JSON log lines with message `msg`. */
function linesWith(output: string, msg: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === msg);
}

async function waitForLine(msg: string): Promise<Record<string, unknown>> {
  try {
    return await eventually(
      async () => Promise.resolve(linesWith(world.worker().output(), msg)[0]),
      { attempts: 600, intervalMs: 200 },
    );
  } catch {
    // Say where the worker stood instead of only that the line never came.
    throw new Error(
      `no log line "${msg}"; worker output:\n${world.worker().output().slice(-6000)}`,
    );
  }
}

describe('the worker on a devnet', () => {
  it('passes the SSV API cross-check, snapshots its owner index and resumes from it after a restart', async () => {
    const { devnet, files } = world;
    const dir = files.env.DVT_SSV_INDEX_DIR ?? '';
    expect(dir).toBe(path.join(files.dir, 'ssv-index'));
    const key = {
      chainId: devnet.state.chainId,
      ssvNetwork: devnet.state.contracts.ssvNetwork,
      owner: devnet.state.accounts.router,
    };

    const agreed = await waitForLine('SSV API agrees with the chain on operator owners');
    expect(agreed).toMatchObject({ operatorsCompared: [1, 2, 3], ssvApiNetwork: 'devnet' });
    await waitForLine('No SSV index snapshot; scanning from the first block');

    // The pool monitor syncs the index every few seconds; the first sync writes the snapshot.
    const store = makeFileIndexSnapshotStore({ dir });
    const snapshot = await eventually(
      async () => {
        const loaded = await store.load(key);
        return loaded.status === 'found' ? loaded.snapshot : undefined;
      },
      { attempts: 600, intervalMs: 200 },
    );
    // One file for this chain, SSVNetwork and owner; no temporary file left behind.
    expect(readdirSync(dir)).toEqual([indexSnapshotFileName(key)]);
    expect(snapshot).toMatchObject({
      chainId: devnet.state.chainId,
      owner: devnet.state.accounts.router.toLowerCase(),
      fromBlock: devnet.state.deployBlocks.ssv,
    });
    const block = await devnet.provider.getBlock(snapshot.blockNumber);
    expect(snapshot.blockHash).toBe(block?.hash?.toLowerCase());
    expect(snapshot.blockNumber).toBeLessThan(await devnet.provider.getBlockNumber());

    // A crash (SIGKILL), as in worker-crash.test.ts: the snapshot on disk is all that survives.
    const worker = world.worker();
    const exited = new Promise<void>((resolve) => worker.child.once('exit', () => resolve()));
    worker.kill();
    await exited;
    world.restartWorker();

    const loaded = await waitForLine('SSV index snapshot loaded; scanning from the block after it');
    expect(loaded.blockNumber).toEqual(expect.any(Number));
    expect(loaded.blockNumber as number).toBeGreaterThanOrEqual(snapshot.blockNumber);
    expect(
      linesWith(world.worker().output(), 'No SSV index snapshot; scanning from the first block'),
    ).toEqual([]);
  });
});
