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
import { freePort } from '../devnet/ports.js';

const PUBKEY_LIMIT = 100_000n;

export interface BenchWorld {
  devnet: Devnet;
  client: Client;
  /** The worker process running now (setBatching replaces it). */
  worker(): RouterProcess;
  clock: BlockClock;
  /**
   * Restarts the worker with `DVT_BATCHING` set, as an operator would; the worker's start-up
   * updates the pool monitor Schedule, so lifecycles it starts from then on batch (or not).
   */
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
 * `env` and `DVT_BATCHING` from `batching`.
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
  const files = await prepareRouterFiles(devnet, dir, {
    scryptN: 1024,
    env: { ...options.env, DVT_BATCHING: String(options.batching) },
  });
  worker = startRouterProcess(files.env);
  await waitReady(worker, 120_000);
  connection = await Connection.connect({ address: devnet.state.temporalAddress ?? '' });
  const client = new Client({ connection });
  const setBatching = async (enabled: boolean): Promise<void> => {
    await worker?.stop();
    // A fresh metrics port: the old one may not be free again yet when the new worker starts.
    worker = startRouterProcess({
      ...files.env,
      DVT_BATCHING: String(enabled),
      DVT_METRICS_PORT: String(await freePort()),
    });
    await waitReady(worker, 120_000);
    const schedule = await client.schedule
      .getHandle(workflowIds.poolMonitorSchedule(devnet.state.contracts.storage))
      .describe();
    const args = (schedule.action as { args?: { lifecycleSettings?: { batching?: boolean } }[] })
      .args;
    if (args?.[0]?.lifecycleSettings?.batching !== enabled) {
      throw new Error(`the restarted worker did not set batching ${enabled} in its Schedule`);
    }
  };
  clock = startBlockClock(devnet);
  return {
    devnet,
    client,
    worker: () => worker as RouterProcess,
    clock,
    setBatching,
    stop,
  };
}
