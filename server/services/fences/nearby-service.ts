/**
 * Nearby discovery (同城漂流): open location-fenced packets whose centre is within a radius
 * of a point, nearest first, for anyone signed in — a fenced packet is meant to be found and
 * claimed by whoever is there, room member or not. The index (Store.fences) may hold entries
 * of packets that closed (a removal lost in a crash) or were never created (write-ahead, then
 * a failed send); each answer is checked against the packet itself, and such entries are
 * dropped from the index on the way.
 */
import type { NearbyResult } from '@red-packet/sdk/protocol';
import type { Clock } from '../../domain/clock.js';
import { GameError } from '../../domain/errors.js';
import type { GeoPoint } from '../../domain/geo-fence.js';
import type { Logger } from '../../observability/logger.js';
import type { PacketRecord, Store } from '../../store/store.js';
import { packetView } from '../packets/packet-views.js';

/** An index entry whose packet still does not exist this long after it was written was never created. */
const NEVER_CREATED_AFTER_MS = 60_000;
/** Entries asked of the index beyond the limit, for those that turn out closed. */
const SLACK = 10;

export interface NearbySearch extends GeoPoint {
  radiusM: number;
  limit: number;
}

export class NearbyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly maxRadiusM: number,
  ) {}

  /** LIMIT_EXCEEDED past NEARBY_MAX_RADIUS_M. */
  async search({ lat, lng, radiusM, limit }: NearbySearch): Promise<NearbyResult> {
    if (radiusM > this.maxRadiusM) {
      throw new GameError('LIMIT_EXCEEDED', `a nearby search reaches at most ${this.maxRadiusM} m`, {
        limit: 'nearby-radius',
      });
    }
    const now = this.clock.now();
    const hits = await this.store.fences.nearby({ lat, lng }, radiusM, now, limit + SLACK);
    const packets = await Promise.all(hits.map((h) => this.store.packets.getPacket(h.packetId)));
    const stale: string[] = [];
    const found: NearbyResult['packets'] = [];
    hits.forEach((hit, i) => {
      const packet = packets[i];
      if (packet && isOpen(packet, now)) {
        found.push({ packet: packetView(packet), distanceM: Math.round(hit.distanceM) });
      } else if (packet || hit.at < now - NEVER_CREATED_AFTER_MS) {
        stale.push(hit.packetId);
      }
    });
    if (stale.length > 0) {
      await this.store.fences.unindex(stale).catch((err: unknown) => {
        this.log.warn({ err, stale: stale.length }, 'could not drop closed packets from the nearby index');
      });
    }
    return { packets: found.slice(0, limit), serverTime: now };
  }
}

function isOpen(packet: PacketRecord, now: number): boolean {
  return packet.status === 'open' && now < packet.expiresAt && packet.remainingCount > 0;
}
