/**
 * PostgreSQL as the system of record for money (issue 25): the schema and its migrator, the
 * group-commit writer, the row builders and the reads (audit, restore). Not a `Store` part:
 * Redis stays the hot path; services commit a step's rows here before they acknowledge it.
 */
export { createLedgerPool, type LedgerPoolOptions } from './ledger-pool.js';
export { migrate, readMigrations, MIGRATIONS_DIR, type Migration } from './migrator.js';
export { LedgerWriter, type LedgerWriterOptions, type LedgerWriterStats } from './ledger-writer.js';
export { openLedger, type OpenLedger } from './open-ledger.js';
export * from './ledger-rows.js';
export * from './ledger-errors.js';
export {
  auditPostgres,
  walletBalances,
  openPackets,
  openRains,
  claimsOf,
  remainingShares,
  type OpenPacket,
  type OpenRain,
} from './ledger-reads.js';
