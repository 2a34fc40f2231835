/**
 * Reconciliation (对账, issue 25): compares wallet balances in Redis with PostgreSQL's (the sum
 * of each wallet's ledger entries) — a different job from the Reconciler, which finishes
 * half-done moves. Every node runs it for the users its own money steps touched since its
 * last pass (the ledger gate reports them; at most `maxUsers`, oldest forgotten first and
 * counted), so no leader is needed and the work is split as the traffic is; `GET
 * /v1/admin/reconcile?all=1` checks every user the ledger knows, on demand.
 *
 * Steps in flight are not mismatches: PostgreSQL is committed before Redis is credited (and
 * a send debits Redis before its hold is committed), so a wallet can differ for a moment. A
 * difference counts only when a second read at least `graceMs` later shows the same
 * difference: the periodic pass keeps this pass's differences as suspects for the next one,
 * the on-demand pass reads again after the grace. Mismatches are reported in
 * `rp_ledger_reconcile_mismatches` (the last pass), a warn log per user (at most 20 a pass)
 * and the report the endpoint returns.
 */
import type { ReconcileMismatch, ReconcileReport } from '@red-packet/sdk/protocol';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Store } from '../../store/store.js';

/** PostgreSQL's balances of the given users (all it knows without `userIds`). */
export type LedgerBalances = (userIds?: string[]) => Promise<Map<string, number>>;

export interface BalanceReconcilerOptions {
  nodeId: string;
  graceMs: number;
  maxUsers: number;
}

const LOGGED_PER_PASS = 20;

export class BalanceReconciler {
  /** Users touched since the last pass, oldest first. */
  private readonly touched = new Set<string>();
  /** Differences seen at the last pass, and since when, to be confirmed by the next. */
  private suspects = new Map<string, { difference: number; since: number }>();
  private forgotten = 0;

  constructor(
    private readonly store: Store,
    private readonly ledger: LedgerBalances,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly options: BalanceReconcilerOptions,
  ) {}

  /** Remembers users whose wallets a money step moved (bounded). */
  touch(userIds: Iterable<string>): void {
    for (const userId of userIds) {
      this.touched.delete(userId);
      this.touched.add(userId);
      if (this.touched.size > this.options.maxUsers) {
        const [oldest] = this.touched;
        if (oldest !== undefined) this.touched.delete(oldest);
        this.forgotten += 1;
      }
    }
  }

  /**
   * The periodic pass: the touched users and the last pass's suspects. A suspect whose
   * difference is unchanged after the grace is a mismatch; a new difference becomes a suspect.
   */
  async pass(): Promise<ReconcileReport> {
    const users = new Set([...this.touched, ...this.suspects.keys()]);
    this.touched.clear();
    if (this.forgotten > 0) {
      this.log.warn(
        { forgotten: this.forgotten },
        'reconciliation forgot users past LEDGER_RECONCILE_MAX_USERS',
      );
      this.forgotten = 0;
    }
    const now = this.clock.now();
    const mismatches: ReconcileMismatch[] = [];
    const suspects = new Map<string, { difference: number; since: number }>();
    for (const m of await this.differences([...users])) {
      const before = this.suspects.get(m.userId);
      if (before?.difference === m.difference && now - before.since >= this.options.graceMs)
        mismatches.push(m);
      else
        suspects.set(
          m.userId,
          before?.difference === m.difference ? before : { difference: m.difference, since: now },
        );
    }
    // A confirmed mismatch stays a suspect: it is reported again until it is put right.
    for (const m of mismatches) suspects.set(m.userId, { difference: m.difference, since: now });
    this.suspects = suspects;
    return this.report(false, users.size, mismatches, 'periodic');
  }

  /**
   * On demand: every user the ledger knows (`all`) or the touched ones and suspects; users
   * who differ are read again after the grace and reported if the difference is unchanged.
   */
  async check(all: boolean): Promise<ReconcileReport> {
    const users = new Set([...this.touched, ...this.suspects.keys()]);
    if (all) for (const userId of (await this.ledger()).keys()) users.add(userId);
    const first = await this.differences([...users]);
    if (first.length > 0 && this.options.graceMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.options.graceMs));
    const again = new Map((await this.differences(first.map((m) => m.userId))).map((m) => [m.userId, m]));
    const mismatches = first.flatMap((m) => {
      const now = again.get(m.userId);
      return now && now.difference === m.difference ? [now] : [];
    });
    return this.report(all, users.size, mismatches, 'on-demand');
  }

  /** Users whose Redis balance differs from PostgreSQL's now (a missing wallet is 0 on either side). */
  private async differences(userIds: string[]): Promise<ReconcileMismatch[]> {
    if (userIds.length === 0) return [];
    const postgres = await this.ledger(userIds);
    const out: ReconcileMismatch[] = [];
    for (const userId of userIds) {
      const redis = await this.store.wallets.getBalance(userId);
      const pg = postgres.get(userId) ?? 0;
      if (redis !== pg) out.push({ userId, redis, postgres: pg, difference: redis - pg });
    }
    return out;
  }

  private report(
    all: boolean,
    checked: number,
    mismatches: ReconcileMismatch[],
    outcome: 'periodic' | 'on-demand',
  ): ReconcileReport {
    this.metrics.reconcileMismatches.set(mismatches.length);
    this.metrics.reconcileRuns.inc({ outcome: mismatches.length > 0 ? `${outcome}-mismatch` : outcome });
    for (const m of mismatches.slice(0, LOGGED_PER_PASS))
      this.log.warn(m, 'reconciliation: Redis balance differs from the PostgreSQL ledger');
    return { nodeId: this.options.nodeId, all, checked, mismatches, at: this.clock.now() };
  }
}
