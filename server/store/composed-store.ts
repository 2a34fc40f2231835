/**
 * The Store as the composition of its concepts (store.ts): each method hands over to the
 * part that owns it — wallets, packets, rains, rooms or the audit — unchanged, so every
 * contract is the part's. MemoryStore and RedisStore extend it with their parts, the
 * properties (nodes, codes, fairRains) and ping/close.
 */
import type { FenceStore } from './fences/fence-store.js';
import type { AuditReport, ChatMessage, LeaderboardEntry, UserRef } from '@red-packet/sdk/protocol';
import type { GrabPass } from '../domain/claim-gate.js';
import type { Listen } from '../domain/karaoke-credit.js';
import type { AuditStore } from './audit/audit-store.js';
import type { CodeStore } from './codes/code-store.js';
import type { NodeRegistry } from './nodes/node-registry.js';
import type {
  CancelOutcome,
  ClaimRecord,
  CreateResult,
  CreditedGrabOutcome,
  ExpireOutcome,
  GrabOutcome,
  ListenRecord,
  PacketRecord,
  PacketStore,
} from './packets/packet-store.js';
import type { RainFairStore } from './rains/lottery-store.js';
import type {
  ActiveDrop,
  DropGrabOutcome,
  EndRainOutcome,
  LeaseResult,
  RainRecord,
  RainStore,
  ReleaseResult,
} from './rains/rain-store.js';
import type { RoomStore } from './rooms/room-store.js';
import type { Store, StoreKind } from './store.js';
import type { Credit, Hold, HoldResult, LedgerEntry, WalletStore } from './wallets/wallet-store.js';

/** One implementation per concept, all over the same backend. */
export interface StoreParts {
  wallets: WalletStore;
  packets: PacketStore;
  rains: RainStore;
  rooms: RoomStore;
  audit: AuditStore;
}

export abstract class ComposedStore implements Store {
  abstract readonly kind: StoreKind;
  abstract readonly nodes: NodeRegistry;
  abstract readonly codes: CodeStore;
  abstract readonly fairRains: RainFairStore;
  abstract readonly fences: FenceStore;
  private readonly wallets: WalletStore;
  private readonly packets: PacketStore;
  private readonly rainStore: RainStore;
  private readonly rooms: RoomStore;
  private readonly auditor: AuditStore;

  protected constructor(parts: StoreParts) {
    this.wallets = parts.wallets;
    this.packets = parts.packets;
    this.rainStore = parts.rains;
    this.rooms = parts.rooms;
    this.auditor = parts.audit;
  }

  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;

  // ── wallets (wallet-store.ts) ───────────────────────────────────────────────────────

  getBalance(userId: string): Promise<number> {
    return this.wallets.getBalance(userId);
  }

  mint(
    userId: string,
    amount: number,
    mintId: string,
    at: number,
  ): Promise<{ balance: number; applied: boolean }> {
    return this.wallets.mint(userId, amount, mintId, at);
  }

  hold(hold: Hold): Promise<HoldResult> {
    return this.wallets.hold(hold);
  }

  settleHold(userId: string, holdId: string): Promise<void> {
    return this.wallets.settleHold(userId, holdId);
  }

  releaseHold(userId: string, holdId: string, at: number): Promise<{ balance: number; applied: boolean }> {
    return this.wallets.releaseHold(userId, holdId, at);
  }

  applyCredit(credit: Credit): Promise<{ balance: number; applied: boolean }> {
    return this.wallets.applyCredit(credit);
  }

  listStaleHolds(before: number, limit: number): Promise<Hold[]> {
    return this.wallets.listStaleHolds(before, limit);
  }

  ledger(userId: string, limit: number): Promise<LedgerEntry[]> {
    return this.wallets.ledger(userId, limit);
  }

  // ── packets (packet-store.ts) ───────────────────────────────────────────────────────

  createPacket(packet: PacketRecord, shares: number[]): Promise<CreateResult> {
    return this.packets.createPacket(packet, shares);
  }

  abortFunded(id: string): Promise<'aborted' | 'exists'> {
    return this.packets.abortFunded(id);
  }

  grab(packetId: string, user: UserRef, at: number, pass?: GrabPass): Promise<GrabOutcome> {
    return this.packets.grab(packetId, user, at, pass);
  }

  cancelPacket(packetId: string, senderId: string, at: number): Promise<CancelOutcome> {
    return this.packets.cancelPacket(packetId, senderId, at);
  }

  grabAndCredit(packetId: string, user: UserRef, at: number, pass?: GrabPass): Promise<CreditedGrabOutcome> {
    return this.packets.grabAndCredit(packetId, user, at, pass);
  }

  expirePacket(packetId: string, at: number): Promise<ExpireOutcome> {
    return this.packets.expirePacket(packetId, at);
  }

  ackCredits(sourceId: string, claimIds: string[]): Promise<void> {
    return this.packets.ackCredits(sourceId, claimIds);
  }

  getPacket(packetId: string): Promise<PacketRecord | null> {
    return this.packets.getPacket(packetId);
  }

  getListen(packetId: string, userId: string): Promise<ListenRecord | null> {
    return this.packets.getListen(packetId, userId);
  }

  saveListen(packetId: string, userId: string, listen: Listen, expectedVersion: number): Promise<boolean> {
    return this.packets.saveListen(packetId, userId, listen, expectedVersion);
  }

  getClaims(packetId: string): Promise<ClaimRecord[]> {
    return this.packets.getClaims(packetId);
  }

  claimedAmounts(packetIds: string[], userId: string): Promise<(number | null)[]> {
    return this.packets.claimedAmounts(packetIds, userId);
  }

  listOpenPackets(roomId: string, limit: number): Promise<PacketRecord[]> {
    return this.packets.listOpenPackets(roomId, limit);
  }

  listDueExpiries(now: number, limit: number): Promise<string[]> {
    return this.packets.listDueExpiries(now, limit);
  }

  listStaleCredits(before: number, limit: number): Promise<Credit[]> {
    return this.packets.listStaleCredits(before, limit);
  }

  // ── rains (rain-store.ts) ───────────────────────────────────────────────────────────

  createRain(rain: RainRecord, drops: { dropId: string; shares: number[] }[]): Promise<CreateResult> {
    return this.rainStore.createRain(rain, drops);
  }

  getRain(rainId: string): Promise<RainRecord | null> {
    return this.rainStore.getRain(rainId);
  }

  listActiveRains(limit: number): Promise<string[]> {
    return this.rainStore.listActiveRains(limit);
  }

  listRoomRains(roomId: string): Promise<RainRecord[]> {
    return this.rainStore.listRoomRains(roomId);
  }

  acquireRainLease(rainId: string, nodeId: string, now: number, ttlMs: number): Promise<LeaseResult> {
    return this.rainStore.acquireRainLease(rainId, nodeId, now, ttlMs);
  }

  releaseRainLease(rainId: string, nodeId: string): Promise<void> {
    return this.rainStore.releaseRainLease(rainId, nodeId);
  }

  releaseDrops(
    rainId: string,
    nodeId: string,
    from: number,
    dropIds: string[],
    now: number,
    leaseTtlMs: number,
  ): Promise<ReleaseResult> {
    return this.rainStore.releaseDrops(rainId, nodeId, from, dropIds, now, leaseTtlMs);
  }

  grabDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<DropGrabOutcome> {
    return this.rainStore.grabDrop(rainId, dropId, user, now);
  }

  endRain(rainId: string, now: number, reason: 'finished' | 'cancelled'): Promise<EndRainOutcome> {
    return this.rainStore.endRain(rainId, now, reason);
  }

  rainLeaderboard(rainId: string, limit: number): Promise<LeaderboardEntry[]> {
    return this.rainStore.rainLeaderboard(rainId, limit);
  }

  rainUserStats(rainId: string, userId: string): Promise<{ grabs: number; amount: number }> {
    return this.rainStore.rainUserStats(rainId, userId);
  }

  activeDrops(rainId: string, now: number): Promise<ActiveDrop[]> {
    return this.rainStore.activeDrops(rainId, now);
  }

  // ── rooms (room-store.ts) ───────────────────────────────────────────────────────────

  appendChat(message: ChatMessage, keep: number): Promise<void> {
    return this.rooms.appendChat(message, keep);
  }

  recentChat(roomId: string, limit: number): Promise<ChatMessage[]> {
    return this.rooms.recentChat(roomId, limit);
  }

  addMember(roomId: string, userId: string, connId: string): Promise<number> {
    return this.rooms.addMember(roomId, userId, connId);
  }

  removeMember(roomId: string, userId: string, connId: string): Promise<number> {
    return this.rooms.removeMember(roomId, userId, connId);
  }

  memberCount(roomId: string): Promise<number> {
    return this.rooms.memberCount(roomId);
  }

  // ── audit (audit-store.ts) ──────────────────────────────────────────────────────────

  audit(): Promise<AuditReport> {
    return this.auditor.audit();
  }
}
