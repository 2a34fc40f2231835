/** What the event and route handlers are given: the services they call and the guards they declare. */
import type { CurfewRule } from '../domain/curfew.js';
import type { Clock } from '../domain/clock.js';
import type { CodeService } from '../services/codes/code-service.js';
import type { ReceiveService } from '../services/codes/receive-service.js';
import type { NearbyService } from '../services/fences/nearby-service.js';
import type { KaraokeService } from '../services/packets/karaoke-service.js';
import type { PacketService } from '../services/packets/packet-service.js';
import type { PhraseService } from '../services/packets/phrase-service.js';
import type { RainService } from '../services/rains/rain-service.js';
import type { RoomService } from '../services/rooms/room-service.js';
import type { CurfewGuard } from './curfew-guard.js';

/** What event handlers may use. */
export interface HandlerServices {
  clock: Clock;
  rooms: RoomService;
  packets: PacketService;
  rains: RainService;
  karaoke: KaraokeService;
  codes: CodeService;
  receive: ReceiveService;
  phrases: PhraseService;
  /** Nearby discovery of location-fenced packets. */
  nearby: NearbyService;
  /** The minors' curfew (the curfew guard refuses money events; chat phrases check it here). */
  curfew: CurfewRule;
}

/**
 * The guards handlers wrap themselves in (guard.ts). Risk is not one: it is the claim's own
 * gate (services/risk/claim-risk.ts), so no path to money can leave it out.
 */
export interface Guards {
  /** CURFEW for a minor's money-moving event or route during the curfew hours. */
  curfew: CurfewGuard;
}
