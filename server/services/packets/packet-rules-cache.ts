/**
 * A node-local cache of packets' claim rules. A packet's rule is fixed when it is created,
 * so a cached answer never goes stale; only packets that exist are cached (an unknown id is
 * asked again). Bounded: the oldest entries go first.
 */
import type { ClaimRule } from '@red-packet/sdk/protocol';
import type { Store } from '../../store/store.js';

const ROOM: ClaimRule = { type: 'room' };

export class PacketRules {
  private readonly rules = new Map<string, ClaimRule>();

  constructor(
    private readonly store: Store,
    private readonly capacity = 10_000,
  ) {}

  /** The packet's claim rule, or null if there is no such packet. */
  async claimRule(packetId: string): Promise<ClaimRule | null> {
    const known = this.rules.get(packetId);
    if (known) return known;
    const packet = await this.store.packets.getPacket(packetId);
    if (!packet) return null;
    const rule = packet.claim ?? ROOM;
    if (this.rules.size >= this.capacity) {
      const oldest = this.rules.keys().next();
      if (!oldest.done) this.rules.delete(oldest.value);
    }
    this.rules.set(packetId, rule);
    return rule;
  }
}
