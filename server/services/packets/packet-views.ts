import type { ClaimView, PacketView } from '@red-packet/sdk/protocol';
import type { ClaimRecord, PacketRecord } from '../../store/store.js';

/** What clients see of a stored packet (no escrow internals). */
export function packetView(r: PacketRecord): PacketView {
  return {
    id: r.id,
    roomId: r.roomId,
    senderId: r.senderId,
    senderName: r.senderName,
    kind: r.kind,
    total: r.total,
    count: r.count,
    greeting: r.greeting,
    createdAt: r.createdAt,
    opensAt: r.opensAt,
    expiresAt: r.expiresAt,
    status: r.status,
    remainingCount: r.remainingCount,
    unlock: r.unlock,
    ...(r.claim ? { claim: r.claim } : {}),
    ...(r.fence ? { fence: r.fence } : {}),
  };
}

export function claimView(c: ClaimRecord): ClaimView {
  return { userId: c.userId, name: c.name, amount: c.amount, at: c.at };
}

/** Best luck is a lucky-packet notion; equal packets have none. */
export function bestLuckOf(r: Pick<PacketRecord, 'kind' | 'bestLuck'>): ClaimView | null {
  return r.kind === 'lucky' ? r.bestLuck : null;
}
