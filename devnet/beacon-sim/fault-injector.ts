/**
 * Fault injection for the simulator's HTTP API (specs/beacon-and-keys.md §12.8): the next N
 * requests whose path starts with a prefix get an error status or are stalled first. Pure
 * bookkeeping; the server applies the verdicts.
 */

/** One rule; `status` and `stallMs` may be combined (stall, then fail). */
export interface FaultRule {
  /** Request path prefix, e.g. `/eth/v1/beacon/states`; `/` matches every API path. */
  pathPrefix: string;
  /** How many matching requests the rule applies to. */
  count: number;
  /** HTTP status to answer instead of the real handler, e.g. 503 or 404. */
  status?: number;
  /** Milliseconds to hold the request before handling (or failing) it. */
  stallMs?: number;
}

/** What to do with one request. */
export interface FaultVerdict {
  status?: number;
  stallMs?: number;
}

export type FaultInjector = ReturnType<typeof makeFaultInjector>;

/** Rules are consumed first-added first; each matching request uses up one count of one rule. */
export function makeFaultInjector() {
  const rules: FaultRule[] = [];
  return {
    /** Adds a rule. Throws when it would never apply or names a non-error status. */
    add(rule: FaultRule): void {
      if (!Number.isSafeInteger(rule.count) || rule.count < 1) {
        throw new Error('fault rule count must be a positive integer');
      }
      if (rule.status !== undefined && (rule.status < 400 || rule.status > 599)) {
        throw new Error('fault rule status must be an HTTP error status (400–599)');
      }
      if (rule.status === undefined && rule.stallMs === undefined) {
        throw new Error('fault rule needs a status, a stallMs, or both');
      }
      rules.push({ ...rule });
    },
    /** Drops every rule. */
    clear(): void {
      rules.length = 0;
    },
    /** The verdict for a request to `path`, consuming one count; null when no rule matches. */
    take(path: string): FaultVerdict | null {
      const index = rules.findIndex((rule) => path.startsWith(rule.pathPrefix));
      if (index < 0) return null;
      const rule = rules[index]!;
      rule.count -= 1;
      if (rule.count === 0) rules.splice(index, 1);
      const verdict: FaultVerdict = {};
      if (rule.status !== undefined) verdict.status = rule.status;
      if (rule.stallMs !== undefined) verdict.stallMs = rule.stallMs;
      return verdict;
    },
    /** Rules still armed, for the admin report. */
    active(): readonly FaultRule[] {
      return rules.map((rule) => ({ ...rule }));
    },
  };
}
