/**
 * MemoryStore: the whole game in this process's memory, for one node with nothing else
 * installed. Each part runs every method synchronously to completion before it returns a
 * promise, so each is atomic; the step protocol in store.ts is kept as-is so the services
 * above run the same code on every store. Parts that read each other's state (escrow, the
 * lottery, the audit) get the sibling they read, and nothing else.
 */
import { auditMemory } from './audit/memory-audit.js';
import { MemoryCodes } from './codes/memory-codes.js';
import { MemoryEscrow } from './escrow/memory-escrow.js';
import { MemoryFences } from './fences/memory-fences.js';
import { MemoryNodes } from './nodes/memory-nodes.js';
import { MemoryPackets } from './packets/memory-packets.js';
import { MemoryLottery } from './rains/memory-lottery.js';
import { MemoryRains } from './rains/memory-rains.js';
import { MemoryRisk } from './risk/memory-risk.js';
import { MemoryRooms } from './rooms/memory-rooms.js';
import type { AuditStore, Store } from './store.js';
import { MemoryWallets } from './wallets/memory-wallets.js';

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly wallets = new MemoryWallets();
  readonly packets = new MemoryPackets(this.wallets);
  readonly rains = new MemoryRains();
  readonly lottery = new MemoryLottery(this.rains);
  readonly escrow = new MemoryEscrow(this.packets, this.rains);
  readonly rooms = new MemoryRooms();
  readonly codes = new MemoryCodes();
  readonly fences = new MemoryFences();
  readonly nodes = new MemoryNodes();
  readonly audit: AuditStore = {
    report: () => auditMemory(this.wallets, this.packets, this.rains),
  };
  readonly risk = new MemoryRisk();

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
