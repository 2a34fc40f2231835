/**
 * MemoryStore: the whole game in this process's memory, for one node with nothing else
 * installed. Each method runs synchronously to completion before it returns a promise, so
 * each is atomic; the step protocol in store.ts is kept as-is so the services above run the
 * same code on every store.
 */
import type { AuditReport, ChatMessage, LeaderboardEntry, UserRef } from '@red-packet/sdk/protocol';
import { grabGate, type GrabPass } from '../domain/claim-gate.js';
import { isRainId, packetClaimId, packetRefundId } from '../domain/ids.js';
import type { Listen } from '../domain/karaoke-credit.js';
import { MemoryNodes } from './memory-nodes.js';
import { MemoryCodes } from './memory-codes.js';
import { MemoryFences } from './memory-fences.js';
import { fenceVerdict } from '../domain/geo-fence.js';
import { MemoryFairRains } from './memory-fair-rains.js';
import { MemoryRains } from './memory-rains.js';
import { cancelTimed } from './memory-timed.js';
import { AuditTally } from './audit-tally.js';
import type {
  ActiveDrop,
  CancelOutcome,
  ClaimRecord,
  CreateResult,
  Credit,
  CreditedGrabOutcome,
  DropGrabOutcome,
  EndRainOutcome,
  LeaseResult,
  ListenRecord,
  RainRecord,
  ReleaseResult,
  ExpireOutcome,
  GrabOutcome,
  Hold,
  HoldResult,
  LedgerEntry,
  LedgerKind,
  PacketRecord,
  Store,
} from './store.js';

interface Wallet {
  balance: number;
  ledger: LedgerEntry[];
  mints: Set<string>;
  credits: Set<string>;
  holds: Map<string, Hold & { state: 'held' | 'settled' | 'released' }>;
}

export interface PacketState {
  record: PacketRecord;
  shares: number[];
  claims: Map<string, ClaimRecord>;
  outbox: Map<string, Credit>;
  listens: Map<string, ListenRecord>;
}

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly nodes = new MemoryNodes();
  readonly codes = new MemoryCodes();
  readonly fences = new MemoryFences();
  private readonly wallets = new Map<string, Wallet>();
  private readonly packets = new Map<string, PacketState>();
  private readonly tombstones = new Set<string>();
  private readonly roomPackets = new Map<string, string[]>();
  private readonly expiries = new Map<string, number>();
  private readonly chats = new Map<string, ChatMessage[]>();
  private readonly members = new Map<string, Map<string, Set<string>>>();
  private readonly rains = new MemoryRains();
  readonly fairRains = new MemoryFairRains(this.rains);

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  // ── wallets ─────────────────────────────────────────────────────────────────────────

  private wallet(userId: string): Wallet {
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
    if (h?.state === 'held') h.state = 'settled';
    return Promise.resolve();
  }

  releaseHold(userId: string, holdId: string, at: number): Promise<{ balance: number; applied: boolean }> {
    const w = this.wallets.get(userId);
    const h = w?.holds.get(holdId);
    if (!w || h?.state !== 'held') return Promise.resolve({ balance: w?.balance ?? 0, applied: false });
    h.state = 'released';
    return Promise.resolve({ balance: this.post(userId, 'release', h.amount, holdId, at), applied: true });
  }

  applyCredit(credit: Credit): Promise<{ balance: number; applied: boolean }> {
    return Promise.resolve(this.creditNow(credit));
  }

  private creditNow(credit: Credit): { balance: number; applied: boolean } {
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
          out.push({ holdId: h.holdId, userId: h.userId, amount: h.amount, at: h.at });
        }
      }
    }
    return Promise.resolve(out);
  }

  ledger(userId: string, limit: number): Promise<LedgerEntry[]> {
    const entries = this.wallets.get(userId)?.ledger ?? [];
    return Promise.resolve(copy(entries.slice(-limit).reverse()));
  }

  // ── packets ─────────────────────────────────────────────────────────────────────────

  createPacket(packet: PacketRecord, shares: number[]): Promise<CreateResult> {
    if (this.packets.has(packet.id)) return Promise.resolve('exists');
    if (this.tombstones.has(packet.id)) return Promise.resolve('aborted');
    this.packets.set(packet.id, {
      record: copy(packet),
      shares: [...shares],
      claims: new Map(),
      outbox: new Map(),
      listens: new Map(),
    });
    const list = this.roomPackets.get(packet.roomId) ?? [];
    list.push(packet.id);
    this.roomPackets.set(packet.roomId, list);
    this.expiries.set(packet.id, packet.expiresAt);
    return Promise.resolve('created');
  }

  abortFunded(id: string): Promise<'aborted' | 'exists'> {
    if (isRainId(id)) return Promise.resolve(this.rains.abort(id));
    if (this.packets.has(id)) return Promise.resolve('exists');
    this.tombstones.add(id);
    return Promise.resolve('aborted');
  }

  grab(packetId: string, user: UserRef, at: number, pass?: GrabPass): Promise<GrabOutcome> {
    return Promise.resolve(this.grabNow(packetId, user, at, pass));
  }

  grabAndCredit(packetId: string, user: UserRef, at: number, pass?: GrabPass): Promise<CreditedGrabOutcome> {
    const outcome = this.grabNow(packetId, user, at, pass);
    if (outcome.status !== 'claimed') return Promise.resolve(outcome);
    const { claimId } = outcome.claim;
    const credit = this.packets.get(packetId)?.outbox.get(claimId);
    this.packets.get(packetId)?.outbox.delete(claimId);
    const balance = credit ? this.creditNow(credit).balance : this.wallet(user.userId).balance;
    return Promise.resolve({ ...outcome, credited: true, balance });
  }

  /** grab's one atomic step (nothing awaits inside). */
  private grabNow(packetId: string, user: UserRef, at: number, pass?: GrabPass): GrabOutcome {
    const p = this.packets.get(packetId);
    if (!p) return { status: 'missing' };
    const previous = p.claims.get(user.userId);
    if (previous) return { status: 'already', claim: copy(previous) };
    const r = p.record;
    if (r.status === 'expired' || r.status === 'cancelled' || at >= r.expiresAt) return { status: 'expired' };
    if (r.opensAt !== null && at < r.opensAt) return { status: 'not-open', opensAt: r.opensAt };
    const fence = r.fence ? fenceVerdict(r.fence, pass?.location) : null;
    if (r.fence && fence?.inside === false)
      return { status: 'outside', radiusM: r.fence.radiusM, distanceM: fence.distanceM };
    const gate = grabGate(r, user.userId, p.listens.get(user.userId)?.unlocked === true, pass);
    if (gate !== 'open') return { status: gate };
    const amount = p.shares.pop();
    if (amount === undefined) return { status: 'empty' };
    const claim: ClaimRecord = {
      claimId: packetClaimId(packetId, user.userId),
      packetId,
      userId: user.userId,
      name: user.name,
      amount,
      at,
    };
    p.claims.set(user.userId, claim);
    p.outbox.set(claim.claimId, {
      claimId: claim.claimId,
      userId: user.userId,
      amount,
      sourceId: packetId,
      reason: 'grab',
      at,
    });
    r.remainingCount -= 1;
    r.remainingAmount -= amount;
    if (!r.bestLuck || amount > r.bestLuck.amount) {
      r.bestLuck = { userId: user.userId, name: user.name, amount, at };
    }
    if (r.remainingCount === 0) {
      r.status = 'finished';
      this.expiries.delete(packetId);
    }
    return { status: 'claimed', claim: copy(claim), packet: copy(r) };
  }

  cancelPacket(packetId: string, senderId: string, at: number): Promise<CancelOutcome> {
    const outcome = cancelTimed(this.packets.get(packetId), senderId, at);
    if (outcome.status === 'cancelled') this.expiries.delete(packetId);
    return Promise.resolve(outcome);
  }

  expirePacket(packetId: string, at: number): Promise<ExpireOutcome> {
    const p = this.packets.get(packetId);
    if (!p || p.record.status !== 'open') {
      this.expiries.delete(packetId);
      return Promise.resolve({ status: 'noop' });
    }
    const r = p.record;
    if (at < r.expiresAt) return Promise.resolve({ status: 'noop' });
    const amount = r.remainingAmount;
    let refund: Credit | null = null;
    if (amount > 0) {
      refund = {
        claimId: packetRefundId(packetId),
        userId: r.senderId,
        amount,
        sourceId: packetId,
        reason: 'refund',
        at,
      };
      p.outbox.set(refund.claimId, refund);
    }
    p.shares = [];
    r.status = 'expired';
    r.remainingAmount = 0;
    this.expiries.delete(packetId);
    return Promise.resolve({ status: 'expired', packet: copy(r), refund: copy(refund) });
  }

  ackCredits(sourceId: string, claimIds: string[]): Promise<void> {
    if (isRainId(sourceId)) {
      this.rains.ack(sourceId, claimIds);
      return Promise.resolve();
    }
    const p = this.packets.get(sourceId);
    for (const id of claimIds) p?.outbox.delete(id);
    return Promise.resolve();
  }

  getPacket(packetId: string): Promise<PacketRecord | null> {
    const p = this.packets.get(packetId);
    return Promise.resolve(p ? copy(p.record) : null);
  }

  getListen(packetId: string, userId: string): Promise<ListenRecord | null> {
    const listen = this.packets.get(packetId)?.listens.get(userId);
    return Promise.resolve(listen ? copy(listen) : null);
  }

  saveListen(packetId: string, userId: string, listen: Listen, expectedVersion: number): Promise<boolean> {
    const p = this.packets.get(packetId);
    if (!p || (p.listens.get(userId)?.version ?? 0) !== expectedVersion) return Promise.resolve(false);
    p.listens.set(userId, { ...copy(listen), version: expectedVersion + 1 });
    return Promise.resolve(true);
  }

  getClaims(packetId: string): Promise<ClaimRecord[]> {
    const p = this.packets.get(packetId);
    return Promise.resolve(p ? copy([...p.claims.values()]) : []);
  }

  claimedAmounts(packetIds: string[], userId: string): Promise<(number | null)[]> {
    return Promise.resolve(packetIds.map((id) => this.packets.get(id)?.claims.get(userId)?.amount ?? null));
  }

  listOpenPackets(roomId: string, limit: number): Promise<PacketRecord[]> {
    const ids = this.roomPackets.get(roomId) ?? [];
    const open = ids
      .map((id) => this.packets.get(id)?.record)
      .filter((r): r is PacketRecord => r?.status === 'open');
    // Forget closed packets in the room index so it stays small.
    this.roomPackets.set(
      roomId,
      ids.filter((id) => this.packets.get(id)?.record.status === 'open'),
    );
    return Promise.resolve(copy(open.slice(-limit)));
  }

  listDueExpiries(now: number, limit: number): Promise<string[]> {
    const due: string[] = [];
    for (const [id, expiresAt] of this.expiries) {
      if (expiresAt <= now) due.push(id);
      if (due.length >= limit) break;
    }
    return Promise.resolve(due);
  }

  listStaleCredits(before: number, limit: number): Promise<Credit[]> {
    const out: Credit[] = this.rains.staleCredits(before).slice(0, limit);
    for (const p of this.packets.values()) {
      for (const c of p.outbox.values()) {
        if (c.at < before) out.push(copy(c));
        if (out.length >= limit) return Promise.resolve(out);
      }
    }
    return Promise.resolve(out);
  }

  // ── rains (memory-rains.ts) ─────────────────────────────────────────────────────────

  createRain(rain: RainRecord, drops: { dropId: string; shares: number[] }[]): Promise<CreateResult> {
    return Promise.resolve(this.rains.create(rain, drops));
  }

  getRain(rainId: string): Promise<RainRecord | null> {
    return Promise.resolve(this.rains.get(rainId));
  }

  listActiveRains(limit: number): Promise<string[]> {
    return Promise.resolve(this.rains.listActive(limit));
  }

  listRoomRains(roomId: string): Promise<RainRecord[]> {
    return Promise.resolve(this.rains.listRoom(roomId));
  }

  acquireRainLease(rainId: string, nodeId: string, now: number, ttlMs: number): Promise<LeaseResult> {
    return Promise.resolve(this.rains.acquireLease(rainId, nodeId, now, ttlMs));
  }

  releaseRainLease(rainId: string, nodeId: string): Promise<void> {
    this.rains.releaseLease(rainId, nodeId);
    return Promise.resolve();
  }

  releaseDrops(
    rainId: string,
    nodeId: string,
    from: number,
    dropIds: string[],
    now: number,
    leaseTtlMs: number,
  ): Promise<ReleaseResult> {
    try {
      return Promise.resolve(this.rains.releaseDrops(rainId, nodeId, from, dropIds, now, leaseTtlMs));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  grabDrop(rainId: string, dropId: string, user: UserRef, now: number): Promise<DropGrabOutcome> {
    return Promise.resolve(this.rains.grabDrop(rainId, dropId, user, now));
  }

  endRain(rainId: string, now: number, reason: 'finished' | 'cancelled'): Promise<EndRainOutcome> {
    return Promise.resolve(this.rains.end(rainId, now, reason));
  }

  rainLeaderboard(rainId: string, limit: number): Promise<LeaderboardEntry[]> {
    return Promise.resolve(this.rains.leaderboard(rainId, limit));
  }

  rainUserStats(rainId: string, userId: string): Promise<{ grabs: number; amount: number }> {
    return Promise.resolve(this.rains.userStats(rainId, userId));
  }

  activeDrops(rainId: string, now: number): Promise<ActiveDrop[]> {
    return Promise.resolve(this.rains.activeDrops(rainId, now));
  }

  // ── rooms ───────────────────────────────────────────────────────────────────────────

  appendChat(message: ChatMessage, keep: number): Promise<void> {
    const lines = this.chats.get(message.roomId) ?? [];
    lines.push(copy(message));
    if (lines.length > keep) lines.splice(0, lines.length - keep);
    this.chats.set(message.roomId, lines);
    return Promise.resolve();
  }

  recentChat(roomId: string, limit: number): Promise<ChatMessage[]> {
    return Promise.resolve(copy((this.chats.get(roomId) ?? []).slice(-limit)));
  }

  addMember(roomId: string, userId: string, connId: string): Promise<number> {
    let room = this.members.get(roomId);
    if (!room) {
      room = new Map();
      this.members.set(roomId, room);
    }
    const conns = room.get(userId) ?? new Set<string>();
    conns.add(connId);
    room.set(userId, conns);
    return Promise.resolve(room.size);
  }

  removeMember(roomId: string, userId: string, connId: string): Promise<number> {
    const room = this.members.get(roomId);
    const conns = room?.get(userId);
    conns?.delete(connId);
    if (room && conns?.size === 0) room.delete(userId);
    if (room?.size === 0) this.members.delete(roomId);
    return Promise.resolve(room?.size ?? 0);
  }

  memberCount(roomId: string): Promise<number> {
    return Promise.resolve(this.members.get(roomId)?.size ?? 0);
  }

  // ── audit ───────────────────────────────────────────────────────────────────────────

  audit(): Promise<AuditReport> {
    const tally = new AuditTally();
    const applied = new Map<string, Set<string>>();
    for (const [userId, w] of this.wallets) {
      applied.set(userId, tally.wallet(w.balance, w.ledger));
      for (const h of w.holds.values()) {
        const funded = this.packets.has(h.holdId) || this.rains.has(h.holdId);
        if (h.state === 'held' && !funded) tally.addInFlight(h.amount);
      }
    }
    for (const p of this.packets.values()) {
      // Claims are keyed by user here, so a second claim per pair cannot exist; a double
      // payment would show as a repeated credit ref in a ledger (counted by the tally).
      tally.addEscrow(p.record.remainingAmount);
      for (const c of p.outbox.values()) {
        if (!applied.get(c.userId)?.has(c.claimId)) tally.addInFlight(c.amount);
      }
    }
    for (const rain of this.rains.all()) {
      tally.addEscrow(rain.escrow);
      for (const c of rain.outbox) {
        if (!applied.get(c.userId)?.has(c.claimId)) tally.addInFlight(c.amount);
      }
    }
    return Promise.resolve(tally.report());
  }
}
