/**
 * The conservation audit over the memory store (audit-store.ts): adds up its wallets,
 * packets and rains on both sides of the tally, in one synchronous pass.
 */
import type { AuditReport } from '@red-packet/sdk/protocol';
import { AuditTally } from './audit-tally.js';
import type { MemoryPackets } from '../packets/memory-packets.js';
import type { MemoryRains } from '../rains/memory-rains.js';
import type { MemoryWallets } from '../wallets/memory-wallets.js';

export function auditMemory(
  wallets: MemoryWallets,
  packets: MemoryPackets,
  rains: MemoryRains,
): Promise<AuditReport> {
  const tally = new AuditTally();
  const applied = new Map<string, Set<string>>();
  for (const [userId, w] of wallets.all()) {
    applied.set(userId, tally.wallet(w.balance, w.ledger));
    for (const h of w.holds.values()) {
      const funded = packets.all().has(h.holdId) || rains.has(h.holdId);
      if (h.state === 'held' && !funded) tally.addInFlight(h.amount);
    }
  }
  for (const p of packets.all().values()) {
    // Claims are keyed by user here, so a second claim per pair cannot exist; a double
    // payment would show as a repeated credit ref in a ledger (counted by the tally).
    tally.addEscrow(p.record.remainingAmount);
    for (const c of p.outbox.values()) {
      if (!applied.get(c.userId)?.has(c.claimId)) tally.addInFlight(c.amount);
    }
  }
  for (const rain of rains.all()) {
    tally.addEscrow(rain.escrow);
    for (const c of rain.outbox) {
      if (!applied.get(c.userId)?.has(c.claimId)) tally.addInFlight(c.amount);
    }
  }
  return Promise.resolve(tally.report());
}
