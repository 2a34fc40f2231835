/**
 * Rooms: the chat history and the member count. Every method is atomic on one room (one Redis
 * Cluster slot). Implemented by memory-rooms.ts and redis-rooms.ts.
 *
 * All methods may reject with StoreUnavailableError.
 */
import type { ChatMessage } from '@red-packet/sdk/protocol';

export interface RoomStore {
  /**
   * Appends a chat line, keeping only the newest `keep` lines of the room, and renews the
   * room's chat history for `ttlMs` from this line: a room nobody speaks in for `ttlMs` keeps
   * no chat (on Redis the key expires; in memory it is dropped by a later append). Atomic.
   */
  appendChat(message: ChatMessage, keep: number, ttlMs: number): Promise<void>;

  /** The newest `limit` chat lines, oldest first. */
  recentChat(roomId: string, limit: number): Promise<ChatMessage[]>;

  /**
   * Adds one connection of `userId` to the room; returns the count of distinct users.
   * Idempotent per (room, connection).
   */
  addMember(roomId: string, userId: string, connId: string): Promise<number>;

  /** Removes one connection; returns the count of distinct users. Idempotent. */
  removeMember(roomId: string, userId: string, connId: string): Promise<number>;

  memberCount(roomId: string): Promise<number>;
}
