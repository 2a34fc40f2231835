/**
 * The store: all game state, shaped like the game, as a plain object of its parts. Each part
 * is an interface with a memory and a Redis implementation in the folder of its concept;
 * services call the part they use (`store.packets.grab`, `store.wallets.applyCredit`, …).
 *
 *   wallets   balances, holds and the ledger                 wallets/wallet-store.ts
 *   packets   group packets: shares, claims, listens, expiry  packets/packet-store.ts
 *   rains     rains: drops, leases, the leaderboard          rains/rain-store.ts
 *   lottery   lottery rains: tickets, draws, the trail       rains/lottery-store.ts
 *   escrow    tombstones and outboxes of packets and rains    escrow/escrow-store.ts
 *   rooms     chat history and membership                    rooms/room-store.ts
 *   codes     receive codes, inboxes, the phrase index       codes/code-store.ts
 *   fences    the nearby index and claim locations           fences/fence-store.ts
 *   nodes     node liveness and the members each node holds  nodes/node-registry.ts
 *   audit     the conservation audit                         audit/audit-store.ts
 *   risk      risk counters, bans and flags                  risk/risk-store.ts
 *
 * Slots. Every method touches exactly one *wallet* (keyed by user) or one *packet* (keyed by
 * packet) or one *rain* or one *room*, so each is atomic on its own — in one Redis Cluster
 * slot — and no method is atomic across two of them. Money that crosses a wallet and a packet
 * therefore moves in idempotent steps, and the reconciler re-drives whichever step a crash
 * left out:
 *
 *   funding a packet     wallets.hold  →  packets.createPacket  →  wallets.settleHold
 *                        on failure:      escrow.abortFunded    →  wallets.releaseHold
 *   paying a share       packets.grab (claim + outbox credit)  →  wallets.applyCredit
 *                        →  escrow.ackCredits (batched, any time later)
 *   refunding expiry     packets.expirePacket (outbox refund)  →  wallets.applyCredit  →  escrow.ackCredits
 *
 * Claims are authoritative: once `grab` returns a claim, the credit *will* land (now, or
 * from the reconciler via escrow.listStaleCredits). `applyCredit` is idempotent by claim id,
 * so re-driving a credit that did land pays nothing.
 *
 * Every amount is integer fen. Every method may reject with StoreUnavailableError.
 * memory-store.ts and redis-store.ts build the parts; create-store.ts picks one from config.
 */
import type { AuditStore } from './audit/audit-store.js';
import type { CodeStore } from './codes/code-store.js';
import type { EscrowStore } from './escrow/escrow-store.js';
import type { FenceStore } from './fences/fence-store.js';
import type { NodeRegistry } from './nodes/node-registry.js';
import type { PacketStore } from './packets/packet-store.js';
import type { LotteryStore } from './rains/lottery-store.js';
import type { RainStore } from './rains/rain-store.js';
import type { RiskStore } from './risk/risk-store.js';
import type { RoomStore } from './rooms/room-store.js';
import type { StoreKind } from './unavailable.js';
import type { WalletStore } from './wallets/wallet-store.js';

/** The parts' types, so callers import them from one place. */
export type * from './audit/audit-store.js';
export type * from './escrow/escrow-store.js';
export type * from './packets/packet-store.js';
export type * from './rains/rain-store.js';
export type * from './rains/lottery-store.js';
export type * from './rooms/room-store.js';
export type * from './wallets/wallet-store.js';
export { StoreUnavailableError, type StoreKind } from './unavailable.js';

export interface Store {
  readonly kind: StoreKind;
  readonly wallets: WalletStore;
  readonly packets: PacketStore;
  readonly rains: RainStore;
  readonly lottery: LotteryStore;
  readonly escrow: EscrowStore;
  readonly rooms: RoomStore;
  readonly codes: CodeStore;
  readonly fences: FenceStore;
  readonly nodes: NodeRegistry;
  readonly audit: AuditStore;
  readonly risk: RiskStore;

  /** Resolves if the store answers; readiness probes call it. */
  ping(): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
