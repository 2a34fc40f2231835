/**
 * This node's live sockets by user: how one user's events (wallet:updated, karaoke:unlocked)
 * reach their connections here, and how a ban disconnects them. A plain index instead of a
 * socket.io room per user: a room per user cost each connection an adapter entry and a
 * uWebSockets.js topic subscription (memory, and work at every connect) for messages that
 * only ever go to one or two sockets. Other nodes' connections are reached by the node relay.
 */
import type { GameSocket } from './game-events.js';

export class UserSockets {
  /**
   * A user's one socket as itself, several in a Set: most users hold one connection, and a Set
   * per user is a table per connection (memory per idle connection, issue 24).
   */
  private readonly byUser = new Map<string, GameSocket | Set<GameSocket>>();

  /** Indexes `socket` under its user, until `untrack` (the node's disconnect handler). */
  track(socket: GameSocket): void {
    const userId = socket.data.userId;
    const held = this.byUser.get(userId);
    if (held === undefined) this.byUser.set(userId, socket);
    else if (held instanceof Set) held.add(socket);
    else if (held !== socket) this.byUser.set(userId, new Set([held, socket]));
  }

  /** Forgets `socket` (it is disconnecting). */
  untrack(socket: GameSocket): void {
    const userId = socket.data.userId;
    const held = this.byUser.get(userId);
    if (held === socket) this.byUser.delete(userId);
    else if (held instanceof Set) {
      held.delete(socket);
      const [only, ...more] = held;
      if (only === undefined) this.byUser.delete(userId);
      else if (more.length === 0) this.byUser.set(userId, only);
    }
  }

  /** How many connections `userId` has open on this node. */
  count(userId: string): number {
    const held = this.byUser.get(userId);
    return held === undefined ? 0 : held instanceof Set ? held.size : 1;
  }

  /** Emits to every connection of `userId` on this node but `exceptId` (none: nothing happens). */
  emit(userId: string, event: string, args: unknown[], exceptId?: string): void {
    const held = this.byUser.get(userId);
    if (held === undefined) return;
    for (const socket of held instanceof Set ? held : [held])
      if (socket.id !== exceptId)
        (socket as unknown as { emit(e: string, ...a: unknown[]): boolean }).emit(event, ...args);
  }

  /** Disconnects every connection of `userId` on this node. */
  disconnect(userId: string): void {
    const held = this.byUser.get(userId);
    if (held === undefined) return;
    for (const socket of held instanceof Set ? [...held] : [held]) socket.disconnect(true);
  }
}
