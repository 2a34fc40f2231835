/**
 * FenceStore over Redis / Redis Cluster (see fence-store.ts for the slot reasoning):
 *
 *   rp:{geo}:points            geo set   fence centres (GEOADD; member = packet id)
 *   rp:{geo}:due               zset      packet id → expiresAt
 *   rp:{geo}:entries           hash      packet id → entry JSON (the exact centre and radius)
 *   rp:{geo}:polar-turned      geo set   centres beyond the latitudes Redis geo can hold
 *                                       (±85.05°), turned a quarter round (`turned`)
 *   rp:{p:<packetId>}:fence-log   list   claim attempts, newest first (capped)
 *   rp:{p:<packetId>}:fence-out   hash   userId → refused attempts
 *
 * GEOSEARCH measures on a sphere of 6,372,797.56 m over 52-bit geohashes (±0.6 m), not the
 * domain's 6,371,008.8 m; so the search asks Redis for a slightly larger circle and the
 * answer is filtered and ordered by the domain's exact distance, and memory and Redis agree.
 *
 * Polar fences. Redis geo cannot hold a centre beyond ±85.05°. Those centres are stored
 * turned a quarter round the sphere (the rotation that takes the poles to the equator at
 * longitudes 0 and 180), where it can; a search looks there with its own point turned the
 * same way. A rotation keeps every distance, so the polar search is an ordinary bounded
 * GEOSEARCH (nearest first, COUNT) and never reads the polar entries whole.
 */
import { z } from 'zod';
import { haversineM } from '../../domain/geo-fence.js';
import { parseJson } from '../redis/codec.js';
import { RedisPart } from '../redis/part.js';
import {
  FENCE_LOG_CAP,
  FENCE_LOG_RETAIN_MS,
  type FenceAttempt,
  type FenceEntry,
  type FenceHit,
  type FenceStore,
} from './fence-store.js';

/** The latitudes Redis geo indexes (Web Mercator's). */
const GEO_MAX_LAT = 85.05112878;
/** Candidates asked of Redis beyond the limit, for entries the exact filter or the caller drops. */
const CANDIDATE_SLACK = 20;
const RAD = Math.PI / 180;

/**
 * The point turned a quarter round the axis through (0°, ±90°): (x, y, z) → (z, y, −x). The
 * north pole lands on (0°, 0°), the south pole on (0°, 180°), and every polar centre within
 * 5° of the equator, where Redis geo holds it. Distances are unchanged (a rotation).
 */
function turned(point: { lat: number; lng: number }): { lat: number; lng: number } {
  const x = Math.cos(point.lat * RAD) * Math.cos(point.lng * RAD);
  const y = Math.cos(point.lat * RAD) * Math.sin(point.lng * RAD);
  const z = Math.sin(point.lat * RAD);
  return { lat: Math.asin(Math.max(-1, Math.min(1, -x))) / RAD, lng: Math.atan2(y, z) / RAD };
}

/**
 * Where GEOSEARCH can start for a circle round `point`: beyond ±85.05° it cannot, so it starts
 * from the nearest latitude it can hold with the circle grown by the gap (every candidate is
 * still inside; the exact filter follows), and with slack for Redis's sphere and geohashes.
 */
function searchFrom(point: { lat: number; lng: number }, radiusM: number) {
  const lat = Math.max(-GEO_MAX_LAT, Math.min(GEO_MAX_LAT, point.lat));
  const gapM = haversineM(point, { lat, lng: point.lng });
  return { lng: point.lng, lat, radiusM: (radiusM + gapM) * 1.001 + 5 };
}

const entrySchema = z.object({
  packetId: z.string(),
  lat: z.number(),
  lng: z.number(),
  radiusM: z.number(),
  expiresAt: z.number(),
  at: z.number(),
});

const attemptSchema = z.object({
  userId: z.string(),
  lat: z.number(),
  lng: z.number(),
  accuracyM: z.number(),
  distanceM: z.number(),
  inside: z.boolean(),
  at: z.number(),
});

const decodeEntry = (json: string): FenceEntry => parseJson(entrySchema, json, 'fence entry');
const decodeAttempt = (json: string): FenceAttempt => parseJson(attemptSchema, json, 'fence attempt');

export class RedisFences extends RedisPart implements FenceStore {
  private indexKeys(): string[] {
    const base = `${this.keys.prefix}rp:{geo}`;
    return [`${base}:points`, `${base}:due`, `${base}:entries`, `${base}:polar-turned`];
  }

  private logKeys(packetId: string): string[] {
    const base = `${this.keys.prefix}rp:{p:${packetId}}`;
    return [`${base}:fence-log`, `${base}:fence-out`];
  }

  index(entry: FenceEntry): Promise<void> {
    const turn = turned(entry);
    return this.guard(async () => {
      await this.script('fence-index', this.indexKeys(), [
        entry.packetId,
        entry.lng,
        entry.lat,
        entry.expiresAt,
        JSON.stringify(entry),
        turn.lng,
        turn.lat,
      ]);
    });
  }

  unindex(packetIds: string[]): Promise<void> {
    if (packetIds.length === 0) return Promise.resolve();
    return this.guard(async () => {
      await this.script('fence-unindex', this.indexKeys(), packetIds);
    });
  }

  nearby(
    point: { lat: number; lng: number },
    radiusM: number,
    now: number,
    limit: number,
  ): Promise<FenceHit[]> {
    const plain = searchFrom(point, radiusM);
    const polar = searchFrom(turned(point), radiusM);
    return this.guard(async () => {
      const raw = await this.script('fence-search', this.indexKeys(), [
        plain.lng,
        plain.lat,
        plain.radiusM,
        now,
        limit + CANDIDATE_SLACK,
        polar.lng,
        polar.lat,
        polar.radiusM,
      ]);
      return raw
        .map(decodeEntry)
        .filter((e) => e.expiresAt > now)
        .map((e) => ({ ...e, distanceM: haversineM(point, e) }))
        .filter((h) => h.distanceM <= radiusM)
        .sort((a, b) => a.distanceM - b.distanceM || a.packetId.localeCompare(b.packetId))
        .slice(0, limit);
    });
  }

  recordAttempt(packetId: string, attempt: FenceAttempt, keepUntil: number): Promise<number> {
    return this.script('fence-attempt', this.logKeys(packetId), [
      JSON.stringify(attempt),
      attempt.userId,
      attempt.inside ? 1 : 0,
      FENCE_LOG_CAP,
      keepUntil + FENCE_LOG_RETAIN_MS,
    ]);
  }

  attempts(packetId: string, limit: number): Promise<FenceAttempt[]> {
    return this.guard(async () => {
      const [log] = this.logKeys(packetId);
      const raw = await this.redis.lrange(log ?? '', 0, limit - 1);
      return raw.map(decodeAttempt);
    });
  }
}
