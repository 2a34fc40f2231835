/**
 * Escrow: what packets and rains share as holders of money — the tombstone that stops a
 * refunded hold's packet or rain from ever appearing, and the outbox of credits a claim or
 * refund has recorded but not yet landed in a wallet. Every method takes the id of a *funded
 * source* (a packet or a rain; domain/ids.ts `fundedSourceOf` tells which) and is atomic on
 * that one source. Implemented by memory-escrow.ts and redis-escrow.ts.
 *
 * All methods may reject with StoreUnavailableError.
 */
import type { Credit } from '../wallets/wallet-store.js';

export interface EscrowStore {
  /**
   * Makes sure the packet or rain funded by hold `id` will never be created: `aborted` (a
   * tombstone is left) unless it already exists (`exists`). Idempotent. The reconciler calls
   * it before releasing a hold.
   */
  abortFunded(id: string): Promise<'aborted' | 'exists'>;

  /** Removes landed credits from their source's outbox. Idempotent; unknown ids are ignored. */
  ackCredits(sourceId: string, claimIds: string[]): Promise<void>;

  /** Outbox credits (of packets and rains) recorded before `before` and not yet acked (for the reconciler). */
  listStaleCredits(before: number, limit: number): Promise<Credit[]>;
}
