/**
 * The conservation audit run periodically (AUDIT_INTERVAL_MS) so Prometheus can alert on it:
 * exports the difference, double claims and ledger mismatches of the last run. The audit is
 * O(keys) on Redis, so in a large deployment run it on one node (0 turns it off elsewhere).
 * It is exact only at quiescent moments: alert on a difference that persists across runs,
 * and at once on double claims or ledger mismatches (those are never transient).
 */
import type { AuditReport } from '@red-packet/sdk/protocol';
import type { Clock } from '../../domain/clock.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Store } from '../../store/store.js';

export class AuditProbe {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  /** Runs one audit and publishes it; rejects (leaving the last values) if the store fails. */
  async run(): Promise<AuditReport> {
    const end = this.metrics.auditDuration.startTimer();
    const report = await this.store.audit.report();
    end();
    const m = this.metrics;
    m.auditDifference.set(report.difference);
    m.auditDoubleClaims.set(report.doubleClaims);
    m.auditLedgerMismatches.set(report.ledgerMismatches);
    m.auditMinted.set(report.minted);
    m.auditEscrow.set(report.escrow);
    m.auditLastRun.set(this.clock.now() / 1000);
    return report;
  }
}
