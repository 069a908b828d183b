/**
 * A devnet (chain, simulators, Temporal dev server) with the dvt-router worker as its own process,
 * as `npm run devnet` runs it, for the onboarding figures; plus a block clock that notes the wall
 * time at which each block was first seen (Hardhat's block timestamps advance by at least 1 s per
 * block, so under automine they run ahead of the wall clock and cannot time a run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Contract, type TransactionResponse } from 'ethers';
import {
  prepareRouterFiles,
  startRouterProcess,
  type RouterProcess,
} from '../devnet/router-process.js';
import { DEVNET_ACCOUNTS, startDevnet, type Devnet } from '../devnet/world.js';
import { workflowIds } from '../workflows/definitions.js';

const PUBKEY_LIMIT = 100_000n;

export interface BenchWorld {
  devnet: Devnet;
  client: Client;
  worker: RouterProcess;
  clock: BlockClock;
  /** Updates the pool monitor Schedule so lifecycles it starts from now on batch (or not). */
  setBatching(enabled: boolean): Promise<void>;
  stop(): Promise<void>;
}

export interface BlockClock {
  /** Wall time (ms since epoch) the block was first seen; undefined if not seen yet. */
  seenAt(block: number): number | undefined;
  /** Highest block seen. */
  head(): number;
  stop(): void;
}

/** Polls the block number every `intervalMs` and notes when each new block appeared. */
export function startBlockClock(devnet: Devnet, intervalMs = 100): BlockClock {
  const seen = new Map<number, number>();
  let head = -1;
  let stopped = false;
  const poll = async (): Promise<void> => {
    while (!stopped) {
      try {
        const block = await devnet.provider.getBlockNumber();
        const now = Date.now();
        for (let b = head + 1; b <= block; b++) seen.set(b, now);
        head = Math.max(head, block);
      } catch {
        // the node is stopping
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  void poll();
  return {
    seenAt: (block) => seen.get(block),
    head: () => head,
    stop: () => {
      stopped = true;
    },
  };
}

async function waitReady(worker: RouterProcess, timeoutMs: number): Promise<void> {
  const base = (worker.metricsUrl ?? '').replace(/\/metrics$/, '');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (worker.child.exitCode !== null) {
      throw new Error(`worker exited at start:\n${worker.output().slice(-3000)}`);
    }
    try {
      const response = await fetch(`${base}/readyz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`worker not ready after ${timeoutMs} ms:\n${worker.output().slice(-3000)}`);
}

/**
 * Starts a devnet (depositors idle, the super node's pubkey limit raised) and the worker with
 * `env`; with `batching: false` the pool monitor's Schedule is updated to start lifecycles with
 * `batching: false` (the worker's own settings always batch; see bench/README.md).
 */
export async function startBenchWorld(options: {
  env: Record<string, string>;
  batching: boolean;
  register: (stop: () => Promise<void>) => void;
}): Promise<BenchWorld> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dvt-bench-'));
  const devnet = await startDevnet({ depositIntervalMs: 0 });
  let worker: RouterProcess | null = null;
  let connection: Connection | null = null;
  let clock: BlockClock | null = null;
  const stop = async (): Promise<void> => {
    clock?.stop();
    await worker?.stop().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await devnet.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  options.register(stop);
  // The devnet pool allows a super node 50 pubkeys in its lifetime (StaFi's contract default);
  // the runs need more. The deployer account owns the pool's settings.
  const settings = new Contract(
    devnet.state.contracts.networkSettings,
    ['function setSuperNodePubkeyLimit(uint256 _value)'],
    devnet.wallet(DEVNET_ACCOUNTS.deployer),
  );
  const raise = (await settings.getFunction('setSuperNodePubkeyLimit')(
    PUBKEY_LIMIT,
  )) as TransactionResponse;
  await raise.wait();
  const files = await prepareRouterFiles(devnet, dir, { scryptN: 1024, env: options.env });
  worker = startRouterProcess(files.env);
  await waitReady(worker, 120_000);
  connection = await Connection.connect({ address: devnet.state.temporalAddress ?? '' });
  const client = new Client({ connection });
  const setBatching = async (enabled: boolean): Promise<void> => {
    const handle = client.schedule.getHandle(
      workflowIds.poolMonitorSchedule(devnet.state.contracts.storage),
    );
    await handle.update((previous) => {
      const action = previous.action as typeof previous.action & { args?: unknown[] };
      const [input] = (action.args ?? []) as [{ lifecycleSettings: Record<string, unknown> }];
      return {
        ...previous,
        action: {
          ...action,
          args: [
            { ...input, lifecycleSettings: { ...input.lifecycleSettings, batching: enabled } },
          ],
        },
      };
    });
    const check = await handle.describe();
    const args = (check.action as { args?: { lifecycleSettings?: { batching?: boolean } }[] }).args;
    if (args?.[0]?.lifecycleSettings?.batching !== enabled) {
      throw new Error(`could not set batching ${enabled} in the pool monitor Schedule`);
    }
  };
  if (!options.batching) await setBatching(false);
  clock = startBlockClock(devnet);
  return { devnet, client, worker, clock, setBatching, stop };
}
