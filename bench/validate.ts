/**
 * `validateResults(json)`: the results file is well formed — every required figure is present
 * and a finite number (summaries: median, min, max and every value). Returns the problems found;
 * an empty list means valid. Checks shape only, never speed.
 */

/** Paths (dot-separated) of the summaries every results file must have. */
export const REQUIRED_SUMMARIES: readonly string[] = [
  'figures.reactionLatency.seconds',
  'figures.crypto.sharesPayload4.perCpuSecond',
  'figures.crypto.sharesPayload4.perWallSecond',
  'figures.crypto.sharesPayload13.perCpuSecond',
  'figures.crypto.sharesPayload13.perWallSecond',
  'figures.crypto.keyDerivation.perCpuSecond',
  'figures.crypto.depositSigning.perCpuSecond',
  'figures.scale.idle.workerRssMiB',
  'figures.scale.idle.workerCpuPercent',
  'figures.scale.idle.temporalRssMiB',
  'figures.scale.idle.temporalCpuPercent',
  'figures.scale.crash.resumeSeconds',
  'figures.scale.crash.resumeAfterReadySeconds',
  'figures.scale.crash.workerStartSeconds',
  'figures.clusterIndex.syncEventsPerSecond',
  'figures.clusterIndex.foldEventsPerSecond',
];

/** Summaries required for each onboarding size and for each batching mode. */
const ONBOARDING_SUMMARIES = ['validatorsPerMinute', 'validatorsPerMinuteFromFunding'];
const KINDS = ['deposit', 'register', 'stake'];
const BASELINE_NUMBERS = [
  'throughputRatio',
  'registrationBatchRatio',
  'depositBatchRatio',
  'designValidatorsPerMinute',
];

function at(json: unknown, path: string): unknown {
  let value = json;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const finite = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function checkSummary(json: unknown, path: string, problems: string[]): void {
  const summary = at(json, path);
  if (summary === null || typeof summary !== 'object') {
    problems.push(`${path}: missing`);
    return;
  }
  const s = summary as Record<string, unknown>;
  for (const key of ['median', 'min', 'max']) {
    if (!finite(s[key])) problems.push(`${path}.${key}: not a finite number (${String(s[key])})`);
  }
  const values = s.values;
  if (!Array.isArray(values) || values.length === 0) {
    problems.push(`${path}.values: missing or empty`);
  } else if (!values.every(finite)) {
    problems.push(`${path}.values: contains a value that is not a finite number`);
  }
}

function checkNumber(json: unknown, path: string, problems: string[]): void {
  const value = at(json, path);
  if (!finite(value)) problems.push(`${path}: not a finite number (${String(value)})`);
}

/** The problems of a results object (parsed JSON); empty when it is complete and well formed. */
export function validateResults(json: unknown): string[] {
  const problems: string[] = [];
  for (const path of ['machine.cpuModel', 'machine.node', 'commit', 'command', 'date']) {
    if (typeof at(json, path) !== 'string' || at(json, path) === '') {
      problems.push(`${path}: missing`);
    }
  }
  for (const path of ['machine.cores', 'machine.memoryGiB', 'durationSeconds']) {
    checkNumber(json, path, problems);
  }
  for (const path of REQUIRED_SUMMARIES) checkSummary(json, path, problems);

  const sizes = at(json, 'figures.onboarding.sizes');
  if (!Array.isArray(sizes) || sizes.length === 0) {
    problems.push('figures.onboarding.sizes: missing or empty');
  } else {
    sizes.forEach((_, i) => {
      checkNumber(json, `figures.onboarding.sizes.${i}.validators`, problems);
      for (const key of ONBOARDING_SUMMARIES) {
        checkSummary(json, `figures.onboarding.sizes.${i}.${key}`, problems);
      }
    });
  }
  for (const mode of ['on', 'off']) {
    checkNumber(json, `figures.txPerValidator.${mode}.validators`, problems);
    for (const kind of KINDS) {
      checkSummary(json, `figures.txPerValidator.${mode}.${kind}.txsPerValidator`, problems);
      checkSummary(json, `figures.txPerValidator.${mode}.${kind}.devnetGasPerValidator`, problems);
    }
  }
  for (const key of BASELINE_NUMBERS) checkNumber(json, `figures.baseline.${key}`, problems);
  checkNumber(json, 'figures.scale.workflows', problems);
  checkNumber(json, 'figures.clusterIndex.events', problems);
  return problems;
}
