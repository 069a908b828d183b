/**
 * Alert rules, Prometheus configuration and the Grafana dashboard against the metric contract of
 * the worker: every dvt_* name they query must be one the worker exports (with its labels), every
 * rule carries severity, summary, description and a runbook that exists.
 */
import { readRepoFile, readRepoYaml, repoFileExists } from './deploy-files.js';
import { METRICS } from '../../fixtures/metrics-contract.js';

/** Runbooks under docs/runbooks/ that alerts may link to. */
const RUNBOOKS = [
  'stuck-transaction',
  'low-signer-balance',
  'liquidated-cluster',
  'operator-bad',
  'halted-lifecycle',
  'codec-key-rotation',
].map((name) => `docs/runbooks/${name}.md`);

/** Metric names a PromQL expression reads, histogram series mapped to their metric. */
function dvtMetrics(expr: string): string[] {
  const names = expr.match(/\bdvt_[a-z0-9_]+/g) ?? [];
  return [
    ...new Set(
      names.map((name) => {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        return base !== name && METRICS[base]?.type === 'histogram' ? base : name;
      }),
    ),
  ];
}

/** Brackets balance (a cheap syntax check; no PromQL parser is installed). */
function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const ch of expr.replace(/"[^"]*"/g, '""')) {
    if ('([{'.includes(ch)) stack.push(ch);
    else if (pairs[ch] && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0;
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (
  readRepoYaml('deploy/prometheus/alerts.yml') as { groups: { rules: Rule[] }[] }
).groups.flatMap((group) => group.rules);
const byName = new Map(rules.map((rule) => [rule.alert, rule]));

function rule(name: string): Rule {
  const found = byName.get(name);
  if (!found) throw new Error(`alerts.yml has no alert ${name}`);
  return found;
}

describe('the metric contract', () => {
  it('names metrics the worker exports', () => {
    // The worker's own metrics, and the histogram the lifecycle workflow records (its name lives
    // in workflows/definitions.ts).
    const telemetry =
      readRepoFile('worker/telemetry.ts') + readRepoFile('workflows/definitions.ts');
    for (const name of Object.keys(METRICS)) {
      expect({ name, exported: telemetry.includes(`'${name}'`) }).toEqual({
        name,
        exported: true,
      });
    }
  });
});

describe('alert rules (deploy/prometheus/alerts.yml)', () => {
  it('cover the situations that cost money', () => {
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining([
        'ClusterRunwayLow',
        'ClusterRunwayCritical',
        'ClusterLiquidated',
        'LifecycleHalted',
        'TransactionStuck',
        'SignerBalanceLow',
        'OperatorBad',
        'WorkerDown',
        'TransactionsFailing',
      ]),
    );
    expect(byName.size).toBe(rules.length);
  });

  it('each have an expression, a severity, a summary, a description and a runbook', () => {
    const problems = rules.flatMap((r) => [
      ...(typeof r.expr === 'string' && balanced(r.expr) ? [] : [`${r.alert}: expr`]),
      ...(/^(critical|warning)$/.test(r.labels?.severity ?? '') ? [] : [`${r.alert}: severity`]),
      ...['summary', 'description', 'runbook_url']
        .filter((key) => !/\S/.test(r.annotations?.[key] ?? ''))
        .map((key) => `${r.alert}: ${key}`),
    ]);
    expect(problems).toEqual([]);
  });

  it('query only metrics of the contract', () => {
    for (const r of rules) {
      for (const name of dvtMetrics(r.expr)) {
        expect({ alert: r.alert, name, known: name in METRICS }).toEqual({
          alert: r.alert,
          name,
          known: true,
        });
      }
    }
  });

  it('use in their messages only labels the queried metrics carry', () => {
    for (const r of rules) {
      const available = new Set(['instance', 'job']);
      for (const name of dvtMetrics(r.expr)) METRICS[name]?.labels.forEach((l) => available.add(l));
      const text = Object.values(r.annotations ?? {}).join(' ');
      for (const [, label] of text.matchAll(/\$labels\.([a-z_]+)/g)) {
        expect({ alert: r.alert, label, available: available.has(label ?? '') }).toEqual({
          alert: r.alert,
          label,
          available: true,
        });
      }
    }
  });

  it('link one of the agreed runbooks (or a section of docs/deployment.md)', () => {
    const deployment = repoFileExists('docs/deployment.md')
      ? readRepoFile('docs/deployment.md')
      : '';
    const anchors = new Set(
      [...deployment.matchAll(/^#+\s+(.+)$/gm)].map(([, heading]) =>
        (heading ?? '')
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const r of rules) {
      const url = r.annotations?.runbook_url ?? '';
      const [file, anchor] = url.split('#');
      if (file === 'docs/deployment.md') {
        expect({ alert: r.alert, anchor, found: anchors.has(anchor ?? '') }).toEqual({
          alert: r.alert,
          anchor,
          found: true,
        });
      } else {
        expect({ alert: r.alert, url, agreed: RUNBOOKS.includes(url) }).toEqual({
          alert: r.alert,
          url,
          agreed: true,
        });
      }
    }
  });

  it('fire at the thresholds the issue sets', () => {
    expect(rule('ClusterRunwayLow').expr).toMatch(/dvt_cluster_runway_days < 7\b/);
    expect(rule('ClusterRunwayLow').for).toBe('10m');
    expect(rule('ClusterRunwayCritical').expr).toMatch(/dvt_cluster_runway_days < 2\b/);
    expect(rule('LifecycleHalted').expr).toBe('dvt_lifecycles_halted > 0');
    expect(rule('TransactionStuck').expr).toMatch(/dvt_tx_stuck\) > 0$/);
    expect(rule('TransactionStuck').for).toBe('15m');
    expect(rule('SignerBalanceLow').expr).toBe('dvt_signer_balance_eth < 0.5');
    expect(rule('OperatorBad').expr).toBe('dvt_operator_healthy == 0');
    expect(rule('OperatorBad').for).toBe('30m');
    expect(rule('TransactionsFailing').expr).toMatch(/\((increase|rate)\(dvt_tx_failed_total\[/);
    expect(rule('ClusterLiquidated').labels?.severity).toBe('critical');
    expect(rule('ClusterRunwayLow').labels?.severity).toBe('warning');
  });

  it('watch the scrape job Prometheus is configured with, from the file it loads', () => {
    const prometheus = readRepoYaml('deploy/prometheus/prometheus.yml') as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const jobs = new Map(prometheus.scrape_configs.map((c) => [c.job_name, c]));
    const job = /job="([^"]+)"/.exec(rule('WorkerDown').expr)?.[1] ?? '';
    expect(jobs.get(job)?.static_configs.flatMap((s) => s.targets)).toEqual(['worker:9464']);
    // docker-compose.yml mounts deploy/prometheus at /etc/prometheus.
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
  });
});

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

describe('Grafana dashboard (deploy/grafana/dvt-router-dashboard.json)', () => {
  const dashboard = JSON.parse(readRepoFile('deploy/grafana/dvt-router-dashboard.json')) as {
    uid: string;
    panels: Panel[];
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const exprs = panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })),
  );

  it('queries only metrics of the contract', () => {
    expect(exprs.length).toBeGreaterThan(0);
    for (const { title, expr } of exprs) {
      expect({ title, balanced: balanced(expr) }).toEqual({ title, balanced: true });
      for (const name of dvtMetrics(expr)) {
        expect({ title, name, known: name in METRICS }).toEqual({ title, name, known: true });
      }
    }
  });

  it('shows every metric of the contract', () => {
    const shown = new Set(exprs.flatMap(({ expr }) => dvtMetrics(expr)));
    expect([...shown].sort()).toEqual(Object.keys(METRICS).sort());
  });

  it('has the panels operators look for', () => {
    const titles = panels.map((p) => p.title);
    for (const title of [
      'Validators by stage',
      'Pool usable balance',
      'Runway per cluster',
      'Transactions sent / failed / replaced',
      'Signer balance',
      'Operator health',
    ]) {
      expect(titles).toContain(title);
    }
    expect(exprs.some(({ expr }) => expr.startsWith('histogram_quantile(0.95,'))).toBe(true);
    expect(exprs.some(({ expr }) => expr.startsWith('histogram_quantile(0.5,'))).toBe(true);
  });

  it('is provisioned from the path docker-compose.yml mounts it at', () => {
    const provider = readRepoYaml('deploy/grafana/provisioning/dashboards/dvt-router.yml') as {
      providers: { options: { path: string } }[];
    };
    const path = provider.providers[0]?.options.path;
    expect(readRepoFile('docker-compose.yml')).toContain(
      `./deploy/grafana/dvt-router-dashboard.json:${path}/dvt-router-dashboard.json:ro`,
    );
  });
});
