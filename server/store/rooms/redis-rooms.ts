/**
 * Rooms over Redis / Redis Cluster (room-store.ts): a room's chat list and member hashes share
 * its slot; a join or a leave is one script. The chat list expires `ttlMs` after its last
 * line (renewed by each append in the same MULTI).
 */
import type { ChatMessage } from '@red-packet/sdk/protocol';
import { decodeChat } from '../redis/codec.js';
import { RedisPart } from '../redis/part.js';
import type { RoomStore } from './room-store.js';

export class RedisRooms extends RedisPart implements RoomStore {
  appendChat(message: ChatMessage, keep: number, ttlMs: number): Promise<void> {
    return this.guard(async () => {
      const key = this.keys.chat(message.roomId);
      await this.redis
        .multi()
        .rpush(key, JSON.stringify(message))
        .ltrim(key, -keep, -1)
        .pexpire(key, ttlMs)
        .exec();
    });
  }

  recentChat(roomId: string, limit: number): Promise<ChatMessage[]> {
    return this.guard(async () =>
      (await this.redis.lrange(this.keys.chat(roomId), -limit, -1)).map(decodeChat),
    );
  }

  addMember(roomId: string, userId: string, connId: string): Promise<number> {
    return this.script(
      'room-member-add',
      [this.keys.members(roomId), this.keys.memberUsers(roomId)],
      [userId, connId],
    );
  }

  removeMember(roomId: string, _userId: string, connId: string): Promise<number> {
    return this.script(
      'room-member-remove',
      [this.keys.members(roomId), this.keys.memberUsers(roomId)],
      [connId],
    );
  }

  memberCount(roomId: string): Promise<number> {
    return this.guard(() => this.redis.hlen(this.keys.memberUsers(roomId)));
  }
}
