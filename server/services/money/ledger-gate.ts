/**
 * PostgreSQL as the money steps see it (issue 25): with DATABASE_URL set, a step that moved
 * money in the store commits its ledger rows here before it is acknowledged, so an
 * acknowledged fen is in PostgreSQL. Without DATABASE_URL there is no gate and nothing changes.
 *
 *   step in the store ─▶ gate.commit(rows) ─▶ sink (LedgerWriter: group commit) ─▶ ack
 *                             │ PostgreSQL away (StoreUnavailableError)
 *                             ▼
 *                         backlog ─▶ retry() every second, until committed ─▶ gate open again
 *
 * While a commit has failed and its rows are not yet committed again, the gate is closed:
 * `ensureUp` refuses new money steps with STORE_UNAVAILABLE before they touch the store, so
 * an outage does not pile up claims that PostgreSQL has not seen. The first successful retry
 * opens it: service resumes by itself. Rows are idempotent by id (ledger-rows.ts), so
 * committing the same rows again — a retry by the client, the backlog, the reconciler — is a
 * no-op for whatever already landed.
 *
 * The backlog lives in this process: rows of a step whose commit failed and whose node then
 * died before PostgreSQL came back are not committed by this gate; a client's retry of the
 * same grab commits them, and reconciliation reports the wallet as a mismatch.
 */
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { rowIdOf, type LedgerRow } from '../../store/ledger/index.js';
import { StoreUnavailableError } from '../../store/unavailable.js';

/**
 * Where the ledger rows of money steps go: implemented by the PostgreSQL LedgerWriter.
 * `commit` resolves once the rows are committed (or already were, identically); it rejects
 * with a StoreUnavailableError when PostgreSQL did not answer in time (the outcome is then
 * unknown: commit the same rows again), with any other error for rows it refused.
 */
export interface LedgerSink {
  commit(rows: LedgerRow[]): Promise<void>;
}

export interface LedgerGateOptions {
  /** Failed commits kept for retry; past it the oldest is dropped (and logged). @default 100000 */
  maxBacklog?: number;
  /** Told the users whose wallets a step moved, once its rows are committed (reconciliation). */
  onCommitted?: (userIds: string[]) => void;
}

export class LedgerGate {
  private up = true;
  /** Why money steps are fenced off (a restore of Redis), null when they are not. */
  private fencedBy: string | null = null;
  /** Rows of failed commits, by their first row's id (a step's rows share its fate). */
  private readonly backlog = new Map<string, LedgerRow[]>();
  private readonly maxBacklog: number;

  constructor(
    private readonly sink: LedgerSink,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly options: LedgerGateOptions = {},
  ) {
    this.maxBacklog = options.maxBacklog ?? 100_000;
    metrics.ledgerUp.set(1);
    metrics.ledgerBacklog.set(0);
    metrics.ledgerRestoring.set(0);
  }

  /** Whether the last commit succeeded (and nothing waits to be committed again). */
  get isUp(): boolean {
    return this.up;
  }

  /** Steps waiting in the backlog. */
  get pending(): number {
    return this.backlog.size;
  }

  /** Why money steps are fenced off now, null when they are not (restore-watch.ts). */
  get fence(): string | null {
    return this.fencedBy;
  }

  /**
   * Fences money steps off while Redis is restored from the ledger (or lost its dataset):
   * `ensureUp` refuses them until `setFence(null)`.
   */
  setFence(reason: string | null): void {
    if (reason === this.fencedBy) return;
    this.fencedBy = reason;
    this.metrics.ledgerRestoring.set(reason === null ? 0 : 1);
    if (reason === null) this.log.info('Redis holds the ledger’s state again: money steps resume');
    else
      this.log.warn(
        { reason },
        'money steps fenced off: they answer STORE_UNAVAILABLE until Redis is restored',
      );
  }

  /**
   * Refuses (StoreUnavailableError → STORE_UNAVAILABLE) while PostgreSQL is known to be away
   * or a restore of Redis fences money steps off; called before a money step touches the store.
   */
  ensureUp(): void {
    if (this.fencedBy !== null)
      throw new StoreUnavailableError('Redis is being restored from the ledger; try again shortly');
    if (!this.up)
      throw new StoreUnavailableError('the ledger (PostgreSQL) is unavailable; try again shortly');
  }

  /**
   * Commits the rows of a step the store has made. Resolves once they are committed. If
   * PostgreSQL does not answer, keeps them for `retry`, closes the gate and rejects with the
   * StoreUnavailableError; any other failure (a conflict, a refused row: a bug) is logged and
   * rethrown, and the rows are not kept.
   */
  async commit(rows: LedgerRow[]): Promise<void> {
    if (rows.length === 0) return;
    const end = this.metrics.ledgerCommit.startTimer();
    try {
      await this.sink.commit(rows);
      end({ outcome: 'ok' });
      this.options.onCommitted?.(rows.flatMap((r) => (r.table === 'entry' ? [r.userId] : [])));
      if (!this.up && this.backlog.size === 0) this.open();
    } catch (err) {
      if (err instanceof StoreUnavailableError) {
        end({ outcome: 'unavailable' });
        this.keep(rows);
        if (this.up) {
          this.up = false;
          this.metrics.ledgerUp.set(0);
          this.log.warn(
            { err },
            'ledger commit failed: money steps answer STORE_UNAVAILABLE until it is back',
          );
        }
      } else {
        end({ outcome: 'refused' });
        this.log.error({ err, rows: rows.map(rowIdOf) }, 'ledger refused a step’s rows');
      }
      throw err;
    }
  }

  /**
   * Commits the backlog again (a periodic task). Rows committed leave it; once it is empty the
   * gate opens. Resolves with the steps committed.
   */
  async retry(): Promise<number> {
    if (this.backlog.size === 0) {
      if (!this.up) this.open();
      return 0;
    }
    const waiting = [...this.backlog];
    const results = await Promise.allSettled(waiting.map(([, rows]) => this.sink.commit(rows)));
    let committed = 0;
    results.forEach((r, i) => {
      const key = waiting[i]?.[0];
      if (key === undefined) return;
      if (r.status === 'fulfilled') {
        this.backlog.delete(key);
        committed += 1;
      } else if (!(r.reason instanceof StoreUnavailableError)) {
        this.backlog.delete(key);
        this.log.error({ err: r.reason, rowId: key }, 'ledger refused backlog rows; dropped');
      }
    });
    this.metrics.ledgerBacklog.set(this.backlog.size);
    if (committed > 0) this.log.info({ committed, left: this.backlog.size }, 'ledger backlog committed');
    if (this.backlog.size === 0 && !this.up) this.open();
    return committed;
  }

  private keep(rows: LedgerRow[]): void {
    const first = rows[0];
    if (!first) return;
    this.backlog.set(rowIdOf(first), rows);
    if (this.backlog.size > this.maxBacklog) {
      const [oldest] = this.backlog.keys();
      if (oldest !== undefined) {
        this.backlog.delete(oldest);
        this.log.error(
          { rowId: oldest },
          'ledger backlog full: dropped the oldest step (it stays in Redis; `npm run audit -- --source postgres` shows the gap)',
        );
      }
    }
    this.metrics.ledgerBacklog.set(this.backlog.size);
  }

  private open(): void {
    this.up = true;
    this.metrics.ledgerUp.set(1);
    this.log.info('ledger commits succeed again: money steps resume');
  }
}
