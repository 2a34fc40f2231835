/**
 * Wallets in this process's memory (wallet-store.ts). Each method runs synchronously to
 * completion before it returns a promise, so each is atomic.
 */
import type { Credit, Hold, HoldResult, LedgerEntry, LedgerKind, WalletStore } from './wallet-store.js';

export interface Wallet {
  balance: number;
  ledger: LedgerEntry[];
  mints: Set<string>;
  credits: Set<string>;
  holds: Map<string, Hold & { state: 'held' | 'settled' | 'released' }>;
}

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryWallets implements WalletStore {
  private readonly wallets = new Map<string, Wallet>();

  /** Every wallet seen, by user id (for the audit). */
  all(): ReadonlyMap<string, Wallet> {
    return this.wallets;
  }

  /** The user's wallet, made empty if never seen. */
  wallet(userId: string): Wallet {
    let w = this.wallets.get(userId);
    if (!w) {
      w = { balance: 0, ledger: [], mints: new Set(), credits: new Set(), holds: new Map() };
      this.wallets.set(userId, w);
    }
    return w;
  }

  private post(userId: string, kind: LedgerKind, amount: number, ref: string, at: number): number {
    const w = this.wallet(userId);
    w.balance += amount;
    w.ledger.push({ userId, kind, amount, balance: w.balance, ref, at });
    return w.balance;
  }

  getBalance(userId: string): Promise<number> {
    return Promise.resolve(this.wallets.get(userId)?.balance ?? 0);
  }

  mint(
    userId: string,
    amount: number,
    mintId: string,
    at: number,
  ): Promise<{ balance: number; applied: boolean }> {
    const w = this.wallet(userId);
    if (w.mints.has(mintId)) return Promise.resolve({ balance: w.balance, applied: false });
    w.mints.add(mintId);
    return Promise.resolve({ balance: this.post(userId, 'mint', amount, mintId, at), applied: true });
  }

  hold(hold: Hold): Promise<HoldResult> {
    const existing = this.wallets.get(hold.userId);
    if (existing?.holds.has(hold.holdId)) return Promise.resolve({ ok: true, balance: existing.balance });
    const balance = existing?.balance ?? 0;
    if (balance < hold.amount) return Promise.resolve({ ok: false, balance });
    const w = this.wallet(hold.userId);
    w.holds.set(hold.holdId, { ...hold, state: 'held' });
    return Promise.resolve({
      ok: true,
      balance: this.post(hold.userId, 'hold', -hold.amount, hold.holdId, hold.at),
    });
  }

  settleHold(userId: string, holdId: string): Promise<void> {
    const h = this.wallets.get(userId)?.holds.get(holdId);
    if (h?.state === 'held') {
      h.state = 'settled';
      delete h.ledger;
    }
    return Promise.resolve();
  }

  releaseHold(userId: string, holdId: string, at: number): Promise<{ balance: number; applied: boolean }> {
    const w = this.wallets.get(userId);
    const h = w?.holds.get(holdId);
    if (!w || h?.state !== 'held') return Promise.resolve({ balance: w?.balance ?? 0, applied: false });
    h.state = 'released';
    delete h.ledger;
    return Promise.resolve({ balance: this.post(userId, 'release', h.amount, holdId, at), applied: true });
  }

  applyCredit(credit: Credit): Promise<{ balance: number; applied: boolean }> {
    return Promise.resolve(this.creditNow(credit));
  }

  /** applyCredit's one atomic step (nothing awaits inside); grabAndCredit pays through it. */
  creditNow(credit: Credit): { balance: number; applied: boolean } {
    const w = this.wallet(credit.userId);
    if (w.credits.has(credit.claimId)) return { balance: w.balance, applied: false };
    w.credits.add(credit.claimId);
    return {
      balance: this.post(credit.userId, 'credit', credit.amount, credit.claimId, credit.at),
      applied: true,
    };
  }

  listStaleHolds(before: number, limit: number): Promise<Hold[]> {
    const out: Hold[] = [];
    for (const w of this.wallets.values()) {
      for (const h of w.holds.values()) {
        if (h.state === 'held' && h.at < before && out.length < limit) {
          const { state: _state, ...stale } = h;
          out.push(stale);
        }
      }
    }
    return Promise.resolve(out);
  }

  ledger(userId: string, limit: number): Promise<LedgerEntry[]> {
    const entries = this.wallets.get(userId)?.ledger ?? [];
    return Promise.resolve(copy(entries.slice(-limit).reverse()));
  }
}
