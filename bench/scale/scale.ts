/**
 * Figure 5 — scale: worker memory and Temporal dev server load with W lifecycles idle in
 * `active`, and the time a freshly started worker needs to resume them after a crash (SIGKILL).
 *
 * The lifecycles are the real `validatorLifecycle` workflow, started through the client with a
 * carried state of stage `active` (the continue-as-new input), on a task queue of a bench-only
 * worker process (bench/scale/worker.ts: real workflow bundle, default worker options, stubbed
 * activities). Idle means each waits on its `requestExit`/`migrate` condition with a one-hour
 * beacon-check timer (the mainnet setting). Each crash round: SIGKILL the worker, send every
 * lifecycle a `pause` signal while it is down, start a new worker process and time until every
 * lifecycle has handled that signal (full history replay into an empty cache).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { spawnSupervised, stopChild } from '../../devnet/child-process.js';
import {
  startTemporalDevServer,
  type TemporalDevServer,
} from '../../devnet/temporal-dev-server.js';
import type { LifecycleInput } from '../../workflows/validator-lifecycle.js';
import { findProcesses, processTree, sampleUsage, usage } from '../machine.js';
import { summarize, type Summary } from '../stats.js';

const TASK_QUEUE = 'bench-scale';
const POOL = '0x00000000000000000000000000000000000b3c4e';
const OWNER = '0x00000000000000000000000000000000000000aa';
const WORKER_PATH = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface ScaleResults {
  workflows: number;
  method: string;
  /** Lifecycles started per second through the client (until all were active). */
  startRatePerSecond: number;
  secondsToAllActive: number;
  idle: {
    workerRssMiB: Summary;
    workerCpuPercent: Summary;
    temporalRssMiB: Summary;
    temporalCpuPercent: Summary;
  };
  crash: {
    /** Spawn of the new worker process → every lifecycle handled the signal, seconds. */
    resumeSeconds: Summary;
    /** Worker polling (bundle built, connected) → every lifecycle handled the signal, seconds. */
    resumeAfterReadySeconds: Summary;
    workerStartSeconds: Summary;
    /** Lifecycles replayed and signalled per second by the new worker (from ready). */
    resumedPerSecond: Summary;
    workerRssAfterResumeMiB: Summary;
    /** Signals sent per second to the lifecycles while the worker was down (client, 128 at once). */
    signalsPerSecond: Summary;
  };
}

interface ScaleWorker {
  child: ChildProcess;
  spawnedAt: number;
  readyAt: Promise<number>;
  signalled(): number;
  whenSignalled(count: number, timeoutMs: number): Promise<number>;
  pids(): number[];
}

function startScaleWorker(address: string): ScaleWorker {
  const spawnedAt = performance.now();
  const child = spawnSupervised(process.execPath, ['--import', 'tsx', WORKER_PATH], {
    env: { ...process.env, BENCH_TEMPORAL_ADDRESS: address, BENCH_TASK_QUEUE: TASK_QUEUE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let count = 0;
  let output = '';
  const waiters: { count: number; resolve: (at: number) => void }[] = [];
  let resolveReady: (at: number) => void = () => undefined;
  let rejectReady: (error: Error) => void = () => undefined;
  const readyAt = new Promise<number>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'READY') resolveReady(performance.now());
      const match = /^SIGNALLED (\d+)$/.exec(line);
      if (match) {
        count = Number(match[1]);
        const now = performance.now();
        for (const waiter of waiters.filter((w) => count >= w.count)) waiter.resolve(now);
      }
    }
  });
  child.on('exit', () => rejectReady(new Error(`scale worker exited:\n${output}`)));
  return {
    child,
    spawnedAt,
    readyAt,
    signalled: () => count,
    whenSignalled: (target, timeoutMs) =>
      new Promise<number>((resolve, reject) => {
        if (count >= target) {
          resolve(performance.now());
          return;
        }
        const timer = setTimeout(
          () => reject(new Error(`only ${count} of ${target} lifecycles resumed in time`)),
          timeoutMs,
        );
        waiters.push({
          count: target,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        });
      }),
    // The supervisor's descendants: the worker's node process (and nothing else).
    pids: () => (child.pid === undefined ? [] : processTree(child.pid).slice(1)),
  };
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

function lifecycleInput(keyIndex: number): LifecycleInput {
  const at = new Date().toISOString();
  return {
    pool: POOL,
    keyIndex,
    owner: OWNER,
    settings: {
      batching: true,
      credentialsPoll: { initialMs: 60_000, maxMs: 3_600_000 },
      activationPoll: { initialMs: 60_000, maxMs: 1_800_000 },
      retry: { initialMs: 30_000, maxMs: 1_800_000 },
      exitPath: 'ssv',
      migrationCoolDownMs: 1_152_000,
      activeCheckMs: 3_600_000,
      continueAsNewAfterEvents: 2_000,
      batchResultTimeoutMs: 1_800_000,
    },
    carried: {
      state: { stage: 'active' },
      pubkey: `0x${keyIndex.toString(16).padStart(96, 'a')}`,
      operatorIds: [1, 2, 3, 4],
      clusterId: `${OWNER}-1-2-3-4`,
      clusterGeneration: 0,
      avoidOperatorIds: [],
      validatorIndex: String(keyIndex),
      exitRequest: null,
      migration: null,
      paused: null,
      resumes: 0,
      history: [{ stage: 'active', at }],
      writes: [],
    },
  };
}

async function stopWorker(worker: ScaleWorker | null): Promise<void> {
  if (worker) await stopChild(worker.child, 35_000);
}

/** Runs the scale figure; `register` receives a stop function for cleanup on failure. */
export async function measureScale(options: {
  workflows: number;
  idleSeconds: number;
  crashRounds: number;
  timeoutMs: number;
  register: (stop: () => Promise<void>) => void;
  log: (message: string) => void;
}): Promise<ScaleResults> {
  const w = options.workflows;
  let server: TemporalDevServer | null = null;
  let worker: ScaleWorker | null = null;
  let connection: Connection | null = null;
  options.register(async () => {
    await stopWorker(worker);
    await connection?.close().catch(() => undefined);
    await server?.stop();
  });
  server = await startTemporalDevServer();
  const port = server.address.split(':').pop() ?? '';
  const temporalPids = (): number[] =>
    findProcesses(['start-dev', `--port\u0020${port}`]).filter(
      (pid) => !findProcesses(['supervise.cjs']).includes(pid),
    );
  if (temporalPids().length === 0) throw new Error('cannot find the Temporal dev server process');
  connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });

  worker = startScaleWorker(server.address);
  await worker.readyAt;

  options.log(`scale: starting ${w} lifecycles in active`);
  const started = performance.now();
  const ids = Array.from({ length: w }, (_, i) => i);
  await pool(ids, 32, async (keyIndex) => {
    await client.workflow.start('validatorLifecycle', {
      taskQueue: TASK_QUEUE,
      workflowId: `validator/${POOL}/${keyIndex}`,
      args: [lifecycleInput(keyIndex)],
    });
  });
  const startRatePerSecond = w / ((performance.now() - started) / 1000);
  const query = `WorkflowType = 'validatorLifecycle' AND DvtStage = 'active' AND ExecutionStatus = 'Running'`;
  const deadline = Date.now() + options.timeoutMs;
  while ((await client.workflow.count(query)).count < w) {
    if (Date.now() > deadline) throw new Error('lifecycles did not all reach active in time');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const secondsToAllActive = (performance.now() - started) / 1000;

  options.log(`scale: idle for ${options.idleSeconds} s`);
  const current = worker;
  const [workerIdle, temporalIdle] = await Promise.all([
    sampleUsage(() => current.pids(), options.idleSeconds * 1000, 1000),
    sampleUsage(temporalPids, options.idleSeconds * 1000, 1000),
  ]);

  const resume: number[] = [];
  const resumeAfterReady: number[] = [];
  const workerStart: number[] = [];
  const resumedPerSecond: number[] = [];
  const rssAfter: number[] = [];
  const signalsPerSecond: number[] = [];
  for (let round = 1; round <= options.crashRounds; round++) {
    options.log(`scale: crash round ${round}`);
    const dead = worker;
    const exited = new Promise<void>((resolve) => dead.child.once('exit', () => resolve()));
    dead.child.kill('SIGUSR2'); // the supervisor SIGKILLs the worker
    await exited;
    worker = null;
    const signalStart = performance.now();
    await pool(ids, 128, async (keyIndex) => {
      await client.workflow
        .getHandle(`validator/${POOL}/${keyIndex}`)
        .signal('pause', { reason: `bench crash round ${round}` });
    });
    signalsPerSecond.push(w / ((performance.now() - signalStart) / 1000));
    worker = startScaleWorker(server.address);
    const readyAt = await worker.readyAt;
    const doneAt = await worker.whenSignalled(w, options.timeoutMs);
    resume.push((doneAt - worker.spawnedAt) / 1000);
    resumeAfterReady.push((doneAt - readyAt) / 1000);
    workerStart.push((readyAt - worker.spawnedAt) / 1000);
    resumedPerSecond.push(w / ((doneAt - readyAt) / 1000));
    rssAfter.push(usage(worker.pids()).rssBytes / 2 ** 20);
  }
  await stopWorker(worker);
  worker = null;

  return {
    workflows: w,
    method:
      'real validatorLifecycle workflows started by the client with a carried state in stage active, on a bench-only worker (real workflow bundle, default worker options, stubbed activities)',
    startRatePerSecond: Math.round(startRatePerSecond),
    secondsToAllActive: Math.round(secondsToAllActive * 10) / 10,
    idle: {
      workerRssMiB: summarize(workerIdle.rssMiB, 'MiB', { digits: 0 }),
      workerCpuPercent: summarize(workerIdle.cpuPercent, '% of a core', { digits: 1 }),
      temporalRssMiB: summarize(temporalIdle.rssMiB, 'MiB', { digits: 0 }),
      temporalCpuPercent: summarize(temporalIdle.cpuPercent, '% of a core', { digits: 1 }),
    },
    crash: {
      resumeSeconds: summarize(resume, 's', { digits: 1 }),
      resumeAfterReadySeconds: summarize(resumeAfterReady, 's', { digits: 1 }),
      workerStartSeconds: summarize(workerStart, 's', { digits: 1 }),
      resumedPerSecond: summarize(resumedPerSecond, 'workflows/s', { digits: 0 }),
      workerRssAfterResumeMiB: summarize(rssAfter, 'MiB', { digits: 0 }),
      signalsPerSecond: summarize(signalsPerSecond, 'signals/s', { digits: 0 }),
    },
  };
}
