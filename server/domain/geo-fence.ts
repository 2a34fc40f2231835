/**
 * Location fences (同城 / 地理围栏): who is inside a packet's circle. Pure; the store's grab
 * step applies `fenceVerdict` (MemoryStore) and server/store/lua/_packet-claim.lua (shared by
 * packet-grab.lua and packet-grab-credit.lua) mirrors it operation for operation
 * (RedisStore), so every backend decides alike.
 *
 * Distance: great-circle distance by the haversine formula on a sphere of the mean Earth
 * radius (IUGG, 6,371,008.8 m). Against the WGS 84 ellipsoid it errs by at most about 0.5 %
 * (1.5 m at 300 m), far below what a phone reports as its accuracy. The haversine form is
 * well conditioned for small distances, handles the antimeridian by itself (it uses only
 * sines of half the differences) and the poles (longitude stops mattering there).
 *
 * Accuracy rule. A claimer reports `{ lat, lng, accuracyM }` (the browser's 95 % radius). The
 * server trusts at most `capM` of it (FENCE_ACCURACY_CAP_M):
 *
 *     trusted = min(accuracyM, capM)
 *     inside  ⇔  distance(centre, location) − trusted ≤ radiusM
 *
 * so a claimer whose circle of uncertainty touches the fence is let in — a phone indoors
 * reading 40 m off is not refused at the shop's door — while a huge accuracy (a coarse
 * network fix, or a made-up 1,000 km) buys at most `capM` metres: nobody claims from across
 * town by claiming to be unsure. A fenced packet and no location: refused the same way.
 *
 * Where the check runs: inside the store's grab step, with the other gates (claim-gate.ts),
 * after the claim-key and expiry checks and before a share is popped. The fence is immutable
 * packet data, so checking it in the application first would not race either; but in the
 * step, (1) every path to a share — room grab, scanned code, any path added later — passes
 * it by construction, as it passes the exclusive and password gates, instead of relying on
 * each caller to remember; (2) the decision reads the fence the packet itself stores, with
 * no per-node cache of packet data to keep or bound; (3) the store contract can prove "only
 * those inside are paid" on memory, Redis and Cluster. The cost is a few sines in Lua on
 * fenced packets only. A refusal (`outside`) returns before the pop: no share is consumed,
 * no claim written, and the caller's retry with a better location is a fresh attempt.
 */
import type { ClaimLocation, Fence } from '@red-packet/sdk/protocol';
import { GameError } from './errors.js';

/** Mean Earth radius (IUGG), metres. server/store/lua/_packet-claim.lua uses the same. */
export const EARTH_RADIUS_M = 6_371_008.8;

export interface GeoPoint {
  lat: number;
  lng: number;
}

const RAD = Math.PI / 180;

/** Great-circle distance in metres between two WGS 84 points (degrees). */
export function haversineM(a: GeoPoint, b: GeoPoint): number {
  const sdlat = Math.sin(((b.lat - a.lat) * RAD) / 2);
  const sdlng = Math.sin(((b.lng - a.lng) * RAD) / 2);
  const h = sdlat * sdlat + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * sdlng * sdlng;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** What a grab presents to the store's fence check: the location with its *trusted* accuracy. */
export interface FencePass extends GeoPoint {
  /** min(reported accuracy, FENCE_ACCURACY_CAP_M), metres. */
  trustedM: number;
}

/** The reported location as the store checks it: its accuracy capped at `capM`. */
export function fencePass(location: ClaimLocation, capM: number): FencePass {
  return { lat: location.lat, lng: location.lng, trustedM: Math.min(location.accuracyM, capM) };
}

export type FenceVerdict =
  | { inside: true; distanceM: number }
  /** `distanceM` null: no location was presented. */
  | { inside: false; distanceM: number | null };

/** The accuracy rule above, for a pass whose accuracy is already capped. */
export function fenceVerdict(fence: Fence, pass: FencePass | undefined): FenceVerdict {
  if (!pass) return { inside: false, distanceM: null };
  const distanceM = haversineM(fence, pass);
  return distanceM - pass.trustedM <= fence.radiusM
    ? { inside: true, distanceM }
    : { inside: false, distanceM };
}

export interface FenceBounds {
  /** Smallest / largest fence radius, metres. */
  minRadiusM: number;
  maxRadiusM: number;
}

/** LIMIT_EXCEEDED for a fence whose radius is outside the configured bounds. */
export function checkFence(fence: Fence, bounds: FenceBounds): void {
  if (fence.radiusM < bounds.minRadiusM || fence.radiusM > bounds.maxRadiusM) {
    throw new GameError(
      'LIMIT_EXCEEDED',
      `a fence's radius must be ${bounds.minRadiusM}–${bounds.maxRadiusM} m (got ${fence.radiusM} m)`,
      { limit: 'fence-radius' },
    );
  }
}

/** The OUT_OF_AREA refusal; `distanceM` null when the claim carried no location. */
export function outOfArea(radiusM: number, distanceM: number | null): GameError {
  if (distanceM === null) {
    return new GameError(
      'OUT_OF_AREA',
      `this packet can be claimed only within ${radiusM} m of its place: send your location`,
      { radiusM },
    );
  }
  const away = Math.round(distanceM);
  return new GameError(
    'OUT_OF_AREA',
    `this packet can be claimed only within ${radiusM} m of its place; you are ${away} m away`,
    { radiusM, distanceM: away },
  );
}
