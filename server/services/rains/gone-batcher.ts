/**
 * Collects drops this node saw run out and announces them as one `rain:gone` per rain per
 * flush (the runner flushes every tick), never one message per drop.
 */
import type { Broadcaster } from '../runtime/broadcaster.js';

export class GoneBatcher {
  private pending = new Map<string, { roomId: string; dropIds: string[] }>();

  constructor(private readonly broadcaster: Broadcaster) {}

  add(rainId: string, roomId: string, dropId: string): void {
    const batch = this.pending.get(rainId);
    if (batch) batch.dropIds.push(dropId);
    else this.pending.set(rainId, { roomId, dropIds: [dropId] });
  }

  flush(): void {
    const batches = this.pending;
    this.pending = new Map();
    for (const [rainId, { roomId, dropIds }] of batches) {
      this.broadcaster.toRoom(roomId, 'rain:gone', { rainId, dropIds });
    }
  }
}
