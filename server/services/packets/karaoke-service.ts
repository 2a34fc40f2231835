/**
 * Karaoke packets (listen to unlock): starts listens and credits progress reports by the
 * server's clock (domain/karaoke-credit.ts). Listens live in the store, keyed by packet and
 * user, so they survive reconnects and work across nodes; concurrent reports are serialised
 * by the store's compare-and-set. Listening never moves money: unlocking only lets the usual
 * exactly-once grab through.
 */
import type { ListenedEntry, ListenProgress, UserRef } from '@red-packet/sdk/protocol';
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import { creditProgress, startListen, type Listen, type ListenRules } from '../../domain/karaoke-credit.js';
import type { ListenRecord, PacketRecord, Store } from '../../store/store.js';
import type { Broadcaster } from '../runtime/broadcaster.js';

/** Attempts at a report before a conflicting writer wins. */
const CAS_ATTEMPTS = 5;

export class KaraokeService {
  private pendingListened = new Map<string, ListenedEntry[]>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly broadcaster: Broadcaster,
    private readonly rules: ListenRules,
  ) {}

  /** Begins (or, after a reconnect, re-anchors) `user`'s listen of the packet's song at 0. */
  async start(user: UserRef, packetId: string): Promise<{ serverTime: number }> {
    await this.karaokePacket(packetId);
    await this.update(packetId, user.userId, (existing, now) => startListen(existing, now));
    return { serverTime: this.clock.now() };
  }

  /** Credits one playback position report; announces the unlock the first time it happens. */
  async progress(user: UserRef, packetId: string, positionMs: number): Promise<ListenProgress> {
    const packet = await this.karaokePacket(packetId);
    const durationMs = packet.unlock?.type === 'listen' ? packet.unlock.song.durationMs : 0;
    const { previous, next: listen } = await this.update(packetId, user.userId, (existing, now) => {
      if (!existing) throw new GameError('NOT_FOUND', 'no listen in progress: send karaoke:start first');
      return creditProgress(existing, positionMs, now, durationMs, this.rules);
    });
    const newlyUnlocked = listen.unlocked && !previous?.unlocked;
    if (newlyUnlocked) {
      this.broadcaster.toUser(user.userId, 'karaoke:unlocked', { packetId, roomId: packet.roomId });
      const entry: ListenedEntry = {
        packetId,
        userId: user.userId,
        name: user.name,
        songTitle: packet.unlock?.type === 'listen' ? packet.unlock.song.title : '',
        senderId: packet.senderId,
        senderName: packet.senderName,
      };
      const list = this.pendingListened.get(packet.roomId);
      if (list) list.push(entry);
      else this.pendingListened.set(packet.roomId, [entry]);
    }
    return { creditedMs: listen.credited, unlocked: listen.unlocked };
  }

  /** What `userId` has heard of each packet's song (null where not karaoke or not started). */
  async progressOf(packets: PacketRecord[], userId: string): Promise<(ListenProgress | null)[]> {
    return Promise.all(
      packets.map(async (p) => {
        const listen = p.unlock?.type === 'listen' ? await this.store.packets.getListen(p.id, userId) : null;
        return listen ? { creditedMs: listen.credited, unlocked: listen.unlocked } : null;
      }),
    );
  }

  /** Sends the unlocks gathered since the last flush: one karaoke:listened per room. */
  flushListened(): void {
    const batches = this.pendingListened;
    this.pendingListened = new Map();
    for (const [roomId, listens] of batches)
      this.broadcaster.toRoom(roomId, 'karaoke:listened', { roomId, listens });
  }

  private async karaokePacket(packetId: string): Promise<PacketRecord> {
    const packet = await this.store.packets.getPacket(packetId);
    if (!packet) throw new GameError('NOT_FOUND', 'no such packet');
    if (packet.unlock?.type !== 'listen')
      throw new GameError('INVALID_PAYLOAD', 'this packet has no song to listen to');
    return packet;
  }

  /** Read–modify–write of a listen, retried on a concurrent write (compare-and-set). */
  private async update(
    packetId: string,
    userId: string,
    change: (existing: ListenRecord | null, now: number) => Listen,
  ): Promise<{ previous: ListenRecord | null; next: Listen }> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const previous = await this.store.packets.getListen(packetId, userId);
      const next = change(previous, this.clock.now());
      if (await this.store.packets.saveListen(packetId, userId, next, previous?.version ?? 0))
        return { previous, next };
    }
    throw new GameError('RATE_LIMITED', 'too many reports at once for this listen');
  }
}
