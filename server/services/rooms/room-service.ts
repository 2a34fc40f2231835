/** Rooms: membership, the join snapshot, chat. */
import type { ChatMessage, RoomSnapshot, UserRef } from '@red-packet/sdk/protocol';
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import type { PacketRecord, Store } from '../../store/store.js';
import type { Broadcaster } from '../runtime/broadcaster.js';
import { CoalescedLoads } from './coalesced-loads.js';
import type { TextCheck } from '../screening/content-screen.js';
import { packetView } from '../packets/packet-views.js';
import type { KaraokeService } from '../packets/karaoke-service.js';
import type { Presence } from './presence.js';
import type { RainService, RoomRain } from '../rains/rain-service.js';

/** Open packets listed in a snapshot. */
const SNAPSHOT_PACKETS = 50;

/** What rooms keep and allow. */
export interface RoomLimits {
  /** Chat lines kept per room. */
  history: number;
  /** How long a room's chat outlives its last line, ms (CHAT_TTL_SEC). */
  ttlMs: number;
  /** Rooms one connection may be in at once (ROOMS_PER_SOCKET_MAX). */
  roomsPerSocket: number;
}

/** What a join snapshot shows every member alike. */
interface SharedSnapshot {
  chat: ChatMessage[];
  open: PacketRecord[];
  rain: RoomRain | null;
}

export class RoomService {
  /**
   * The shared part of join snapshots, read once for all the joins of a room that arrive
   * while a read is in flight (a reconnect storm), never older than the join that asks.
   */
  private readonly shared = new CoalescedLoads<SharedSnapshot>(async (roomId) => {
    const [chat, open, rain] = await Promise.all([
      this.store.rooms.recentChat(roomId, this.limits.history),
      this.store.packets.listOpenPackets(roomId, SNAPSHOT_PACKETS),
      this.rains.roomRain(roomId),
    ]);
    return { chat, open, rain };
  });

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly broadcaster: Broadcaster,
    private readonly presence: Presence,
    private readonly rains: RainService,
    private readonly karaoke: KaraokeService,
    private readonly limits: RoomLimits,
    /** Content screening (services/screening/content-screen.ts): a refused line is neither stored nor sent. */
    private readonly screenText?: TextCheck,
  ) {}

  /**
   * LIMIT_EXCEEDED (`limit: 'rooms-per-socket'`) for a connection already in `joined` rooms
   * that asks for one more: each room it is in is a membership in the store and a
   * subscription here, so a connection's share of both stays bounded.
   */
  checkRoomCount(joined: number): void {
    const most = this.limits.roomsPerSocket;
    if (joined < most) return;
    throw new GameError('LIMIT_EXCEEDED', `a connection may be in at most ${most} rooms: leave one first`, {
      limit: 'rooms-per-socket',
    });
  }

  /** Records one connection of `user` in the room and returns the snapshot it sees. */
  async join(user: UserRef, connId: string, roomId: string): Promise<RoomSnapshot> {
    const [members, { chat, open, rain: roomRain }] = await Promise.all([
      this.presence.add({ roomId, userId: user.userId, connId }),
      this.shared.load(roomId),
    ]);
    const [mine, listens, rain] = await Promise.all([
      this.store.packets.claimedAmounts(
        open.map((p) => p.id),
        user.userId,
      ),
      this.karaoke.progressOf(open, user.userId),
      roomRain ? this.rains.snapshot(roomRain, user.userId) : null,
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
    await this.store.rooms.appendChat(message, this.limits.history, this.limits.ttlMs);
    this.broadcaster.toRoom(roomId, 'chat:message', message);
    return message;
  }
}
