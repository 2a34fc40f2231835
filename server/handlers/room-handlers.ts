import { curfewLiftsAt } from '../domain/curfew.js';
import { notInRoom } from '../domain/errors.js';
import { roomIdOfTopic, roomTopic } from '../services/runtime/broadcaster.js';
import type { EventContext, EventHandlers } from '../transport/game-events.js';
import { socketVia } from './claim-via.js';
import type { HandlerServices } from './context.js';

/** Throws NOT_IN_ROOM unless this socket has joined `roomId`. */
export function requireJoined(ctx: EventContext, roomId: string): void {
  if (!ctx.socket.rooms.has(roomTopic(roomId))) {
    throw notInRoom(roomId);
  }
}

/** How many chat rooms this socket is in. */
function joinedRooms(ctx: EventContext): number {
  let joined = 0;
  for (const topic of ctx.socket.rooms) if (roomIdOfTopic(topic) !== null) joined += 1;
  return joined;
}

export function roomHandlers(
  s: HandlerServices,
): Pick<EventHandlers, 'time:sync' | 'room:join' | 'room:leave' | 'chat:send'> {
  return {
    'time:sync': () => Promise.resolve({ serverTime: s.clock.now() }),

    'room:join': async (ctx, { roomId }) => {
      // Counted and joined in one turn of the event loop, so concurrent joins cannot overshoot.
      if (!ctx.socket.rooms.has(roomTopic(roomId))) s.rooms.checkRoomCount(joinedRooms(ctx));
      // Subscribe first, so nothing broadcast between the snapshot and the join is missed.
      await ctx.socket.join(roomTopic(roomId));
      try {
        return await s.rooms.join(ctx.user, ctx.socket.id, roomId);
      } catch (err) {
        await ctx.socket.leave(roomTopic(roomId));
        throw err;
      }
    },

    'room:leave': async (ctx, { roomId }) => {
      requireJoined(ctx, roomId);
      await ctx.socket.leave(roomTopic(roomId));
      await s.rooms.leave(ctx.user, ctx.socket.id, roomId);
      return {};
    },

    'chat:send': async (ctx, { roomId, text }) => {
      requireJoined(ctx, roomId);
      const message = await s.rooms.chat(ctx.user, roomId, text);
      // A password packet's phrase said in chat grabs it (phrase-service.ts).
      // A minor during the curfew may chat, but saying a phrase grabs nothing.
      if (ctx.user.minor && curfewLiftsAt(s.clock.now(), s.curfew) !== null) return { message };
      const grabs = await s.phrases.grabByChat(ctx.user, roomId, text, socketVia(ctx));
      return grabs.length > 0 ? { message, grabs } : { message };
    },
  };
}
