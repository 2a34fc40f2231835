/**
 * What group commit costs: the LedgerWriter (default options) on a real PostgreSQL with fsync
 * on, each caller committing one grab (its claim and credit entry: 2 rows) in a loop.
 * Prints commits/s, rows/s and commit latency p50/p99 at 1, 10, 100 and 1000 concurrent
 * callers, then rows and bytes per grab (pg_total_relation_size, indexes included, after
 * BENCH_ROWS grabs) and what a day at 760k grabs/s would weigh.
 *
 *   node --conditions=rp-source --import tsx bench/ledger-commit.ts
 *
 * Results: docs/operations.md, "PostgreSQL ledger".
 */
import { createLedgerPool, migrate, LedgerWriter } from '../server/store/ledger/index.js';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { grabRows, saturate, type SaturationFigures } from './ledger-saturation.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const SIZE_GRABS = Number(process.env.BENCH_ROWS ?? 200_000);

function line(f: SaturationFigures): string {
  return (
    `callers ${String(f.callers).padStart(4)}  ${f.commitsPerSec.toFixed(0).padStart(6)} commits/s  ` +
    `${f.rowsPerSec.toFixed(0).padStart(6)} rows/s  ${f.txnPerSec.toFixed(0).padStart(4)} txn/s  ` +
    `${f.rowsPerTxn.toFixed(1).padStart(6)} rows/txn  p50 ${f.p50Ms.toFixed(1)} ms  p99 ${f.p99Ms.toFixed(1)} ms`
  );
}

const server = await startPostgres();
try {
  const pool = createLedgerPool(server.url, { timeoutMs: 5000 });
  await migrate(pool);
  const writer = new LedgerWriter(pool, { timeoutMs: 5000 });
  await writer.commit(grabRows());
  console.log('-- group commit (maxDelayMs 2, maxRows 1000, maxInFlight 2), one grab = 2 rows per commit');
  for (const callers of [1, 10, 100, 1000]) console.log(line(await saturate(writer, callers, SECONDS)));

  await pool.query('TRUNCATE ledger_entries, claims');
  const batch = 5000;
  for (let done = 0; done < SIZE_GRABS; done += batch / 2)
    await writer.commit(Array.from({ length: batch / 2 }, grabRows).flat());
  await pool.query('VACUUM ANALYZE ledger_entries, claims');
  const size = await pool.query<{ entries: string; claims: string }>(
    "SELECT pg_total_relation_size('ledger_entries') AS entries, pg_total_relation_size('claims') AS claims",
  );
  const entries = Number(size.rows[0]?.entries);
  const claims = Number(size.rows[0]?.claims);
  const perGrab = (entries + claims) / SIZE_GRABS;
  const day = 760_000 * 86_400;
  console.log(`-- size after ${SIZE_GRABS} grabs (tables + indexes)`);
  console.log(
    `ledger_entries ${(entries / SIZE_GRABS).toFixed(0)} B/row, claims ${(claims / SIZE_GRABS).toFixed(0)} B/row: ` +
      `2 rows, ${perGrab.toFixed(0)} B per grab`,
  );
  console.log(
    `a day at 760k grabs/s: ${((2 * day) / 1e9).toFixed(1)} G rows, ${((perGrab * day) / 1e12).toFixed(1)} TB; ` +
      `an hour: ${((2 * 760_000 * 3600) / 1e9).toFixed(2)} G rows, ${((perGrab * 760_000 * 3600) / 1e9).toFixed(0)} GB`,
  );
  await writer.close();
  await pool.end();
} finally {
  await server.destroy();
}
