/**
 * Finishes money moves a crash or store failure left half-done (see store.ts):
 *  - a hold still `held` after the grace period: if its packet exists, settle it (with
 *    PostgreSQL: after committing the hold and the rows it carries); otherwise
 *    tombstone the packet id (so it can never be created) and release the hold;
 *  - an outbox credit not acked after the grace period: commit its ledger rows (with
 *    PostgreSQL: a credit whose commit failed waits here), apply it (idempotent by claim id)
 *    and ack it.
 * Every node runs one; every step is idempotent, so concurrent reconcilers are harmless.
 */
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Store } from '../../store/store.js';
import type { Broadcaster } from '../runtime/broadcaster.js';
import type { LedgerGate } from './ledger-gate.js';
import { decodeLedgerRows, holdRows } from '../../store/ledger/index.js';
import { creditLedgerRows } from './payments.js';

export interface ReconcileReport {
  settled: number;
  released: number;
  credited: number;
  acked: number;
}

export class Reconciler {
  /**
   * @param graceMs how old a half-done move must be before it is finished
   * @param batch how many holds and credits are looked at per pass @default 500
   * @param ledger PostgreSQL, when DATABASE_URL is set
   */
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly broadcaster: Broadcaster,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly graceMs: number,
    private readonly batch = 500,
    private readonly ledger?: LedgerGate,
  ) {}

  async reconcile(): Promise<ReconcileReport> {
    const report: ReconcileReport = { settled: 0, released: 0, credited: 0, acked: 0 };
    const before = this.clock.now() - this.graceMs;
    const holds = await this.store.wallets.listStaleHolds(before, this.batch);
    this.metrics.reconcilerBacklog.set({ kind: 'holds' }, holds.length);
    for (const hold of holds) {
      if ((await this.store.escrow.abortFunded(hold.holdId)) === 'exists') {
        // A send whose commit never happened (its node died, or PostgreSQL was away): commit
        // the hold and what it funds first (a no-op if they landed), then settle.
        if (this.ledger && hold.ledger !== undefined)
          await this.ledger.commit([...holdRows(hold), ...decodeLedgerRows(hold.ledger)]);
        await this.store.wallets.settleHold(hold.userId, hold.holdId);
        report.settled += 1;
        this.metrics.reconciled.inc({ kind: 'settle' });
      } else {
        const { balance, applied } = await this.store.wallets.releaseHold(
          hold.userId,
          hold.holdId,
          this.clock.now(),
        );
        if (applied) {
          report.released += 1;
          this.metrics.reconciled.inc({ kind: 'release' });
          this.broadcaster.toUser(hold.userId, 'wallet:updated', { balance });
        }
      }
    }
    const credits = await this.store.escrow.listStaleCredits(before, this.batch);
    this.metrics.reconcilerBacklog.set({ kind: 'credits' }, credits.length);
    for (const credit of credits) {
      await this.ledger?.commit(creditLedgerRows(credit));
      const { balance, applied } = await this.store.wallets.applyCredit(credit);
      if (applied) {
        report.credited += 1;
        this.metrics.reconciled.inc({ kind: 'credit' });
        this.broadcaster.toUser(credit.userId, 'wallet:updated', { balance });
      }
      await this.store.escrow.ackCredits(credit.sourceId, [credit.claimId]);
      report.acked += 1;
    }
    if (report.settled + report.released + report.credited > 0) {
      this.log.info(report, 'reconciled half-done money moves');
    }
    return report;
  }
}
