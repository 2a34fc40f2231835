/**
 * What docs/benchmarks.md says about the ledger scenario (bench/ledger-scenarios.ts): its two
 * goals against the Redis-only grab of the same run, and PostgreSQL's saturation reference.
 */
import type { Goal } from './report.js';
import type { BenchResults } from './results.js';

export function ledgerGoals(r: BenchResults): Goal[] {
  const l = r.ledger;
  if (!l) return [];
  return [
    {
      name: 'server CPU per grab with PostgreSQL ÷ Redis-only',
      measured: l.cpuRatio,
      goal: 1.3,
      unit: '×',
      atLeast: false,
      detail: `${l.grab.serverUsPerGrab} µs ÷ ${r.grab.serverUsPerGrab} µs`,
    },
    {
      name: 'ack p99 with PostgreSQL − Redis-only',
      measured: l.p99DeltaMs,
      goal: 10,
      unit: 'ms',
      atLeast: false,
      detail: `${l.grab.p99Ms} ms − ${r.grab.p99Ms} ms`,
    },
  ];
}

/** Rows of the references table (empty without the scenario). */
export function ledgerReferenceRows(r: BenchResults): string {
  const l = r.ledger;
  if (!l) return '';
  const s = l.saturation;
  return (
    `| PostgreSQL ${l.postgres} at saturation (LedgerWriter alone, ${s.callers} callers, 2 rows a grab, fsync on) | ${s.rowsPerSec} rows/s (${s.commitsPerSec} grabs/s, ${s.rowsPerTxn} rows/txn, commit p50 ${s.p50Ms} / p99 ${s.p99Ms} ms) |\n` +
    `| PostgreSQL CPU per grab in the grab scenario (whole scenario, an upper bound) | ${l.postgresUsPerGrab} µs |\n`
  );
}
