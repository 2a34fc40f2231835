/**
 * The PostgreSQL part of `npm run chaos`: starts a PostgreSQL (test/helpers/postgres-server.ts,
 * fsync on), the usual deployment with DATABASE_URL on every node, runs the PostgreSQL faults
 * (pg-faults.ts) and formats their table — printed, and written to docs/reliability.md between
 * its own markers.
 */
import pg from 'pg';
import { createDatabase, startPostgres } from '../test/helpers/postgres-server.js';
import { startCluster } from './cluster.js';
import type { PhaseSize } from './faults.js';
import { replaceSection } from './report.js';
import { PG_FAULTS, runPgFault, type PgFaultResult } from './pg-faults.js';

export async function runPostgresPart(size: PhaseSize, log: (msg: string) => void): Promise<PgFaultResult[]> {
  log('starting PostgreSQL, Redis and 3 nodes with DATABASE_URL');
  const postgres = await startPostgres();
  const databaseUrl = await createDatabase(postgres, 'chaos');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', () => undefined); // PostgreSQL is killed on purpose; queries still reject
  const results: PgFaultResult[] = [];
  try {
    const cluster = await startCluster('always', 3, { DATABASE_URL: databaseUrl });
    try {
      for (const { name, inject } of PG_FAULTS) {
        await cluster.restoreAll();
        log(`postgres: ${name}`);
        const r = await runPgFault({ cluster, postgres, pool, databaseUrl }, name, size, inject);
        results.push(r);
        log(`  ${JSON.stringify(r)}`);
      }
    } finally {
      await cluster.close();
    }
  } finally {
    await pool.end();
    await postgres.destroy();
  }
  return results;
}

/** What makes the run fail: money lost, paid twice, stores disagreeing, a node crashing. */
export function pgProblems(results: PgFaultResult[]): string[] {
  return results.flatMap((r) => [
    ...(r.lostRedis + r.lostPostgres > 0 ? [`${r.fault}: acknowledged grabs lost`] : []),
    ...(r.doublePaid > 0 ? [`${r.fault}: paid twice`] : []),
    ...(!r.balancedRedis || !r.balancedPostgres ? [`${r.fault}: audit not balanced`] : []),
    ...(!r.auditsAgree || r.walletsDiffer > 0 ? [`${r.fault}: Redis and PostgreSQL disagree`] : []),
    ...r.nodeCrashes.map((c) => `${r.fault}: node crashed: ${c}`),
  ]);
}

const s = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '—');

/** The results as a markdown table, and the restore's figures below it. */
export function pgTable(results: PgFaultResult[]): string[] {
  const yes = (ok: boolean): string => (ok ? 'yes' : 'NO');
  const lines = [
    '| fault | grabs acked | lost (Redis / PostgreSQL) | claims recovered by retry | audits balanced and equal | wallets equal | first STORE_UNAVAILABLE after (s) | first grab after (s) | node crashes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.fault} | ${r.acked} | ${r.lostRedis} / ${r.lostPostgres} | ${r.recoveredByRetry} | ${yes(r.balancedRedis && r.balancedPostgres && r.auditsAgree)} | ${yes(r.walletsDiffer === 0)} | ${s(r.unavailableMs)} | ${s(r.resumeMs)} | ${r.nodeCrashes.length} |`,
    ),
  ];
  for (const r of results) {
    if (!r.restore) continue;
    const { ms, wallets, packets, claims, rowsPerSec } = r.restore;
    lines.push(
      '',
      `Restore: ${wallets} wallets, ${packets} packets and ${claims} claims in ${s(ms)} s (${rowsPerSec.toLocaleString('en-US')} rows/s, connecting included).`,
    );
  }
  return lines;
}

const BEGIN = '<!-- chaos-postgres:begin (written by npm run chaos) -->';
const END = '<!-- chaos-postgres:end -->';

export function writePgReliability(results: PgFaultResult[], at: string): void {
  replaceSection(BEGIN, END, [
    `Run of ${at.slice(0, 16).replace('T', ' ')} UTC (\`npm run chaos -- --only postgres\`, this machine: 2 cores shared with other work):`,
    '',
    ...pgTable(results),
  ]);
}
