/**
 * Renders results.json as the readable RESULTS.md. `npx tsx bench/report.ts <results.json>`
 * re-renders RESULTS.md beside it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { formatSummary, type Summary } from './stats.js';
import type { BenchResults } from './results.js';

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

const f = (s: Summary | undefined): string => formatSummary(s);

export function renderResults(r: BenchResults): string {
  const m = r.machine;
  const fig = r.figures;
  const out: string[] = [];
  out.push(`# Benchmark results${r.quick ? ' (quick run)' : ''}`);
  out.push('');
  out.push(
    `Measured by \`${r.command}\` on ${r.date} at commit \`${r.commit}\`, in ${Math.round(
      r.durationSeconds,
    )} s. Every figure is the median of the runs (or samples) with the spread (min–max) in brackets; the raw values are in \`${r.resultsFile}\`. See bench/README.md for how each is measured.`,
  );
  out.push('');
  out.push(
    table(
      ['Machine', ''],
      [
        ['CPU', `${m.cpuModel}, ${m.cores} cores`],
        ['Memory', `${m.memoryGiB} GiB`],
        ['Node', m.node],
        ['Platform', m.platform],
        [
          'Load (1-min average) at start / end',
          `${m.loadAverageAtStart} / ${m.loadAverageAtEnd ?? 'n/a'} — ${
            m.loadAverageAtStart >= 1
              ? 'other jobs were running at the start; wall-clock figures are pessimistic'
              : 'nothing else was running at the start'
          }; the end figure includes the benchmark's own processes`,
        ],
      ],
    ),
  );
  out.push('');

  const o = fig.onboarding;
  out.push('## 1. Onboarding throughput (devnet)');
  out.push('');
  out.push(
    `The pool is funded for N validators in one depositor transaction (N × 32 ETH + ${o.reserveEth} ETH reserve); figures run until the chain shows all N registered on SSV and staked. Pool monitor Schedule every ${o.poolMonitorIntervalSeconds} s, batching on. ${o.worlds}`,
  );
  out.push('');
  out.push(
    table(
      [
        'N',
        'runs',
        'validators/min (first router deposit → last stake/registration)',
        'validators/min (funding tx → last)',
        'seconds (funding → last)',
      ],
      o.sizes.map((s) => [
        String(s.validators),
        String(s.runs),
        f(s.validatorsPerMinute),
        f(s.validatorsPerMinuteFromFunding),
        f(s.secondsFromFunding),
      ]),
    ),
  );
  out.push('');

  const l = fig.reactionLatency;
  out.push('## 2. Reaction latency');
  out.push('');
  out.push(l.method);
  out.push('');
  out.push(
    table(
      ['samples', 'median s', 'p95 s', 'min–max s'],
      [
        [
          String(l.seconds.values.length),
          String(l.seconds.median),
          String(l.seconds.p95 ?? 'n/a'),
          `${l.seconds.min}–${l.seconds.max}`,
        ],
      ],
    ),
  );
  out.push('');

  const t = fig.txPerValidator;
  out.push('## 3. Transactions and devnet gas per validator');
  out.push('');
  out.push(
    `Router transactions by kind divided by N (batching on: N = ${t.on.validators}, ${t.on.runs} runs; batching off: N = ${t.off.validators}, ${t.off.runs} runs); gas is "devnet gas": what our devnet contracts use, not mainnet's.`,
  );
  out.push('');
  const kinds = ['deposit', 'register', 'stake', 'clusterFunding', 'other'] as const;
  out.push(
    table(
      [
        'kind',
        'tx/validator, batching on',
        'tx/validator, batching off',
        'devnet gas/validator, on',
        'devnet gas/validator, off',
      ],
      kinds.map((k) => [
        k,
        f(t.on[k]?.txsPerValidator),
        f(t.off[k]?.txsPerValidator),
        f(t.on[k]?.devnetGasPerValidator),
        f(t.off[k]?.devnetGasPerValidator),
      ]),
    ),
  );
  out.push('');
  out.push(
    `Throughput: batching off ${f(t.off.validatorsPerMinute)} validators/min at N = ${t.off.validators}; batching on ${f(t.on.validatorsPerMinute)} at N = ${t.on.validators}. ${t.switchNote}`,
  );
  out.push('');

  const c = fig.crypto;
  out.push('## 4. Crypto rates (keys activities, one core)');
  out.push('');
  out.push(
    table(
      ['operation', 'per CPU-second (per core)', 'per wall second'],
      [
        [
          'shares payload, 4 operators',
          f(c.sharesPayload4.perCpuSecond),
          f(c.sharesPayload4.perWallSecond),
        ],
        [
          'shares payload, 13 operators',
          f(c.sharesPayload13.perCpuSecond),
          f(c.sharesPayload13.perWallSecond),
        ],
        [
          'key derivation (EIP-2333)',
          f(c.keyDerivation.perCpuSecond),
          f(c.keyDerivation.perWallSecond),
        ],
        ['deposit signing', f(c.depositSigning.perCpuSecond), f(c.depositSigning.perWallSecond)],
      ],
    ),
  );
  out.push('');

  const s = fig.scale;
  out.push(`## 5. Scale: ${s.workflows.toLocaleString('en')} lifecycles idle in \`active\``);
  out.push('');
  out.push(`How they were made: ${s.method}.`);
  out.push('');
  out.push(
    `Started at ${s.startRatePerSecond} workflows/s; all ${s.workflows} active (visibility) after ${s.secondsToAllActive} s.`,
  );
  out.push('');
  out.push(
    table(
      ['figure', 'median (min–max)'],
      [
        ['worker RSS, idle', `${f(s.idle.workerRssMiB)} MiB`],
        ['worker CPU, idle', `${f(s.idle.workerCpuPercent)} % of a core`],
        ['Temporal dev server RSS, idle', `${f(s.idle.temporalRssMiB)} MiB`],
        ['Temporal dev server CPU, idle', `${f(s.idle.temporalCpuPercent)} % of a core`],
        [
          'crash → resumed: new worker spawned → all lifecycles handled a signal',
          `${f(s.crash.resumeSeconds)} s`,
        ],
        ['of which worker start (bundle, connect)', `${f(s.crash.workerStartSeconds)} s`],
        ['worker polling → all handled the signal', `${f(s.crash.resumeAfterReadySeconds)} s`],
        ['lifecycles resumed per second', f(s.crash.resumedPerSecond)],
        ['worker RSS after resuming all', `${f(s.crash.workerRssAfterResumeMiB)} MiB`],
        [
          'signals sent while the worker was down (client, 128 in flight)',
          `${f(s.crash.signalsPerSecond)} /s`,
        ],
      ],
    ),
  );
  out.push('');
  out.push(
    `Idle figures are ${s.idle.workerRssMiB.values.length} one-second samples; crash figures are ${s.crash.resumeSeconds.values.length} crash rounds.`,
  );
  out.push('');

  const ci = fig.clusterIndex;
  out.push('## 6. Cluster index sync');
  out.push('');
  out.push(
    `${ci.events.toLocaleString('en')} SSVNetwork events (${Object.entries(ci.eventMix)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}; ${ci.validatorsAtEnd} validators at the end). ${ci.method}`,
  );
  out.push('');
  out.push(
    table(
      ['path', 'events/s'],
      [
        ['decode + fold (makeClusterIndexSync over the logs)', f(ci.syncEventsPerSecond)],
        ['fold only (foldClusterEvents)', f(ci.foldEventsPerSecond)],
      ],
    ),
  );
  out.push('');

  const b = fig.baseline;
  out.push('## 7. Baseline: design-rate comparison with StaFi eth-ssv-client');
  out.push('');
  out.push(
    `A design-rate comparison, not a measurement of StaFi's router: eth-ssv-client registers at most one validator on SSV per 60-second round (${b.designValidatorsPerMinute} validator/min) and deposits at most ${b.designDepositsPerBatch} keys per batch. Ours, from the largest N with batching on:`,
  );
  out.push('');
  out.push(
    table(
      ['figure', 'ours', 'design rate', 'ratio'],
      [
        [
          'validators onboarded per minute',
          String(b.ourValidatorsPerMinute),
          String(b.designValidatorsPerMinute),
          `${b.throughputRatio}×`,
        ],
        [
          'validators per SSV registration tx',
          String(b.ourValidatorsPerRegistrationTx),
          '1',
          `${b.registrationBatchRatio}×`,
        ],
        [
          'validators per deposit tx',
          String(b.ourValidatorsPerDepositTx),
          String(b.designDepositsPerBatch),
          `${b.depositBatchRatio}×`,
        ],
      ],
    ),
  );
  out.push('');
  if (r.uncaughtErrors > 0) {
    out.push(
      `The harness survived ${r.uncaughtErrors} uncaught error(s) of the devnet simulators it hosts (see bench/main.ts).`,
    );
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** Writes `text` to `file` formatted as `npm run lint` (prettier --check .) expects. */
export async function writeFormatted(file: string, text: string): Promise<void> {
  const style = (await resolveConfig(file)) ?? {};
  writeFileSync(file, await format(text, { ...style, filepath: file }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = path.resolve(process.argv[2] ?? 'bench/results.json');
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  const md = path.join(path.dirname(file), results.quick ? 'RESULTS.quick.md' : 'RESULTS.md');
  await writeFormatted(md, renderResults(results));
  console.log(`wrote ${md}`);
}
