/**
 * The conservation audit over the whole store (wallets, packets and rains together).
 * Implemented by memory-audit.ts and redis-audit.ts over audit-tally.ts.
 */
import type { AuditReport } from '@red-packet/sdk/protocol';

export interface AuditStore {
  /**
   * Conservation check over the whole store: Σ minted = Σ wallets + Σ escrow + Σ in flight,
   * where escrow = unclaimed shares of open packets and active rains, and in flight = held
   * holds whose packet or rain was never created + outbox credits not yet applied. Also counts double claims and wallets whose ledger does not add up.
   * Exact at quiescent moments; a snapshot under load may show transient differences.
   */
  report(): Promise<AuditReport>;
}
