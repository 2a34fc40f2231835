/**
 * This node's live sockets by user: how one user's events (wallet:updated, karaoke:unlocked)
 * reach their connections here, and how a ban disconnects them. A plain index instead of a
 * socket.io room per user: a room per user cost each connection an adapter entry and a
 * uWebSockets.js topic subscription (memory, and work at every connect) for messages that
 * only ever go to one or two sockets. Other nodes' connections are reached by the node relay.
 */
import type { GameSocket } from './game-events.js';

export class UserSockets {
  private readonly byUser = new Map<string, Set<GameSocket>>();

  /** Indexes `socket` under its user, until `untrack` (the node's disconnect handler). */
  track(socket: GameSocket): void {
    const userId = socket.data.userId;
    let sockets = this.byUser.get(userId);
    if (!sockets) {
      sockets = new Set();
      this.byUser.set(userId, sockets);
    }
    sockets.add(socket);
  }

  /** Forgets `socket` (it is disconnecting). */
  untrack(socket: GameSocket): void {
    const userId = socket.data.userId;
    const sockets = this.byUser.get(userId);
    if (!sockets) return;
    sockets.delete(socket);
    if (sockets.size === 0) this.byUser.delete(userId);
  }

  /** How many connections `userId` has open on this node. */
  count(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Emits to every connection of `userId` on this node but `exceptId` (none: nothing happens). */
  emit(userId: string, event: string, args: unknown[], exceptId?: string): void {
    const sockets = this.byUser.get(userId);
    if (!sockets) return;
    for (const socket of sockets)
      if (socket.id !== exceptId)
        (socket as unknown as { emit(e: string, ...a: unknown[]): boolean }).emit(event, ...args);
  }

  /** Disconnects every connection of `userId` on this node. */
  disconnect(userId: string): void {
    for (const socket of [...(this.byUser.get(userId) ?? [])]) socket.disconnect(true);
  }
}
