/**
 * Escrow in this process's memory (escrow-store.ts), over the packets' and rains' own state:
 * each method runs synchronously to completion, so each is atomic. `fundedSourceOf` is the
 * one place a packet id and a rain id part ways.
 */
import { fundedSourceOf } from '../../domain/ids.js';
import type { MemoryPackets } from '../packets/memory-packets.js';
import type { MemoryRains } from '../rains/memory-rains.js';
import type { Credit } from '../wallets/wallet-store.js';
import type { EscrowStore } from './escrow-store.js';

export class MemoryEscrow implements EscrowStore {
  constructor(
    private readonly packets: MemoryPackets,
    private readonly rains: MemoryRains,
  ) {}

  abortFunded(id: string): Promise<'aborted' | 'exists'> {
    return Promise.resolve(
      fundedSourceOf(id) === 'rain' ? this.rains.tombstone(id) : this.packets.tombstone(id),
    );
  }

  ackCredits(sourceId: string, claimIds: string[]): Promise<void> {
    if (fundedSourceOf(sourceId) === 'rain') {
      this.rains.ack(sourceId, claimIds);
    } else {
      const outbox = this.packets.all().get(sourceId)?.outbox;
      for (const id of claimIds) outbox?.delete(id);
    }
    return Promise.resolve();
  }

  listStaleCredits(before: number, limit: number): Promise<Credit[]> {
    const out: Credit[] = this.rains.staleCredits(before).slice(0, limit);
    for (const p of this.packets.all().values()) {
      for (const c of p.outbox.values()) {
        if (out.length >= limit) return Promise.resolve(out);
        if (c.at < before) out.push(structuredClone(c));
      }
    }
    return Promise.resolve(out);
  }
}
