/**
 * Group commit into PostgreSQL: `commit(rows)` resolves once its rows are committed, and
 * concurrent calls share one transaction, so a thousand grabs a second cost a few hundred
 * WAL flushes, not a thousand.
 *
 *   commit(a) ─┐
 *   commit(b) ─┼─▶ batch (≤ maxDelayMs, or maxRows rows) ─▶ BEGIN; INSERT … (one statement
 *   commit(c) ─┘    ≤ maxInFlight batches at once          per table); check conflicts; COMMIT
 *                                                           ─▶ a, b, c resolve together
 *
 * Guarantees:
 * - Idempotent: every row has a unique id (ledger-rows.ts); a row already stored with the
 *   same content is a no-op, so a retry after any failure is safe.
 * - A row already stored with *different* content rejects its caller alone with
 *   LedgerConflictError (logged); none of that caller's rows are written, the others commit.
 * - All or nothing per batch: a batch PostgreSQL refuses (a CHECK …) rejects every caller in
 *   it with LedgerRejectedError and writes nothing.
 * - Bounded: a batch not committed within `timeoutMs` rejects its callers with
 *   LedgerUnavailableError (a StoreUnavailableError), PostgreSQL down, frozen or slow alike.
 *   Its outcome is then unknown (the COMMIT may still land): retry with the same rows.
 */
import type pg from 'pg';
import { LedgerConflictError, LedgerUnavailableError, toLedgerError } from './ledger-errors.js';
import { rowIdOf, type LedgerRow } from './ledger-rows.js';
import { insertRows, signatureOf, storedSignatures } from './ledger-sql.js';

export interface LedgerWriterOptions {
  /** Longest a commit waits for others to share its transaction. @default 2 */
  maxDelayMs?: number;
  /** A batch is sent as soon as it holds this many rows. @default 1000 */
  maxRows?: number;
  /** Transactions in flight at once (keep ≤ the pool's connections). @default 2 */
  maxInFlight?: number;
  /** A batch not committed by then rejects with LedgerUnavailableError. @default 1000 */
  timeoutMs?: number;
  /** Where conflicts and failed batches are reported. */
  log?: { error(obj: object, msg: string): void };
}

export interface LedgerWriterStats {
  /** commit() calls answered (resolved or rejected). */
  commits: number;
  /** Transactions committed. */
  transactions: number;
  /** Rows sent in committed transactions (including no-op repeats). */
  rows: number;
  /** Batches that failed (each rejected all its callers). */
  failedBatches: number;
  /** Callers rejected for a conflicting row. */
  conflicts: number;
  /** The most rows one committed transaction carried. */
  largestBatchRows: number;
}

interface Waiter {
  rows: LedgerRow[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export class LedgerWriter {
  private readonly maxDelayMs: number;
  private readonly maxRows: number;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private pending: Waiter[] = [];
  private pendingRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private closed = false;
  private readonly counters: LedgerWriterStats = {
    commits: 0,
    transactions: 0,
    rows: 0,
    failedBatches: 0,
    conflicts: 0,
    largestBatchRows: 0,
  };

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: LedgerWriterOptions = {},
  ) {
    this.maxDelayMs = options.maxDelayMs ?? 2;
    this.maxRows = options.maxRows ?? 1000;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.timeoutMs = options.timeoutMs ?? 1000;
  }

  /** Resolves once `rows` are committed (or were already, identically). See the guarantees above. */
  commit(rows: LedgerRow[]): Promise<void> {
    if (this.closed) return Promise.reject(new LedgerUnavailableError('the writer is closed'));
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      this.pendingRows += rows.length;
      if (this.pendingRows >= this.maxRows) this.flush();
      else
        this.timer ??= setTimeout(() => {
          this.timer = null;
          this.flush();
        }, this.maxDelayMs);
    });
  }

  stats(): LedgerWriterStats {
    return { ...this.counters };
  }

  /** Sends what is pending, then refuses new commits. Resolves when every batch has answered. */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    while (this.inFlight > 0 || this.pending.length > 0) {
      await new Promise((r) => setTimeout(r, 5));
      this.flush();
    }
  }

  /** Starts a batch of the pending calls if a slot is free; else the batch grows meanwhile. */
  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0 || this.inFlight >= this.maxInFlight) return;
    const batch = this.takeBatch();
    this.inFlight += 1;
    void this.run(batch).finally(() => {
      this.inFlight -= 1;
      if (this.pending.length > 0) this.flush();
    });
  }

  /** Up to maxRows rows of whole calls (a call larger than maxRows goes alone). */
  private takeBatch(): Waiter[] {
    let rows = 0;
    let n = 0;
    while (n < this.pending.length) {
      const size = this.pending[n]?.rows.length ?? 0;
      if (n > 0 && rows + size > this.maxRows) break;
      rows += size;
      n += 1;
    }
    const batch = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    this.pendingRows -= rows;
    return batch;
  }

  /** One batch: answers every waiter in it, within timeoutMs. */
  private async run(batch: Waiter[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LedgerUnavailableError(`no commit within ${this.timeoutMs} ms (outcome unknown)`)),
        this.timeoutMs,
      );
    });
    const work = this.transact(batch);
    try {
      const rejected = await Promise.race([work, deadline]);
      this.counters.commits += batch.length;
      for (const w of batch) {
        const err = rejected.get(w);
        if (err) w.reject(err);
        else w.resolve();
      }
    } catch (err) {
      const e = toLedgerError(err);
      this.counters.failedBatches += 1;
      this.counters.commits += batch.length;
      this.options.log?.error({ err: e, callers: batch.length }, 'ledger batch failed');
      for (const w of batch) w.reject(e);
    } finally {
      clearTimeout(timer);
      work.catch(() => undefined); // answered already by the deadline
    }
  }

  /**
   * BEGIN, insert, check the rows that were already there, COMMIT. A caller with a
   * conflicting row is taken out and the rest run again in a fresh transaction, so its
   * rows are never written. Resolves with the callers rejected for a conflict.
   */
  private async transact(batch: Waiter[]): Promise<Map<Waiter, LedgerConflictError>> {
    const rejected = new Map<Waiter, LedgerConflictError>();
    let live = batch;
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      while (live.length > 0) {
        const rows = live.flatMap((w) => w.rows);
        await client.query('BEGIN');
        const inserted = await insertRows(client, rows);
        const conflicts = await this.conflicts(client, live, inserted);
        if (conflicts.size === 0) {
          await client.query('COMMIT');
          this.counters.transactions += 1;
          this.counters.rows += rows.length;
          this.counters.largestBatchRows = Math.max(this.counters.largestBatchRows, rows.length);
          return rejected;
        }
        await client.query('ROLLBACK');
        for (const [w, err] of conflicts) {
          rejected.set(w, err);
          this.counters.conflicts += 1;
          this.options.log?.error(
            { rowId: err.rowId, stored: err.stored, sent: err.sent },
            'ledger conflict: id reused',
          );
        }
        live = live.filter((w) => !conflicts.has(w));
      }
      return rejected;
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      // A failed connection (or one left mid-transaction by a timeout) is destroyed, not reused.
      client.release(broken);
    }
  }

  /** For each caller, its first row stored under its id with other content (or not stored at all). */
  private async conflicts(
    client: pg.PoolClient,
    live: Waiter[],
    inserted: Set<string>,
  ): Promise<Map<Waiter, LedgerConflictError>> {
    const seen = new Map<string, number>();
    for (const w of live) for (const r of w.rows) seen.set(rowIdOf(r), (seen.get(rowIdOf(r)) ?? 0) + 1);
    // Rows this batch inserted exactly once are its own; the rest are checked against storage.
    const suspects = live
      .flatMap((w) => w.rows)
      .filter((r) => !inserted.has(rowIdOf(r)) || (seen.get(rowIdOf(r)) ?? 0) > 1);
    const out = new Map<Waiter, LedgerConflictError>();
    if (suspects.length === 0) return out;
    const stored = await storedSignatures(client, suspects);
    for (const w of live) {
      for (const r of w.rows) {
        const id = rowIdOf(r);
        if (inserted.has(id) && (seen.get(id) ?? 0) === 1) continue;
        const sent = signatureOf(r);
        const have = stored.get(id) ?? '(absent: another row holds its unique key)';
        if (have !== sent) {
          out.set(w, new LedgerConflictError(id, have, sent));
          break;
        }
      }
    }
    return out;
  }
}
