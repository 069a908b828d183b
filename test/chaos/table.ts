/** The one table the chaos harness prints (plain text, also pasted into docs/reliability.md). */
import type { Profile, ScenarioFigures } from './scenario.js';

const HEADERS = [
  'scenario',
  'kills',
  'restarts',
  'faults injected',
  'bad inputs',
  'onboarded',
  'duplicates',
  'lost',
  'secrets',
  'wall s',
  'verdict',
];

export function formatTable(
  rows: readonly ScenarioFigures[],
  run: { profile: Profile; seed: number; wallSeconds: number },
): string {
  const cells = rows.map((r) => [
    r.scenario,
    String(r.kills),
    String(r.restarts),
    Object.entries(r.faults)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ') || '–',
    String(r.badInputs),
    String(r.onboarded),
    String(r.duplicates),
    String(r.lost),
    String(r.secretsFound),
    String(r.wallSeconds),
    r.violations.length === 0 ? 'ok' : `FAIL (${r.violations.length})`,
  ]);
  const sum = (pick: (r: ScenarioFigures) => number): string =>
    String(rows.reduce((n, r) => n + pick(r), 0));
  const faults = rows.reduce((n, r) => n + Object.values(r.faults).reduce((a, b) => a + b, 0), 0);
  cells.push([
    'total',
    sum((r) => r.kills),
    sum((r) => r.restarts),
    String(faults),
    sum((r) => r.badInputs),
    sum((r) => r.onboarded),
    sum((r) => r.duplicates),
    sum((r) => r.lost),
    sum((r) => r.secretsFound),
    String(Math.round(run.wallSeconds)),
    rows.every((r) => r.violations.length === 0) ? 'ok' : 'FAIL',
  ]);
  const widths = HEADERS.map((h, i) =>
    Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)),
  );
  const line = (values: readonly string[]): string =>
    `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const notes = rows.flatMap((r) => r.notes.map((n) => `- ${r.scenario}: ${n}`));
  return [
    `dvt-router chaos, profile ${run.profile}, seed ${run.seed}`,
    '',
    line(HEADERS),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.map(line),
    '',
    ...notes,
  ].join('\n');
}
