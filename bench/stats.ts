/** Summaries of repeated measurements: every figure of the harness is one of these. */

/** A figure measured over several runs (or samples): median and spread, plus the raw values. */
export interface Summary {
  unit: string;
  median: number;
  min: number;
  max: number;
  /** 95th percentile (nearest rank); present for latency figures. */
  p95?: number;
  /** The raw values, in measurement order. */
  values: number[];
}

/** Rounds to `digits` significant decimals that still show the spread. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Median (mean of the middle pair for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile `p` (0–100). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** The summary of `values` in `unit`; `withP95` adds the 95th percentile. */
export function summarize(
  values: readonly number[],
  unit: string,
  options: { withP95?: boolean; digits?: number } = {},
): Summary {
  const digits = options.digits ?? 2;
  const finite = values.filter((v) => Number.isFinite(v));
  const summary: Summary = {
    unit,
    median: round(median(finite), digits),
    min: round(Math.min(...finite), digits),
    max: round(Math.max(...finite), digits),
    values: values.map((v) => round(v, digits)),
  };
  if (options.withP95) summary.p95 = round(percentile(finite, 95), digits);
  return summary;
}

/** `median (min–max)` for tables. */
export function formatSummary(summary: Summary | undefined): string {
  if (!summary) return 'n/a';
  const spread = summary.min === summary.max ? '' : ` (${summary.min}–${summary.max})`;
  return `${summary.median}${spread}`;
}
