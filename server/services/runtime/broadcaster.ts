import type { ServerToClientEvents } from '@red-packet/sdk/protocol';

/**
 * How services reach clients, without knowing socket.io. The transport implements it with
 * one socket.io room per chat room, so a room event is a single adapter broadcast (on uWS:
 * one pre-encoded publish) and crosses nodes through the adapter; a user's events go to
 * their connections through the node relay.
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
  /** toUser, leaving out one connection (`connId`: a socket id) that already knows. */
  toUserExcept<E extends keyof ServerToClientEvents>(
    connId: string,
    userId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
}

/** The socket.io room of a chat room. (A user's own connections are indexed by UserSockets.) */
export const roomTopic = (roomId: string): string => `r:${roomId}`;

/** The chat room id of a socket.io room name, or null for other rooms. */
export const roomIdOfTopic = (topic: string): string | null =>
  topic.startsWith('r:') ? topic.slice(2) : null;
