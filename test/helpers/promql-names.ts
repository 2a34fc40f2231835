/**
 * The metric names a PromQL expression reads: what is left after dropping strings, label
 * matchers, ranges, grouping clauses, numbers, keywords and function calls. Good enough for
 * the expressions in deploy/ (checked against a running server's /metrics).
 */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range selectors
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // grouping
    .replace(/\$\w+/g, ' '); // Grafana variables
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(\()?)/g)) {
    const [token, call] = [m[0], m[1]];
    const before = stripped[m.index - 1] ?? ' ';
    if (call || KEYWORDS.has(token.toLowerCase()) || /[0-9.]/.test(before)) continue;
    names.add(token);
  }
  return [...names];
}

/** Every sample name a Prometheus text exposition can contain, from its `# TYPE` lines. */
export function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (!name || !type) continue;
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}
