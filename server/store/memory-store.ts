/**
 * MemoryStore: the whole game in this process's memory, for one node with nothing else
 * installed. Each method runs synchronously to completion before it returns a promise, so
 * each is atomic; the step protocol in store.ts is kept as-is so the services above run the
 * same code on every store.
 *
 * It composes one part per concept (composed-store.ts): wallets (memory-wallets.ts), packets
 * (memory-packets.ts), rains (memory-rain-store.ts over memory-rains.ts), rooms
 * (memory-rooms.ts) and the audit (memory-audit.ts).
 */
import { MemoryNodes } from './nodes/memory-nodes.js';
import { MemoryCodes } from './codes/memory-codes.js';
import { MemoryFences } from './fences/memory-fences.js';
import { MemoryFairRains } from './rains/memory-lottery.js';
import { MemoryRains } from './rains/memory-rains.js';
import { auditMemory } from './audit/memory-audit.js';
import { ComposedStore } from './composed-store.js';
import { MemoryPackets } from './packets/memory-packets.js';
import { MemoryRainStore } from './memory-rain-store.js';
import { MemoryRooms } from './rooms/memory-rooms.js';
import { MemoryWallets } from './wallets/memory-wallets.js';

export class MemoryStore extends ComposedStore {
  readonly kind = 'memory' as const;
  readonly nodes = new MemoryNodes();
  readonly codes = new MemoryCodes();
  readonly fences = new MemoryFences();
  readonly fairRains: MemoryFairRains;

  constructor() {
    const wallets = new MemoryWallets();
    const rains = new MemoryRains();
    const packets = new MemoryPackets(wallets, rains);
    super({
      wallets,
      packets,
      rains: new MemoryRainStore(rains),
      rooms: new MemoryRooms(),
      audit: { audit: () => auditMemory(wallets, packets, rains) },
    });
    this.fairRains = new MemoryFairRains(rains);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
