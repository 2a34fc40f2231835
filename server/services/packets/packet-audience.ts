/**
 * Who a packet is for, remembered per node so the membership check on the hot path costs no
 * store call after the first: its room, and whether it is location-fenced — a fenced packet is
 * for whoever is inside its fence, room member or not (the "drifting" 同城 packet), so its
 * grab skips the room check and the fence decides. Both facts are fixed at creation, so a
 * remembered answer never goes stale. Bounded: past `capacity` ids it starts over (a
 * forgotten id costs one store call).
 */
import { GameError } from '../../domain/errors.js';
import type { PacketRecord } from '../../store/store.js';

export interface Audience {
  roomId: string;
  fenced: boolean;
}

export class PacketAudience {
  private readonly known = new Map<string, Audience>();

  /**
   * @param lookup reads the packet from the store (null: no such packet)
   * @param capacity most ids remembered @default 100000
   */
  constructor(
    private readonly lookup: (packetId: string) => Promise<PacketRecord | null>,
    private readonly capacity = 100_000,
  ) {}

  remember(packet: Pick<PacketRecord, 'id' | 'roomId' | 'fence'>): void {
    if (this.known.size >= this.capacity) this.known.clear();
    this.known.set(packet.id, { roomId: packet.roomId, fenced: packet.fence !== undefined });
  }

  /** The packet's audience (NOT_FOUND if there is no such packet). */
  async of(packetId: string): Promise<Audience> {
    const known = this.known.get(packetId);
    if (known) return known;
    const packet = await this.lookup(packetId);
    if (!packet) throw new GameError('NOT_FOUND', 'no such packet');
    this.remember(packet);
    return { roomId: packet.roomId, fenced: packet.fence !== undefined };
  }
}
