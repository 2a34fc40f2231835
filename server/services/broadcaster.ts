import type { ServerToClientEvents } from '@red-packet/sdk/protocol';

/**
 * How services reach clients, without knowing socket.io. The transport implements it with
 * one room per chat room and one per user, so each call is a single adapter broadcast
 * (on uWS: one pre-encoded publish) and crosses nodes through the adapter.
 */
export interface Broadcaster {
  toRoom<E extends keyof ServerToClientEvents>(
    roomId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  toUser<E extends keyof ServerToClientEvents>(
    userId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
}

/** socket.io room names: a chat room, and a user's own room (all of their connections). */
export const roomTopic = (roomId: string): string => `r:${roomId}`;
export const userTopic = (userId: string): string => `u:${userId}`;

/** The chat room id of a socket.io room name, or null for other rooms. */
export const roomIdOfTopic = (topic: string): string | null =>
  topic.startsWith('r:') ? topic.slice(2) : null;
