/**
 * Rooms: membership counted per user across connections (Presence, one `room:presence` per
 * dirty room every PRESENCE_INTERVAL_MS), the join snapshot (chat, open packets, the rain) and
 * chat, screened before it is stored.
 */
import type { KaraokeService } from '../packets/karaoke-service.js';
import type { RainService } from '../rains/rain-service.js';
import type { ConceptTasks, NodeBasics } from '../runtime/node-basics.js';
import { Periodic } from '../runtime/periodic.js';
import type { TextCheck } from '../screening/content-screen.js';
import { Presence } from './presence.js';
import { RoomService } from './room-service.js';

export interface RoomsNeeds {
  rains: RainService;
  karaoke: KaraokeService;
  screenText: TextCheck;
}

export interface RoomsConcept extends ConceptTasks {
  rooms: RoomService;
  presence: Presence;
}

export function createRoomsConcept(node: NodeBasics, needs: RoomsNeeds): RoomsConcept {
  const { config, store, clock, broadcaster, log } = node;
  const presence = new Presence(store, broadcaster, config.nodeId);
  const rooms = new RoomService(
    store,
    clock,
    broadcaster,
    presence,
    needs.rains,
    needs.karaoke,
    {
      history: config.limits.chatHistory,
      ttlMs: config.limits.chatTtlMs,
      roomsPerSocket: config.limits.roomsPerSocket,
    },
    needs.screenText,
  );
  return {
    rooms,
    presence,
    tasks: [new Periodic('presence', config.timers.presenceIntervalMs, () => presence.flush(), log)],
  };
}
