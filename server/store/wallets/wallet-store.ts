/**
 * Wallets: balances, holds and the ledger. Every method is atomic on one wallet (one Redis
 * Cluster slot); money that crosses a wallet and a packet or rain moves in the idempotent
 * steps described in store.ts. Implemented by memory-wallets.ts and redis-wallets.ts.
 *
 * Every amount is integer fen. All methods may reject with StoreUnavailableError.
 */

/** Money owed to a wallet by a packet: a claimed share or an expiry refund. */
export interface Credit {
  /** Idempotency key: a credit with a given id is applied at most once. */
  claimId: string;
  userId: string;
  amount: number;
  /** The packet (`pk_…`) or rain (`rn_…`) that owes it; its outbox holds the credit. */
  sourceId: string;
  /** A packet share, a packet's expiry refund, a rain drop share, a rain's end refund. */
  reason: 'grab' | 'refund' | 'drop' | 'rain-refund';
  at: number;
}

/** Money taken from a wallet for a purpose that has not been settled yet. */
export interface Hold {
  /** Equals the id of the packet or rain it funds. */
  holdId: string;
  userId: string;
  amount: number;
  at: number;
  /**
   * With a PostgreSQL ledger: the ledger rows of the packet or rain the hold funds (JSON),
   * kept while it is held, so the reconciler can commit a send whose node died before its
   * commit (then settle it). Dropped when the hold is settled or released.
   */
  ledger?: string;
}

export type LedgerKind = 'mint' | 'hold' | 'release' | 'credit';

/** One wallet movement. The ledger is append-only; Σ amount over a wallet = its balance. */
export interface LedgerEntry {
  userId: string;
  kind: LedgerKind;
  /** Signed change in fen. */
  amount: number;
  /** Balance after this entry. */
  balance: number;
  /** mint id, hold id, or claim id. */
  ref: string;
  at: number;
}

export type HoldResult = { ok: true; balance: number } | { ok: false; balance: number };

export interface WalletStore {
  /** Current balance (0 for a wallet never seen). */
  getBalance(userId: string): Promise<number>;

  /**
   * Creates money in a wallet (admin test money), ledgered as `mint`.
   * Idempotent by `mintId`: a repeat returns the current balance and `applied: false`.
   */
  mint(
    userId: string,
    amount: number,
    mintId: string,
    at: number,
  ): Promise<{ balance: number; applied: boolean }>;

  /**
   * Atomically checks the balance and debits `hold.amount` into a hold, ledgered as `hold`.
   * On insufficient funds nothing is written (`ok: false`). Idempotent by holdId: a repeat of
   * an existing hold returns `ok: true` without debiting again.
   */
  hold(hold: Hold): Promise<HoldResult>;

  /**
   * Marks a hold settled: its money now sits in the packet's escrow. No wallet change.
   * Idempotent; a no-op for a hold already settled or released or never made.
   */
  settleHold(userId: string, holdId: string): Promise<void>;

  /**
   * Returns a still-held hold's money to the wallet, ledgered as `release`. Idempotent:
   * a settled, released or unknown hold is left alone (`applied: false`).
   */
  releaseHold(userId: string, holdId: string, at: number): Promise<{ balance: number; applied: boolean }>;

  /**
   * Credits a wallet for a claim or refund, ledgered as `credit` with ref = claimId.
   * Idempotent by claimId: a repeat returns the current balance and `applied: false`.
   */
  applyCredit(credit: Credit): Promise<{ balance: number; applied: boolean }>;

  /** Holds still `held` that were made before `before` (for the reconciler). */
  listStaleHolds(before: number, limit: number): Promise<Hold[]>;

  /** The wallet's most recent ledger entries, newest first. */
  ledger(userId: string, limit: number): Promise<LedgerEntry[]>;
}
