/**
 * The money steps packets and rains share (store.ts has the protocol):
 *   fund  hold (wallet) → create (packet/rain) → settle (wallet); on failure abort → release
 *   pay   applyCredit (wallet, idempotent by claim id) → queue the outbox ack → notify
 *         (or nothing but the notice, when the store credited in the grab: grabAndCredit)
 * Every step is idempotent; a failure part-way is finished by the reconciler, never twice.
 */
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { CreateResult, Credit, Store } from '../../store/store.js';
import type { Broadcaster } from '../runtime/broadcaster.js';
import type { CreditAcker } from './credit-acker.js';

export class Payments {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly broadcaster: Broadcaster,
    private readonly acker: CreditAcker,
    private readonly log: Logger,
  ) {}

  /**
   * Debits `amount` from `userId` into a hold named `id`, runs `create` (which must create the
   * packet or rain `id`), and settles the hold. Either both the debit and the thing exist
   * afterwards, or neither (once the reconciler has run, if the store failed in between).
   * Resolves with the payer's new balance.
   */
  async fund(
    userId: string,
    id: string,
    amount: number,
    create: () => Promise<CreateResult>,
  ): Promise<number> {
    const held = await this.store.wallets.hold({ holdId: id, userId, amount, at: this.clock.now() });
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
    await this.store.wallets.settleHold(userId, id).catch((err: unknown) => {
      this.log.warn({ err, id }, 'settle failed; the reconciler will settle');
    });
    this.broadcaster.toUser(userId, 'wallet:updated', { balance: held.balance });
    return held.balance;
  }

  /**
   * Lands a claimed credit in the wallet and queues its outbox ack. If the store fails here
   * the credit stays in the outbox and the reconciler pays it later — never twice.
   */
  async pay(credit: Credit): Promise<void> {
    try {
      const { balance } = await this.store.wallets.applyCredit(credit);
      this.acker.ack(credit.sourceId, credit.claimId);
      this.broadcaster.toUser(credit.userId, 'wallet:updated', { balance });
    } catch (err) {
      this.log.warn({ err, claimId: credit.claimId }, 'credit failed; the reconciler will pay it');
    }
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
