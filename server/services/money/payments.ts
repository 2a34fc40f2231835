/**
 * The money steps packets and rains share (store.ts has the protocol):
 *   fund  hold (wallet) → create (packet/rain) → settle (wallet); on failure abort → release
 *   pay   applyCredit (wallet, idempotent by claim id) → queue the outbox ack → notify
 *         (or nothing but the notice, when the store credited in the grab: grabAndCredit)
 * Every step is idempotent; a failure part-way is finished by the reconciler, never twice.
 * With PostgreSQL (a LedgerGate), each step's ledger rows are committed before it is
 * acknowledged: a fund's hold and packet (or rain) once created, a credit's claim and entry
 * before the wallet is credited in the store (PostgreSQL first: a credit whose commit failed
 * stays in the outbox, and the reconciler commits and applies it later).
 */
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import { dropOfClaimId } from '../../domain/ids.js';
import { claimAndCreditRows, holdRows, type LedgerRow } from '../../store/ledger/index.js';
import type { CreateResult, Credit, Hold, Store } from '../../store/store.js';
import type { Broadcaster } from '../runtime/broadcaster.js';
import type { CreditAcker } from './credit-acker.js';
import type { LedgerGate } from './ledger-gate.js';

/** A credit's ledger rows: its claim and its wallet entry (a drop share names its drop). */
export const creditLedgerRows = (credit: Credit): LedgerRow[] =>
  claimAndCreditRows(credit, credit.reason === 'drop' ? dropOfClaimId(credit.claimId) : null);

export class Payments {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly broadcaster: Broadcaster,
    private readonly acker: CreditAcker,
    private readonly log: Logger,
    /** PostgreSQL, when DATABASE_URL is set; absent: the store alone is the record. */
    readonly ledger?: LedgerGate,
  ) {}

  /**
   * Debits `amount` from `userId` into a hold named `id`, runs `create` (which must create the
   * packet or rain `id`), and settles the hold. Either both the debit and the thing exist
   * afterwards, or neither (once the reconciler has run, if the store failed in between).
   * Resolves with the payer's new balance, once the hold and `rows` (the packet's or rain's
   * ledger rows) are committed to PostgreSQL when there is one. With PostgreSQL the hold
   * carries `rows` and is settled only after the commit: if the commit fails (the send
   * answers STORE_UNAVAILABLE; the gate retries it) or the node dies first, the hold stays
   * held and the reconciler commits the hold and `rows` and then settles it — so a thing that
   * exists in Redis is never missing from PostgreSQL for longer than the reconciler's grace.
   */
  async fund(
    userId: string,
    id: string,
    amount: number,
    create: () => Promise<CreateResult>,
    rows: () => LedgerRow[] = () => [],
  ): Promise<number> {
    this.ledger?.ensureUp();
    const thing = this.ledger ? rows() : [];
    const hold: Hold = { holdId: id, userId, amount, at: this.clock.now() };
    if (this.ledger) hold.ledger = JSON.stringify(thing);
    const held = await this.store.wallets.hold(hold);
    if (!held.ok)
      throw new GameError('INSUFFICIENT_FUNDS', `balance ${held.balance} fen is below ${amount} fen`);
    let created: CreateResult;
    try {
      created = await create();
    } catch (err) {
      await this.undoFunding(userId, id);
      throw err;
    }
    if (created === 'aborted') {
      await this.undoFunding(userId, id);
      throw new GameError('INTERNAL', 'abandoned before it was created; funds returned');
    }
    await this.ledger?.commit([...holdRows(hold), ...thing]);
    await this.store.wallets.settleHold(userId, id).catch((err: unknown) => {
      this.log.warn({ err, id }, 'settle failed; the reconciler will settle');
    });
    this.broadcaster.toUser(userId, 'wallet:updated', { balance: held.balance });
    return held.balance;
  }

  /**
   * Commits a claimed credit to PostgreSQL (when there is one), then lands it in the wallet and
   * queues its outbox ack. Rejects (StoreUnavailableError) only if the commit fails: then
   * nothing else happened and the credit stays in the outbox. If the store fails after the
   * commit the credit stays in the outbox too; either way the reconciler pays it later —
   * never twice. `committed`: the caller committed its rows already (a draw's winners).
   */
  async pay(credit: Credit, options: { committed?: boolean } = {}): Promise<void> {
    if (!options.committed) await this.ledger?.commit(creditLedgerRows(credit));
    try {
      const { balance } = await this.store.wallets.applyCredit(credit);
      this.acker.ack(credit.sourceId, credit.claimId);
      this.broadcaster.toUser(credit.userId, 'wallet:updated', { balance });
    } catch (err) {
      this.log.warn({ err, claimId: credit.claimId }, 'credit failed; the reconciler will pay it');
    }
  }

  /** `pay` for steps nobody waits on (expiry, a rain's end): a failure is logged, the reconciler pays. */
  async payLater(credit: Credit): Promise<void> {
    await this.pay(credit).catch((err: unknown) => {
      this.log.warn({ err, claimId: credit.claimId }, 'ledger commit failed; the reconciler will pay it');
    });
  }

  /**
   * A credit the store applied with its claim (grabAndCredit) and, being durable, left in the
   * outbox: commits its rows, then queues the outbox ack. A node that dies between the two
   * leaves the entry for the reconciler, which commits the rows (a no-op if they landed) and
   * acks it — so a claim made in Redis is never missing from PostgreSQL for long.
   */
  async recordCredited(credit: Credit): Promise<void> {
    if (!this.ledger) return;
    await this.ledger.commit(creditLedgerRows(credit));
    this.acker.ack(credit.sourceId, credit.claimId);
  }

  /** Commits ledger rows of a step the store made (a no-op without PostgreSQL). */
  async record(rows: LedgerRow[]): Promise<void> {
    await this.ledger?.commit(rows);
  }

  /** Refuses (STORE_UNAVAILABLE) before a money step while PostgreSQL is known to be away. */
  ensureLedger(): void {
    this.ledger?.ensureUp();
  }

  /**
   * A credit the store applied together with its claim (grabAndCredit): just notify — every
   * connection of the user but `exceptConn`, whose ack carries the balance.
   */
  credited(userId: string, balance: number, exceptConn?: string): void {
    if (exceptConn === undefined) this.broadcaster.toUser(userId, 'wallet:updated', { balance });
    else this.broadcaster.toUserExcept(exceptConn, userId, 'wallet:updated', { balance });
  }

  /** Undoes a hold whose packet or rain may not exist: tombstone it first, then release. */
  private async undoFunding(userId: string, id: string): Promise<void> {
    try {
      if ((await this.store.escrow.abortFunded(id)) === 'exists') {
        await this.store.wallets.settleHold(userId, id);
      } else {
        const { balance } = await this.store.wallets.releaseHold(userId, id, this.clock.now());
        this.broadcaster.toUser(userId, 'wallet:updated', { balance });
      }
    } catch (err) {
      this.log.warn({ err, id }, 'undoing a hold failed; the reconciler will finish it');
    }
  }
}
