/**
 * Opens this node's PostgreSQL ledger from its configuration: the pool, the schema migrated
 * (under the migrator's lock, so nodes starting together apply it once), and one group-commit
 * writer. A node that cannot reach PostgreSQL here does not start: nothing may be acknowledged
 * before the record exists.
 */
import type pg from 'pg';
import type { LedgerConfig } from '../../config/types.js';
import type { Logger } from '../../observability/logger.js';
import { LedgerWriter } from './ledger-writer.js';
import { migrate } from './migrator.js';
import { createLedgerPool } from './ledger-pool.js';

export interface OpenLedger {
  writer: LedgerWriter;
  /** The node's pool, for the reads of restore and reconciliation. */
  pool: pg.Pool;
  /** Resolves if PostgreSQL answers (readiness). */
  ready(): Promise<void>;
  /** Commits what the writer still holds, then closes the pool. */
  close(): Promise<void>;
}

export async function openLedger(config: LedgerConfig, log: Logger): Promise<OpenLedger> {
  const pool = createLedgerPool(config.url, {
    timeoutMs: config.timeoutMs,
    max: config.poolSize,
    onError: (err) => log.warn({ err }, 'ledger connection lost'),
  });
  try {
    const applied = await migrate(pool);
    log.info({ applied }, 'PostgreSQL ledger ready: money is committed there before it is acknowledged');
  } catch (err) {
    await pool.end();
    throw err;
  }
  const writer = new LedgerWriter(pool, {
    maxDelayMs: config.commitDelayMs,
    maxRows: config.commitMaxRows,
    maxInFlight: Math.max(1, Math.min(2, config.poolSize)),
    timeoutMs: config.timeoutMs,
    log,
  });
  return {
    writer,
    pool,
    ready: () => pool.query('SELECT 1').then(() => undefined),
    close: async () => {
      await writer.close();
      await pool.end();
    },
  };
}
