/**
 * Location-fenced packets in the store contract: the fence is enforced by the grab step
 * itself (both Redis scripts and the memory store), so a claimer outside it is refused and
 * nothing is consumed; the nearby index answers what is near, nearest first, and forgets
 * packets that finish or expire.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/domain/clock.js';
import { EARTH_RADIUS_M, haversineM, type FencePass } from '../../server/domain/geo-fence.js';
import { createLogger } from '../../server/observability/logger.js';
import { NearbyService } from '../../server/services/fences/nearby-service.js';
import type { ClaimRecord, Credit, GrabOutcome, PacketRecord, Store } from '../../server/store/store.js';
import { fundPacket } from './store-contract.js';

const T0 = 1_700_000_000_000;
const DEGREE_M = (EARTH_RADIUS_M * Math.PI) / 180;
/** People's Square, Shanghai. */
const CENTRE = { lat: 31.2304, lng: 121.4737 };
const FENCE = { ...CENTRE, radiusM: 300 };

/** A pass `m` metres north of `from` with trusted accuracy `trustedM`. */
const northOf = (from: { lat: number; lng: number }, m: number, trustedM = 0): FencePass => ({
  lat: from.lat + m / DEGREE_M,
  lng: from.lng,
  trustedM,
});

type Claimed = Extract<GrabOutcome, { status: 'claimed' }>;

async function pay(store: Store, claims: { claim: ClaimRecord }[]): Promise<void> {
  const credits: Credit[] = claims.map((o) => ({
    claimId: o.claim.claimId,
    userId: o.claim.userId,
    amount: o.claim.amount,
    sourceId: o.claim.packetId,
    reason: 'grab',
    at: o.claim.at,
  }));
  for (const c of credits) await store.wallets.applyCredit(c);
  if (credits[0])
    await store.escrow.ackCredits(
      credits[0].sourceId,
      credits.map((c) => c.claimId),
    );
}

async function fundFenced(store: Store, over: Partial<PacketRecord> = {}): Promise<PacketRecord> {
  const packet = await fundPacket(store, { fence: FENCE, ...over });
  const fence = packet.fence ?? FENCE;
  await store.fences.index({ packetId: packet.id, ...fence, expiresAt: packet.expiresAt, at: T0 });
  return packet;
}

export function describeFenceContract(getStore: () => Store): void {
  describe('location-fenced packets', () => {
    it('people inside and outside race: only the inside ones are paid, sum exact, nothing consumed by a refusal', async () => {
      const store = getStore();
      const packet = await fundFenced(store, { total: 3_100, count: 31 });
      // 30 inside (some only thanks to their accuracy), 20 outside, 10 with no location.
      const inside = Array.from({ length: 30 }, (_, i) =>
        i < 20 ? northOf(CENTRE, i * 14) : northOf(CENTRE, 310 + i, 40),
      );
      const outside = Array.from({ length: 20 }, (_, i) => northOf(CENTRE, 320 + i * 50, i % 2 ? 10 : 0));
      const grabs = [
        ...inside.map((location, i) => ({ userId: `in${i}`, location })),
        ...outside.map((location, i) => ({ userId: `out${i}`, location })),
        ...Array.from({ length: 10 }, (_, i) => ({ userId: `none${i}`, location: undefined })),
      ].sort((a, b) => (a.userId.length % 3) - (b.userId.length % 3) || a.userId.localeCompare(b.userId));
      const results = await Promise.all(
        grabs.map(async (g) => ({
          userId: g.userId,
          outcome: await store.packets.grab(
            packet.id,
            { userId: g.userId, name: g.userId },
            T0 + 1,
            g.location ? { location: g.location } : {},
          ),
        })),
      );
      const of = (prefix: string) => results.filter((r) => r.userId.startsWith(prefix)).map((r) => r.outcome);
      const claimed = of('in').filter((o): o is Claimed => o.status === 'claimed');
      expect(claimed).toHaveLength(30);
      for (const o of of('out')) {
        expect(o).toMatchObject({ status: 'outside', radiusM: 300 });
        const { distanceM } = o as Extract<GrabOutcome, { status: 'outside' }>;
        expect(distanceM).toBeGreaterThan(300);
      }
      expect(of('none')).toEqual(
        Array.from({ length: 10 }, () => ({
          status: 'outside',
          radiusM: 300,
          distanceM: null,
          expiresAt: packet.expiresAt,
        })),
      );

      // The refusals consumed nothing: one share is left, and an outsider who walks in gets it.
      const stored = await store.packets.getPacket(packet.id);
      expect(stored).toMatchObject({ status: 'open', remainingCount: 1 });
      expect(await store.packets.getClaims(packet.id)).toHaveLength(30);
      const late = await store.packets.grab(packet.id, { userId: 'out3', name: 'out3' }, T0 + 2, {
        location: northOf(CENTRE, 100),
      });
      expect(late.status).toBe('claimed');
      const all = [...claimed, late as Claimed];
      expect(all.reduce((sum, o) => sum + o.claim.amount, 0)).toBe(3_100);
      expect((await store.packets.getPacket(packet.id))?.status).toBe('finished');
      await pay(store, all);
      expect(await store.audit.report()).toMatchObject({ balanced: true, escrow: 0, inFlight: 0 });
    });

    it('the one-step grab and credit refuses outsiders the same way', async () => {
      const store = getStore();
      const packet = await fundFenced(store, { total: 200, count: 2 });
      const user = { userId: 'walker', name: 'Walker' };
      expect(await store.packets.grabAndCredit(packet.id, user, T0 + 1)).toEqual({
        status: 'outside',
        radiusM: 300,
        distanceM: null,
        expiresAt: packet.expiresAt,
      });
      // A refusal carries the distance the fence measured and the packet's expiry.
      const far = await store.packets.grabAndCredit(packet.id, user, T0 + 1, {
        location: northOf(CENTRE, 1_000, 50),
      });
      expect(far).toMatchObject({ status: 'outside', radiusM: 300, expiresAt: packet.expiresAt });
      expect(far.status === 'outside' ? far.distanceM : null).toBeCloseTo(1_000, 3);
      // So does a claim: the distance, as the fence check measured it.
      const location = northOf(CENTRE, 250);
      const near = await store.packets.grabAndCredit(packet.id, user, T0 + 2, { location });
      if (near.status !== 'claimed') throw new Error(`expected a claim, got ${near.status}`);
      expect(near.distanceM).toBe(haversineM(FENCE, location));
      expect(near.packet).toMatchObject({ expiresAt: packet.expiresAt, fence: FENCE, remainingCount: 1 });
      if (!near.credited) await pay(store, [near]);
      expect(await store.packets.getPacket(packet.id)).toMatchObject({ remainingCount: 1, fence: FENCE });
      const again = await store.packets.grabAndCredit(packet.id, user, T0 + 3, {
        location: northOf(CENTRE, 5_000),
      });
      expect(again.status).toBe('already');
    });

    it('decides the edge like the domain rule: a centimetre in or out, across the antimeridian too', async () => {
      const store = getStore();
      const packet = await fundFenced(store, { total: 300, count: 3 });
      const grab = (userId: string, location: FencePass) =>
        store.packets.grab(packet.id, { userId, name: userId }, T0 + 1, { location });
      expect((await grab('edge-out', northOf(CENTRE, 300.01))).status).toBe('outside');
      expect((await grab('edge-in', northOf(CENTRE, 299.99))).status).toBe('claimed');
      expect((await grab('acc-in', northOf(CENTRE, 349.99, 50))).status).toBe('claimed');
      const dateLine = await fundFenced(store, {
        total: 100,
        count: 1,
        fence: { lat: -17.7134, lng: 179.9995, radiusM: 200 },
      });
      const across = await store.packets.grab(dateLine.id, { userId: 'fiji', name: 'Fiji' }, T0 + 1, {
        location: { lat: -17.7134, lng: -179.9995, trustedM: 0 },
      });
      expect(across.status).toBe('claimed');
      const claims = [
        ...(await store.packets.getClaims(packet.id)).map(
          (c) => ({ status: 'claimed', claim: c }) as Claimed,
        ),
        across as Claimed,
      ];
      await pay(store, claims.slice(0, 2));
      await pay(store, claims.slice(2));
    });

    it('nearby: nearest first with exact distances, within the radius only, across the antimeridian and near a pole', async () => {
      const store = getStore();
      const entry = (packetId: string, lat: number, lng: number, expiresAt = T0 + 60_000) =>
        store.fences.index({ packetId, lat, lng, radiusM: 300, expiresAt, at: T0 });
      await entry('p-far', CENTRE.lat + 2_000 / DEGREE_M, CENTRE.lng);
      await entry('p-near', CENTRE.lat + 100 / DEGREE_M, CENTRE.lng);
      await entry('p-mid', CENTRE.lat - 500 / DEGREE_M, CENTRE.lng);
      await entry('p-away', CENTRE.lat + 20_000 / DEGREE_M, CENTRE.lng);
      await entry('p-east', 0, 179.9999);
      await entry('p-polar', 89.9, 10);

      const within1k = await store.fences.nearby(CENTRE, 1_000, T0, 10);
      expect(within1k.map((h) => h.packetId)).toEqual(['p-near', 'p-mid']);
      expect(within1k[0]?.distanceM).toBeCloseTo(100, 3);
      expect(within1k[1]?.distanceM).toBeCloseTo(500, 3);
      expect((await store.fences.nearby(CENTRE, 5_000, T0, 10)).map((h) => h.packetId)).toEqual([
        'p-near',
        'p-mid',
        'p-far',
      ]);
      expect((await store.fences.nearby(CENTRE, 5_000, T0, 2)).map((h) => h.packetId)).toEqual([
        'p-near',
        'p-mid',
      ]);
      const west = await store.fences.nearby({ lat: 0, lng: -179.9999 }, 100, T0, 10);
      expect(west.map((h) => h.packetId)).toEqual(['p-east']);
      expect(west[0]?.distanceM).toBeCloseTo(0.0002 * DEGREE_M, 3);
      const polar = await store.fences.nearby({ lat: 89.95, lng: -170 }, 20_000, T0, 10);
      expect(polar.map((h) => h.packetId)).toEqual(['p-polar']);
      expect(await store.fences.nearby({ lat: 89.95, lng: -170 }, 1_000, T0, 10)).toEqual([]);

      await store.fences.unindex(['p-near', 'unknown']);
      expect((await store.fences.nearby(CENTRE, 1_000, T0, 10)).map((h) => h.packetId)).toEqual(['p-mid']);
      await entry('p-soon', CENTRE.lat, CENTRE.lng, T0 + 1_000);
      expect((await store.fences.nearby(CENTRE, 1_000, T0 + 999, 10)).map((h) => h.packetId)).toEqual([
        'p-soon',
        'p-mid',
      ]);
      expect((await store.fences.nearby(CENTRE, 1_000, T0 + 1_000, 10)).map((h) => h.packetId)).toEqual([
        'p-mid',
      ]);
    });

    it('nearby search over packets: only open ones, and one drops out when it finishes or expires', async () => {
      const store = getStore();
      const clock = new ManualClock(T0 + 1);
      const nearby = new NearbyService(store, clock, createLogger('silent', 'test'), 50_000);
      const near = await fundFenced(store, { total: 200, count: 2, fence: { ...CENTRE, radiusM: 300 } });
      const far = await fundFenced(store, {
        total: 100,
        count: 1,
        fence: { lat: CENTRE.lat + 800 / DEGREE_M, lng: CENTRE.lng, radiusM: 300 },
      });
      // An entry whose packet was never created (a failed send), written long ago.
      await store.fences.index({
        packetId: 'pk_never',
        ...CENTRE,
        radiusM: 300,
        expiresAt: T0 + 60_000,
        at: T0 - 120_000,
      });
      const search = () => nearby.search({ ...CENTRE, radiusM: 1_000, limit: 10 });
      const first = await search();
      expect(first.packets.map((p) => [p.packet.id, p.distanceM])).toEqual([
        [near.id, 0],
        [far.id, 800],
      ]);
      expect(first.packets[0]?.packet.fence).toEqual({ ...CENTRE, radiusM: 300 });

      // `near` finishes; nobody told the index (as after a crash): the search drops it.
      const claims: Claimed[] = [];
      for (const userId of ['a', 'b']) {
        const o = await store.packets.grab(near.id, { userId, name: userId }, T0 + 2, {
          location: northOf(CENTRE, 10),
        });
        claims.push(o as Claimed);
      }
      await pay(store, claims);
      expect((await search()).packets.map((p) => p.packet.id)).toEqual([far.id]);
      expect((await store.fences.nearby(CENTRE, 1_000, T0 + 1, 10)).map((h) => h.packetId)).toEqual([far.id]);

      // `far` expires: gone from the search at its expiry, and its refund is paid.
      clock.set(far.expiresAt);
      const expired = await store.packets.expirePacket(far.id, far.expiresAt);
      expect(expired.status).toBe('expired');
      if (expired.status === 'expired' && expired.refund) {
        await store.wallets.applyCredit(expired.refund);
        await store.escrow.ackCredits(far.id, [expired.refund.claimId]);
      }
      expect((await search()).packets).toEqual([]);
      expect(await store.fences.nearby(CENTRE, 1_000, far.expiresAt - 1, 10)).toEqual([]);
    });

    it('nearby with 8,100 fences beyond ±85.05°: a search anywhere answers, a polar one the nearest only', async () => {
      const store = getStore();
      const entry = (packetId: string, lat: number, lng: number) =>
        store.fences.index({ packetId, lat, lng, radiusM: 300, expiresAt: T0 + 60_000, at: T0 });
      // A crowd far from the search (a quarter of the way round the pole), more than a Lua
      // `unpack` takes in one call; then five near it, and one at the other pole.
      const crowd = Array.from({ length: 8_100 }, (_, i) => i);
      for (let i = 0; i < crowd.length; i += 500) {
        await Promise.all(
          crowd.slice(i, i + 500).map((n) => entry(`crowd-${n}`, 86 + (n % 390) / 100, 90 + (n % 180))),
        );
      }
      const here = { lat: 88, lng: 0 };
      for (let k = 0; k < 5; k++) await entry(`near-${k}`, here.lat + (k * 100) / DEGREE_M, here.lng);
      await entry('south', -89.9, 50);
      await entry('town', CENTRE.lat, CENTRE.lng);

      expect((await store.fences.nearby(CENTRE, 1_000, T0, 10)).map((h) => h.packetId)).toEqual(['town']);
      const polar = await store.fences.nearby(here, 50_000, T0, 3);
      expect(polar.map((h) => h.packetId)).toEqual(['near-0', 'near-1', 'near-2']);
      expect(polar[2]?.distanceM).toBeCloseTo(200, 3);
      const south = await store.fences.nearby({ lat: -89.95, lng: -120 }, 20_000, T0, 10);
      expect(south.map((h) => h.packetId)).toEqual(['south']);
    });

    it('logs claim locations per packet and counts refusals per user', async () => {
      const store = getStore();
      // The log outlives the packet; the keys expire by wall-clock time, so keep it in the future.
      const keepUntil = Date.now() + 86_400_000;
      const attempt = (userId: string, inside: boolean, at: number) => ({
        userId,
        lat: CENTRE.lat,
        lng: CENTRE.lng,
        accuracyM: 12,
        distanceM: inside ? 10 : 900,
        inside,
        at,
      });
      expect(await store.fences.recordAttempt('pk_log', attempt('x', false, T0), keepUntil)).toBe(1);
      expect(await store.fences.recordAttempt('pk_log', attempt('y', false, T0 + 1), keepUntil)).toBe(1);
      expect(await store.fences.recordAttempt('pk_log', attempt('x', false, T0 + 2), keepUntil)).toBe(2);
      expect(await store.fences.recordAttempt('pk_log', attempt('x', true, T0 + 3), keepUntil)).toBe(2);
      const log = await store.fences.attempts('pk_log', 10);
      expect(log.map((a) => [a.userId, a.inside, a.at])).toEqual([
        ['x', true, T0 + 3],
        ['x', false, T0 + 2],
        ['y', false, T0 + 1],
        ['x', false, T0],
      ]);
      expect(await store.fences.attempts('pk_log', 1)).toHaveLength(1);
      expect(await store.fences.attempts('pk_none', 10)).toEqual([]);
    });
  });
}
