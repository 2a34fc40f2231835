/**
 * Rooms in this process's memory (room-store.ts): chat history and member connections. Each
 * method runs synchronously to completion before it returns a promise, so each is atomic.
 */
import type { ChatMessage } from '@red-packet/sdk/protocol';
import type { RoomStore } from './room-store.js';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryRooms implements RoomStore {
  /**
   * room → its lines and when they lapse, least recently spoken-in first (an append moves the
   * room to the end), so dropping lapsed rooms reads only the front.
   */
  private readonly chats = new Map<string, { lines: ChatMessage[]; lapsesAt: number }>();
  private readonly members = new Map<string, Map<string, Set<string>>>();

  appendChat(message: ChatMessage, keep: number, ttlMs: number): Promise<void> {
    const lines = this.chats.get(message.roomId)?.lines ?? [];
    lines.push(copy(message));
    if (lines.length > keep) lines.splice(0, lines.length - keep);
    this.chats.delete(message.roomId);
    this.chats.set(message.roomId, { lines, lapsesAt: message.at + ttlMs });
    for (const [roomId, chat] of this.chats) {
      if (chat.lapsesAt > message.at) break;
      this.chats.delete(roomId);
    }
    return Promise.resolve();
  }

  recentChat(roomId: string, limit: number): Promise<ChatMessage[]> {
    return Promise.resolve(copy((this.chats.get(roomId)?.lines ?? []).slice(-limit)));
  }

  addMember(roomId: string, userId: string, connId: string): Promise<number> {
    let room = this.members.get(roomId);
    if (!room) {
      room = new Map();
      this.members.set(roomId, room);
    }
    const conns = room.get(userId) ?? new Set<string>();
    conns.add(connId);
    room.set(userId, conns);
    return Promise.resolve(room.size);
  }

  removeMember(roomId: string, userId: string, connId: string): Promise<number> {
    const room = this.members.get(roomId);
    const conns = room?.get(userId);
    conns?.delete(connId);
    if (room && conns?.size === 0) room.delete(userId);
    if (room?.size === 0) this.members.delete(roomId);
    return Promise.resolve(room?.size ?? 0);
  }

  memberCount(roomId: string): Promise<number> {
    return Promise.resolve(this.members.get(roomId)?.size ?? 0);
  }
}
