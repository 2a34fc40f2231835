/**
 * The operator's kit in deploy/: the alert rules pass `promtool check rules`, and every metric
 * the rules and the Grafana dashboard read is one a running server really exports — so a
 * renamed metric breaks this test instead of silently blanking a panel or an alert.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedNames, metricNames } from '../helpers/promql-names.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const RULES = 'deploy/prometheus/alerts.yml';
const DASHBOARD = 'deploy/grafana/red-packet-rain.json';

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

function dashboardExprs(): { where: string; expr: string }[] {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; query?: unknown }[] };
  };
  const out: { where: string; expr: string }[] = [];
  const walk = (panels: Panel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel "${p.title}"`, expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(dash.panels);
  for (const v of dash.templating.list) {
    const q = v.query as { query?: string } | string | undefined;
    const text = typeof q === 'string' ? q : q?.query;
    const inner = text ? /label_values\(\s*([^,)]+)/.exec(text)?.[1] : undefined;
    if (inner) out.push({ where: `variable $${v.name}`, expr: inner });
  }
  return out;
}

function ruleExprs(): { where: string; expr: string }[] {
  const yaml = readFileSync(RULES, 'utf8');
  // expr values are one line or a folded (>-) block; promtool below checks the YAML itself.
  const out: { where: string; expr: string }[] = [];
  const re = /- alert: (\S+)[\s\S]*?\n(\s+)expr: (>-\n((?:\2\s+.*\n)+)|.*)/g;
  for (const m of yaml.matchAll(re)) {
    const expr = m[4] ? m[4].replace(/\s+/g, ' ') : (m[3] ?? '');
    out.push({ where: `alert ${m[1]}`, expr });
  }
  return out;
}

describe('alert rules and dashboard', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('the alert rules pass promtool check rules', () => {
    const run = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    if (run.error) throw new Error('promtool is missing: run `apt-get install -y prometheus` (as root)');
    expect(run.stdout + run.stderr).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('names only metrics the server exports', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const exported = exportedNames(await res.text());
    const rules = ruleExprs();
    expect(rules.length).toBe(
      readFileSync(RULES, 'utf8')
        .split('\n')
        .filter((l) => l.trim().startsWith('- alert:')).length,
    );
    const exprs = [...rules, ...dashboardExprs()];
    expect(exprs.length).toBeGreaterThan(20);
    const unknown: string[] = [];
    for (const { where, expr } of exprs) {
      const names = metricNames(expr);
      expect(names.length, `${where} reads no metric: ${expr}`).toBeGreaterThan(0);
      for (const name of names) if (!exported.has(name)) unknown.push(`${where}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });

  it('the name extractor sees through PromQL syntax', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le) (rate(a_bucket{node=~"$node"}[$__rate_interval]))) > 1',
      ),
    ).toEqual(['a_bucket']);
    expect(metricNames('max(b) > 0 and time() - max(c) > 1800')).toEqual(['b', 'c']);
    expect(metricNames('sum(rate(d{code=~"X|Y"}[5m])) / clamp_min(sum(rate(e[5m])), 1e3)')).toEqual([
      'd',
      'e',
    ]);
  });
});
