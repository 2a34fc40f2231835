/**
 * A packet's state on the memory store, and what timed packets add to it: cancelling one
 * before it opens (packet-store.ts cancelPacket).
 */
import { packetRefundId } from '../../domain/ids.js';
import type { CancelOutcome, ClaimRecord, ListenRecord, PacketRecord } from './packet-store.js';
import type { Credit } from '../wallets/wallet-store.js';

/** One packet as memory-packets.ts keeps it. */
export interface PacketState {
  record: PacketRecord;
  shares: number[];
  claims: Map<string, ClaimRecord>;
  outbox: Map<string, Credit>;
  listens: Map<string, ListenRecord>;
}

/** One synchronous step on the packet's state, so atomic with its grabs. */
export function cancelTimed(p: PacketState | undefined, senderId: string, at: number): CancelOutcome {
  if (!p) return { status: 'missing' };
  const r = p.record;
  if (r.senderId !== senderId) return { status: 'not-sender' };
  if (r.status !== 'open') return { status: 'closed' };
  if (r.opensAt === null || at >= r.opensAt) return { status: 'opened' };
  const refund: Credit = {
    claimId: packetRefundId(r.id),
    userId: r.senderId,
    amount: r.remainingAmount,
    sourceId: r.id,
    reason: 'refund',
    at,
  };
  p.outbox.set(refund.claimId, refund);
  p.shares = [];
  r.status = 'cancelled';
  r.remainingAmount = 0;
  return { status: 'cancelled', packet: structuredClone(r), refund: { ...refund } };
}
