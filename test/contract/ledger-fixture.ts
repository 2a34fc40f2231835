/**
 * One PostgreSQL per test file for the ledger contract tests, with a fresh migrated database
 * per call of `freshDatabase` (its own pool), so tests never see each other's rows.
 */
import pg from 'pg';
import { createLedgerPool, migrate, type LedgerPoolOptions } from '../../server/store/ledger/index.js';
import { startPostgres, type PostgresHandle } from '../helpers/postgres-server.js';

export interface LedgerFixture {
  server: PostgresHandle;
  /** A new empty database (migrated unless `migrated: false`) and a ledger pool on it. */
  freshDatabase(
    options?: LedgerPoolOptions & { migrated?: boolean },
  ): Promise<{ url: string; pool: pg.Pool }>;
  destroy(): Promise<void>;
}

let dbSeq = 0;

export async function startLedgerFixture(): Promise<LedgerFixture> {
  const server = await startPostgres();
  const pools: pg.Pool[] = [];
  return {
    server,
    freshDatabase: async (options = {}) => {
      const name = `ledger_${process.pid}_${++dbSeq}`;
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = server.urlOf(name);
      const pool = createLedgerPool(url, options);
      pools.push(pool);
      if (options.migrated !== false) await migrate(pool);
      return { url, pool };
    },
    destroy: async () => {
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
      await server.destroy();
    },
  };
}

/** count(*) of a table or view. */
export async function countOf(pool: pg.Pool, table: string): Promise<number> {
  const r = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(r.rows[0]?.n);
}
