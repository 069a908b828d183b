/**
 * The world the chaos suite drives: the devnet (without its own Temporal server), a Temporal dev
 * server persisted to a SQLite file on a fixed 127.0.0.1 port so it can be stopped and started
 * again at the same address, a fault-injecting JSON-RPC proxy that every worker talks to instead
 * of the node, and one or more worker processes that can be SIGKILLed and restarted.
 *
 * `stop()` stops everything, and is safe to call after a failure or twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Mnemonic } from 'ethers';
import { randomBytes } from 'node:crypto';
import { startFaultyRpcProxy, type FaultyRpcProxy } from '../../devnet/faulty-rpc-proxy.js';
import { freePort } from '../../devnet/ports.js';
import {
  prepareRouterFiles,
  startRouterProcess,
  type RouterFiles,
  type RouterProcess,
} from '../../devnet/router-process.js';
import {
  startTemporalDevServer,
  type TemporalDevServer,
} from '../../devnet/temporal-dev-server.js';
import { startDevnet, type Devnet } from '../../devnet/world.js';
import { startSlowRpc, type SlowRpc } from './slow-rpc.js';

export interface ChaosWorldOptions {
  /** Extra DVT_* settings of every worker. */
  env?: Record<string, string>;
  /** Interval mining of the node; default 1000 ms. */
  blockIntervalMs?: number;
  /** Blocks the devnet's simulators stay behind the head (DevnetOptions.followBlocks). */
  followBlocks?: number;
}

export interface ChaosWorld {
  devnet: Devnet;
  files: RouterFiles;
  client: Client;
  /** Fault layer next to the node: errors, dropped responses (devnet/faulty-rpc-proxy.ts). */
  proxy: FaultyRpcProxy;
  /** Fault layer the workers talk to: slow methods and stalls; forwards to `proxy`. */
  slowRpc: SlowRpc;
  /** The validator mnemonic (the secret scan looks for it). */
  mnemonic: string;
  /** Worker processes currently meant to be running (slot → process). */
  workers(): RouterProcess[];
  /** Starts a worker in a new slot (several workers poll the same task queue). */
  addWorker(): Promise<RouterProcess>;
  /** SIGKILLs the worker in `slot` (default 0), waits for its exit, starts a fresh one there. */
  killAndRestart(slot?: number): Promise<void>;
  /** Stops the Temporal server (SIGTERM) and starts it again on the same port and file. */
  restartTemporal(): Promise<void>;
  /** Every worker's output so far (crashed ones included). */
  allOutput(): string;
  /** Worker processes that exited on their own (not killed or stopped by the harness). */
  unexpectedExits(): string[];
  stop(): Promise<void>;
}

export async function startChaosWorld(options: ChaosWorldOptions = {}): Promise<ChaosWorld> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dvt-chaos-'));
  const dbFile = path.join(dir, 'temporal.db');
  const temporalPort = await freePort();
  const temporalUiPort = await freePort();
  const temporalOptions = { port: temporalPort, uiPort: temporalUiPort, dbFile };
  const stops: (() => Promise<void>)[] = [];
  let temporal: TemporalDevServer | null = null;
  const all: RouterProcess[] = [];
  const slots: RouterProcess[] = [];
  const intentional = new Set<RouterProcess>();
  const unexpected: string[] = [];

  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => {
        console.error('chaos world stop failed:', error instanceof Error ? error.message : error);
      });
    }
    stops.length = 0;
  };

  try {
    const devnet = await startDevnet({
      temporal: false,
      depositIntervalMs: 0,
      followBlocks: options.followBlocks ?? 0,
      ...(options.blockIntervalMs === undefined
        ? {}
        : { blockIntervalMs: options.blockIntervalMs }),
    });
    stops.push(() => devnet.stop());
    temporal = await startTemporalDevServer(temporalOptions);
    stops.push(async () => {
      await temporal?.stop();
    });
    devnet.state.temporalAddress = temporal.address;
    devnet.state.temporalNamespace = temporal.namespace;
    devnet.state.temporalUiUrl = temporal.uiUrl;

    const proxy = await startFaultyRpcProxy(devnet.state.executionRpcUrl);
    stops.push(() => proxy.stop());
    const slowRpc = await startSlowRpc(proxy.url);
    stops.push(() => slowRpc.stop());

    const mnemonic = Mnemonic.fromEntropy(randomBytes(16)).phrase;
    const files = await prepareRouterFiles(devnet, path.join(dir, 'router'), {
      mnemonic,
      scryptN: 1024,
      env: { DVT_EXECUTION_RPC_URL: slowRpc.url, ...options.env },
    });
    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const client = new Client({ connection });

    const spawnWorker = async (): Promise<RouterProcess> => {
      // Each worker process needs its own metrics port.
      const worker = startRouterProcess({
        ...files.env,
        DVT_METRICS_PORT: String(await freePort()),
      });
      all.push(worker);
      worker.child.once('exit', (code, signal) => {
        if (!intentional.has(worker)) {
          unexpected.push(
            `worker pid ${worker.child.pid ?? '?'} exited by itself (code ${code}, signal ${signal}): ${worker.output().slice(-1500)}`,
          );
        }
      });
      return worker;
    };
    const stopWorkers = async (): Promise<void> => {
      for (const worker of slots) {
        intentional.add(worker);
        await worker.stop();
      }
    };
    stops.push(stopWorkers);
    slots.push(await spawnWorker());

    const world: ChaosWorld = {
      devnet,
      files,
      client,
      proxy,
      slowRpc,
      mnemonic,
      workers: () => [...slots],
      async addWorker() {
        const worker = await spawnWorker();
        slots.push(worker);
        return worker;
      },
      async killAndRestart(slot = 0) {
        const worker = slots[slot];
        if (!worker) throw new Error(`no worker in slot ${slot}`);
        intentional.add(worker);
        if (worker.child.exitCode === null && worker.child.signalCode === null) {
          const exited = new Promise<void>((resolve) => worker.child.once('exit', () => resolve()));
          worker.kill();
          await exited;
        }
        slots[slot] = await spawnWorker();
      },
      async restartTemporal() {
        await temporal?.stop();
        temporal = await startTemporalDevServer(temporalOptions);
      },
      allOutput: () => all.map((p) => p.output()).join('\n'),
      unexpectedExits: () => [...unexpected],
      async stop() {
        await stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return world;
  } catch (error) {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
