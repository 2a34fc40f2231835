/** Rooms: membership, the join snapshot, chat. */
import type { ChatMessage, RoomSnapshot, UserRef } from '@red-packet/sdk/protocol';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import type { Store } from '../store/store.js';
import type { Broadcaster } from './broadcaster.js';
import type { TextCheck } from './content-screen.js';
import { packetView } from './packet-views.js';
import type { KaraokeService } from './karaoke-service.js';
import type { Presence } from './presence.js';
import type { RainService } from './rain-service.js';

/** Open packets listed in a snapshot. */
const SNAPSHOT_PACKETS = 50;

export class RoomService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly broadcaster: Broadcaster,
    private readonly presence: Presence,
    private readonly rains: RainService,
    private readonly karaoke: KaraokeService,
    private readonly chatHistory: number,
    /** Content screening (services/content-screen.ts): a refused line is neither stored nor sent. */
    private readonly screenText?: TextCheck,
  ) {}

  /** Records one connection of `user` in the room and returns the snapshot it sees. */
  async join(user: UserRef, connId: string, roomId: string): Promise<RoomSnapshot> {
    const members = await this.presence.add({ roomId, userId: user.userId, connId });
    const [chat, open] = await Promise.all([
      this.store.recentChat(roomId, this.chatHistory),
      this.store.listOpenPackets(roomId, SNAPSHOT_PACKETS),
    ]);
    const [mine, listens, rain] = await Promise.all([
      this.store.claimedAmounts(
        open.map((p) => p.id),
        user.userId,
      ),
      this.karaoke.progressOf(open, user.userId),
      this.rains.snapshot(roomId, user.userId),
    ]);
    return {
      roomId,
      serverTime: this.clock.now(),
      members,
      chat,
      packets: open.map((p, i) => {
        const amount = mine[i];
        return { ...packetView(p), mine: amount == null ? null : { amount }, listen: listens[i] ?? null };
      }),
      rain,
    };
  }

  async leave(user: UserRef, connId: string, roomId: string): Promise<void> {
    await this.presence.remove({ roomId, userId: user.userId, connId });
  }

  async chat(user: UserRef, roomId: string, text: string): Promise<ChatMessage> {
    await this.screenText?.(user, 'chat', text);
    const message: ChatMessage = {
      id: newId('m'),
      roomId,
      userId: user.userId,
      name: user.name,
      text,
      at: this.clock.now(),
    };
    await this.store.appendChat(message, this.chatHistory);
    this.broadcaster.toRoom(roomId, 'chat:message', message);
    return message;
  }
}
