/** Wallets as the API sees them: balances and admin test money. */
import type { Clock } from '../../domain/clock.js';
import { newId } from '../../domain/ids.js';
import { mintRows } from '../../store/ledger/index.js';
import type { Store } from '../../store/store.js';
import type { Broadcaster } from '../runtime/broadcaster.js';
import type { LedgerGate } from './ledger-gate.js';

export class WalletService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly broadcaster: Broadcaster,
    private readonly ledger?: LedgerGate,
  ) {}

  balance(userId: string): Promise<number> {
    return this.store.wallets.getBalance(userId);
  }

  /**
   * Mints test money into a wallet (ledgered). With an idempotency key a repeated request
   * mints once; without one every request mints. With PostgreSQL the mint is answered once
   * committed there; a repeat commits it again (a no-op, or finishing a commit that failed).
   */
  async mint(
    userId: string,
    amount: number,
    idempotencyKey?: string,
  ): Promise<{ balance: number; applied: boolean }> {
    const mintId = idempotencyKey ? `mint:${idempotencyKey}` : newId('mint');
    this.ledger?.ensureUp();
    const at = this.clock.now();
    const result = await this.store.wallets.mint(userId, amount, mintId, at);
    await this.ledger?.commit(mintRows(userId, amount, mintId, at));
    if (result.applied) this.broadcaster.toUser(userId, 'wallet:updated', { balance: result.balance });
    return result;
  }
}
