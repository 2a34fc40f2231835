/**
 * npm run migrate: applies the ledger's schema migrations to the PostgreSQL at DATABASE_URL
 * (server/store/ledger/migrations). Safe to run from several places at once.
 */
import { createLedgerPool, migrate } from '../store/ledger/index.js';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is not set (e.g. postgres://user@host:5432/redpacket)\n');
  process.exit(2);
}
const pool = createLedgerPool(url, { max: 1, timeoutMs: 60_000 });
try {
  const applied = await migrate(pool);
  process.stdout.write(
    applied.length > 0 ? `applied migrations ${applied.join(', ')}\n` : 'schema up to date\n',
  );
} catch (err) {
  process.stderr.write(
    `migrate failed: ${err instanceof Error ? `${err.message}: ${String(err.cause)}` : String(err)}\n`,
  );
  process.exitCode = 1;
} finally {
  await pool.end();
}
