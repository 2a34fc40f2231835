/**
 * The store: all game state, shaped like the game. MemoryStore implements it in-process;
 * RedisStore (next) implements it with one Lua script per atomic method.
 *
 * Slots. Every method touches exactly one *wallet* (keyed by user) or one *packet* (keyed by
 * packet) or one *room*, so each is atomic on its own — in one Redis Cluster slot — and no
 * method is atomic across two of them. Money that crosses a wallet and a packet therefore
 * moves in idempotent steps, and the reconciler re-drives whichever step a crash left out:
 *
 *   funding a packet     hold (wallet)  →  createPacket (packet)  →  settleHold (wallet)
 *                        on failure:       abortFunded (packet)   →  releaseHold (wallet)
 *   paying a share       grab (packet: claim + outbox credit)  →  applyCredit (wallet)
 *                        →  ackCredits (packet, batched, any time later)
 *   refunding expiry     expirePacket (packet: outbox refund)  →  applyCredit  →  ackCredits
 *
 * Claims are authoritative: once `grab` returns a claim, the credit *will* land (now, or
 * from the reconciler via listStaleCredits). `applyCredit` is idempotent by claim id, so
 * re-driving a credit that did land pays nothing.
 *
 * Every amount is integer fen. All methods may reject with StoreUnavailableError.
 *
 * The Store is composed of one interface per concept, each with a memory and a Redis
 * implementation in files of their own, put together by composed-store.ts:
 *
 *   wallets   wallet-store.ts   memory-wallets.ts   redis-wallets.ts
 *   packets   packet-store.ts   memory-packets.ts   redis-packets.ts (+ redis-outbox.ts)
 *   rains     rain-store.ts     memory-rain-store.ts → memory-rains.ts
 *                               redis-rain-store.ts → redis-rains.ts
 *   rooms     room-store.ts     memory-rooms.ts     redis-rooms.ts
 *   audit     audit-store.ts    memory-audit.ts     redis-audit.ts (both over audit-tally.ts)
 *
 * and beside them, reached as properties: nodes (node-registry.ts), codes (code-store.ts),
 * fairRains (rain-fair-store.ts) and fences (fence-store.ts).
 */
import type { AuditStore } from './audit/audit-store.js';
import type { CodeStore } from './codes/code-store.js';
import type { FenceStore } from './fences/fence-store.js';
import type { NodeRegistry } from './nodes/node-registry.js';
import type { PacketStore } from './packets/packet-store.js';
import type { RainFairStore } from './rains/lottery-store.js';
import type { RainStore } from './rains/rain-store.js';
import type { RoomStore } from './rooms/room-store.js';
import type { WalletStore } from './wallets/wallet-store.js';

/** The concepts' types, so callers keep importing them from here. */
export type * from './audit/audit-store.js';
export type * from './packets/packet-store.js';
export type * from './rains/rain-store.js';
export type * from './rooms/room-store.js';
export type * from './wallets/wallet-store.js';

export type StoreKind = 'memory' | 'redis' | 'cluster';

export class StoreUnavailableError extends Error {
  constructor(message = 'the store is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export interface Store extends WalletStore, PacketStore, RainStore, RoomStore, AuditStore {
  readonly kind: StoreKind;

  /** Node liveness and the room memberships each node holds (node-registry.ts). */
  readonly nodes: NodeRegistry;
  /** Receive codes, exclusive-packet inboxes and the phrase index (code-store.ts). */
  readonly codes: CodeStore;
  /** Lottery windows, tap limits and the audit trail of rains (rain-fair-store.ts). */
  readonly fairRains: RainFairStore;
  /** The nearby index of location-fenced packets and their claim-location log (fence-store.ts). */
  readonly fences: FenceStore;

  /** Resolves if the store answers; readiness probes call it. */
  ping(): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
