/**
 * Bench-only worker process for the scale figure: the real workflows (workflows/index.ts, bundled
 * at start as the production worker does) with the worker's default options, and stubbed
 * activities — lifecycles are started directly in `active`, where the only activity is the
 * periodic beacon check, answered `active_ongoing` here. Prints `READY` once polling, then
 * `SIGNALLED <n>` whenever the number of distinct workflows that handled a signal in this process
 * grew (at most every 100 ms).
 * Env: BENCH_TEMPORAL_ADDRESS, BENCH_TASK_QUEUE.
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

const address = process.env.BENCH_TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const taskQueue = process.env.BENCH_TASK_QUEUE ?? 'bench-scale';

Runtime.install({ logger: new DefaultLogger('WARN') });

// Any other activity is unregistered: a lifecycle that left `active` would show it failing.
const activities = {
  readValidatorOnBeacon: () =>
    Promise.resolve({ found: true, index: '1', status: 'active_ongoing', exitEligible: true }),
};

const signalled = new Set<string>();
let reported = 0;

const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  taskQueue,
  workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
  interceptors: {
    workflowModules: [fileURLToPath(new URL('./interceptors.ts', import.meta.url))],
  },
  sinks: {
    bench: {
      signalled: {
        fn: (info) => {
          signalled.add(info.workflowId);
        },
        callDuringReplay: false,
      },
    },
  },
  activities,
  shutdownGraceTime: '30 seconds',
});
const timer = setInterval(() => {
  if (signalled.size !== reported) {
    reported = signalled.size;
    process.stdout.write(`SIGNALLED ${reported}\n`);
  }
}, 100);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => worker.shutdown());
process.stdout.write('READY\n');
await worker.run();
clearInterval(timer);
await connection.close();
