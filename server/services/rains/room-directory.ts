/**
 * Which room a packet or rain belongs to, remembered per node so membership checks on the hot
 * path cost no store call after the first. Bounded: past `capacity` entries it starts over (a
 * forgotten id costs one store call).
 */
import { GameError } from '../../domain/errors.js';

export class RoomDirectory {
  private readonly rooms = new Map<string, string>();

  /**
   * @param lookup reads the room of an id from the store (null: no such thing)
   * @param what names the thing in the NOT_FOUND message
   * @param capacity most ids remembered @default 100000
   */
  constructor(
    private readonly lookup: (id: string) => Promise<string | null>,
    private readonly what: string,
    private readonly capacity = 100_000,
  ) {}

  remember(id: string, roomId: string): void {
    if (this.rooms.size >= this.capacity) this.rooms.clear();
    this.rooms.set(id, roomId);
  }

  /** The room of `id` (NOT_FOUND if there is no such packet or rain). */
  async roomOf(id: string): Promise<string> {
    const known = this.rooms.get(id);
    if (known) return known;
    const roomId = await this.lookup(id);
    if (roomId === null) throw new GameError('NOT_FOUND', `no such ${this.what}`);
    this.remember(id, roomId);
    return roomId;
  }
}
