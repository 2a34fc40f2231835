/**
 * Packets in this process's memory (packet-store.ts). Each method runs synchronously to
 * completion before it returns a promise, so each is atomic; grabAndCredit pays the claim into
 * the wallet in the same synchronous step. Tombstones and outboxes are read and written by
 * the memory escrow (escrow/memory-escrow.ts) through `state`, `tombstone` and `all`.
 */
import type { UserRef } from '@red-packet/sdk/protocol';
import { grabGate, type GrabPass } from '../../domain/claim-gate.js';
import { fenceVerdict } from '../../domain/geo-fence.js';
import { packetClaimId, packetRefundId } from '../../domain/ids.js';
import type { Listen } from '../../domain/karaoke-credit.js';
import { cancelTimed, type PacketState } from './memory-timed.js';
import type { MemoryWallets } from '../wallets/memory-wallets.js';
import type {
  CancelOutcome,
  ClaimRecord,
  CreateResult,
  CreditedGrabOutcome,
  ExpireOutcome,
  GrabOutcome,
  GrabbedPacket,
  ListenRecord,
  PacketRecord,
  PacketStore,
} from './packet-store.js';
import type { Credit } from '../wallets/wallet-store.js';

export type { PacketState };

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryPackets implements PacketStore {
  private readonly packets = new Map<string, PacketState>();
  private readonly tombstones = new Set<string>();
  private readonly roomPackets = new Map<string, string[]>();
  private readonly expiries = new Map<string, number>();

  /** @param wallets pays grabAndCredit's claims */
  constructor(private readonly wallets: MemoryWallets) {}

  /** Every packet, by id (for the audit and the escrow). */
  all(): ReadonlyMap<string, PacketState> {
    return this.packets;
  }

  /** Tombstones a packet id unless it exists (EscrowStore.abortFunded). */
  tombstone(id: string): 'aborted' | 'exists' {
    if (this.packets.has(id)) return 'exists';
    this.tombstones.add(id);
    return 'aborted';
  }

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

  grab(packetId: string, user: UserRef, at: number, pass?: GrabPass): Promise<GrabOutcome> {
    return Promise.resolve(this.grabNow(packetId, user, at, pass));
  }

  grabAndCredit(
    packetId: string,
    user: UserRef,
    at: number,
    pass?: GrabPass,
    options: { keepOutbox?: boolean } = {},
  ): Promise<CreditedGrabOutcome> {
    const outcome = this.grabNow(packetId, user, at, pass);
    if (outcome.status !== 'claimed') return Promise.resolve(outcome);
    const { claimId } = outcome.claim;
    const credit = this.packets.get(packetId)?.outbox.get(claimId);
    if (!options.keepOutbox) this.packets.get(packetId)?.outbox.delete(claimId);
    const balance = credit
      ? this.wallets.creditNow(credit).balance
      : this.wallets.wallet(user.userId).balance;
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
      return {
        status: 'outside',
        radiusM: r.fence.radiusM,
        distanceM: fence.distanceM,
        expiresAt: r.expiresAt,
      };
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
    return { status: 'claimed', claim: copy(claim), packet: grabbed(r), distanceM: fence?.distanceM ?? null };
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
}

/** What grab answers of its packet: the fields GrabbedPacket names, as the Redis scripts do. */
function grabbed(r: PacketRecord): GrabbedPacket {
  const { id, roomId, kind, status, remainingCount, bestLuck, expiresAt, fence } = r;
  return copy({ id, roomId, kind, status, remainingCount, bestLuck, expiresAt, ...(fence ? { fence } : {}) });
}
