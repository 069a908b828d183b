/**
 * Picks the operators of the cluster a new validator joins. Order of preference:
 * 1. target operators (must be included, and must be eligible);
 * 2. an existing cluster of ours whose operators are all eligible with headroom — reuse keeps fees
 *    and cluster funding in one place;
 * 3. otherwise a greedy pick: a distinct owner first (same-owner operators fail together), then
 *    the highest score plus small bonuses for a new eth1/eth2 client and a new location (where
 *    known), then the lowest id.
 * The result is sorted ascending (as the contract requires) or a failure that says why, listing
 * every excluded operator.
 */
import type { ClusterSize, ClusterVersion } from '../ssv/cluster.js';
import { checkOperatorEligibility } from './eligibility.js';
import type { EligibilityPolicy, OperatorCandidate, OperatorEligibility } from './eligibility.js';
import { DEFAULT_SCORE_WEIGHTS, scoreOperator } from './scoring.js';
import type { ScoreWeights } from './scoring.js';

/** A cluster of ours the validator could join. */
export interface ExistingCluster {
  operatorIds: readonly number[];
  active: boolean;
  version: ClusterVersion;
}

/** Score bonuses for diversity beyond owners. */
export interface DiversityBonuses {
  /** Added per client (eth1, eth2) not yet in the selection; default 0.02. */
  newClient: number;
  /** Added for a location not yet in the selection; default 0.01. */
  newLocation: number;
}

/** Default diversity bonuses: clients weigh more than locations. */
export const DEFAULT_DIVERSITY_BONUSES: Readonly<DiversityBonuses> = Object.freeze({
  newClient: 0.02,
  newLocation: 0.01,
});

/** Parameters of {@link selectOperators}. */
export interface SelectOperatorsParameters {
  candidates: readonly OperatorCandidate[];
  clusterSize: ClusterSize;
  policy: EligibilityPolicy;
  weights?: ScoreWeights;
  diversity?: DiversityBonuses;
  /** Operators that must be in the cluster. */
  targetOperators?: readonly number[];
  /** Our clusters, to reuse first. */
  existingClusters?: readonly ExistingCluster[];
}

/** What {@link selectOperators} returns. */
export type SelectOperatorsReturnType =
  | {
      ok: true;
      /** Ascending operator ids. */
      operatorIds: number[];
      reusedCluster: boolean;
      /** Score of each chosen operator, by id. */
      scores: Record<number, number>;
      reasons: string[];
      excluded: OperatorEligibility[];
    }
  | { ok: false; reason: string; reasons: string[]; excluded: OperatorEligibility[] };

/** Selects a cluster's operators; deterministic for equal inputs (ties break by id). */
export function selectOperators(params: SelectOperatorsParameters): SelectOperatorsReturnType {
  const { clusterSize, policy } = params;
  const weights = params.weights ?? DEFAULT_SCORE_WEIGHTS;
  const bonuses = params.diversity ?? DEFAULT_DIVERSITY_BONUSES;
  const targets = [...new Set(params.targetOperators ?? [])].sort((a, b) => a - b);
  const candidates = [...params.candidates].sort((a, b) => a.id - b.id);
  const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  const verdicts = new Map(
    candidates.map((candidate) => [
      candidate.id,
      checkOperatorEligibility(candidate, policy, targets.includes(candidate.id)),
    ]),
  );
  const excluded = [...verdicts.values()].filter((verdict) => !verdict.eligible);
  const score = (id: number): number => {
    const candidate = byId.get(id);
    return candidate === undefined ? 0 : scoreOperator(candidate, policy.feeCap, weights);
  };
  const reasons: string[] = [];
  const fail = (reason: string): SelectOperatorsReturnType => ({
    ok: false,
    reason,
    reasons: [...reasons, reason],
    excluded,
  });

  // 1. Targets.
  if (targets.length > clusterSize) {
    return fail(`${targets.length} target operators do not fit a cluster of ${clusterSize}.`);
  }
  for (const id of targets) {
    const verdict = verdicts.get(id);
    if (verdict === undefined) return fail(`Target operator ${id} is unknown.`);
    if (!verdict.eligible) {
      return fail(
        `Target operator ${id} is not eligible: ${verdict.exclusions.map((e) => e.reason).join('; ')}.`,
      );
    }
  }
  if (targets.length > 0) reasons.push(`Target operators ${targets.join(', ')} are included.`);

  // 2. Reuse.
  const reusable: { ids: number[]; total: number }[] = [];
  for (const cluster of params.existingClusters ?? []) {
    const ids = [...cluster.operatorIds].sort((a, b) => a - b);
    const why = reuseObstacle(ids, cluster, clusterSize, targets, verdicts);
    if (why === null) {
      reusable.push({ ids, total: ids.reduce((sum, id) => sum + score(id), 0) });
    } else {
      reasons.push(`Existing cluster ${ids.join('-')} not reused: ${why}.`);
    }
  }
  reusable.sort((a, b) => b.total - a.total || compareIds(a.ids, b.ids));
  const best = reusable[0];
  if (best !== undefined) {
    reasons.push(
      `Reusing existing cluster ${best.ids.join('-')}: every operator is eligible with headroom.`,
    );
    return {
      ok: true,
      operatorIds: best.ids,
      reusedCluster: true,
      scores: Object.fromEntries(best.ids.map((id) => [id, score(id)])),
      reasons,
      excluded,
    };
  }

  // 3. Greedy pick.
  const selected: OperatorCandidate[] = targets.map((id) => byId.get(id) as OperatorCandidate);
  const pool = candidates.filter(
    (c) => verdicts.get(c.id)?.eligible === true && !targets.includes(c.id),
  );
  const needed = clusterSize - selected.length;
  if (pool.length < needed) {
    const detail = excluded.flatMap((verdict) => verdict.exclusions.map((e) => e.reason));
    return fail(
      `Not enough eligible operators for a cluster of ${clusterSize}: ${pool.length + selected.length} eligible` +
        (detail.length > 0 ? `; excluded: ${detail.join('; ')}.` : '.'),
    );
  }
  while (selected.length < clusterSize) {
    const owners = new Set(selected.map((c) => c.owner.toLowerCase()));
    const ranked = pool
      .filter((c) => !selected.includes(c))
      .map((c) => {
        const newClients = [
          c.eth1Client !== undefined && !selected.some((s) => s.eth1Client === c.eth1Client),
          c.eth2Client !== undefined && !selected.some((s) => s.eth2Client === c.eth2Client),
        ].filter(Boolean).length;
        const newLocation =
          c.location !== undefined && !selected.some((s) => s.location === c.location);
        const value =
          score(c.id) + newClients * bonuses.newClient + (newLocation ? bonuses.newLocation : 0);
        return { c, newOwner: !owners.has(c.owner.toLowerCase()), newClients, newLocation, value };
      })
      .sort(
        (a, b) => Number(b.newOwner) - Number(a.newOwner) || b.value - a.value || a.c.id - b.c.id,
      );
    const pick = ranked[0] as (typeof ranked)[number];
    selected.push(pick.c);
    const notes = [
      pick.newOwner ? 'new owner' : 'owner already in the cluster (no distinct owner left)',
      ...(pick.newClients > 0
        ? [`${pick.newClients} new client${pick.newClients === 1 ? '' : 's'}`]
        : []),
      ...(pick.newLocation ? ['new location'] : []),
    ];
    reasons.push(`Picked operator ${pick.c.id}: score ${score(pick.c.id)}, ${notes.join(', ')}.`);
  }
  const operatorIds = selected.map((c) => c.id).sort((a, b) => a - b);
  reasons.push(`Selected operators ${operatorIds.join(', ')}.`);
  return {
    ok: true,
    operatorIds,
    reusedCluster: false,
    scores: Object.fromEntries(operatorIds.map((id) => [id, score(id)])),
    reasons,
    excluded,
  };
}

function reuseObstacle(
  ids: readonly number[],
  cluster: ExistingCluster,
  clusterSize: number,
  targets: readonly number[],
  verdicts: ReadonlyMap<number, OperatorEligibility>,
): string | null {
  if (ids.length !== clusterSize) return `it has ${ids.length} operators, not ${clusterSize}`;
  if (cluster.version !== 'eth') return 'it is a legacy SSV-token cluster (migrate it first)';
  if (!cluster.active) return 'it is liquidated';
  const missing = targets.filter((id) => !ids.includes(id));
  if (missing.length > 0) return `it lacks target operators ${missing.join(', ')}`;
  const problems = ids.flatMap((id) => {
    const verdict = verdicts.get(id);
    if (verdict === undefined) return [`operator ${id} is unknown`];
    return verdict.exclusions.map((e) => e.reason);
  });
  return problems.length > 0 ? problems.join('; ') : null;
}

function compareIds(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}
