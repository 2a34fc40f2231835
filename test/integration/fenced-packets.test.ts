/**
 * Location-fenced packets end to end over real sockets through the SDK, on the memory store
 * and on Redis: a fenced packet is claimed only from inside its fence (OUT_OF_AREA with the
 * distance otherwise, nothing moved), by anyone inside — room member or not — found through
 * the nearby search (socket event and HTTP route), which forgets it once it finishes; a fenced
 * code packet (a shop opening) needs both the code and the place; every claim location is
 * logged for operators and a prober is flagged.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketError, type RedPacketClient } from '@red-packet/sdk';
import type { FenceAttemptView, NearbyResult } from '@red-packet/sdk/protocol';
import { EARTH_RADIUS_M } from '../../server/domain/geo-fence.js';
import { storeBackends, type Backend } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const DEGREE_M = (EARTH_RADIUS_M * Math.PI) / 180;
/** A shop on Nanjing Road, Shanghai. */
const SHOP = { lat: 31.2352, lng: 121.4747 };
const at = (northM: number, accuracyM = 10) => ({
  lat: SHOP.lat + northM / DEGREE_M,
  lng: SHOP.lng,
  accuracyM,
});

async function refusal(promise: Promise<unknown>): Promise<RedPacketError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RedPacketError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe.each(storeBackends())('location-fenced packets on %s', (_name, makeBackend) => {
  let backend: Backend;
  let server: TestServer;
  let shop: RedPacketClient;
  let member: RedPacketClient;
  let passerBy: RedPacketClient;
  let adminToken: string;
  beforeAll(async () => {
    backend = await makeBackend();
    server = await startTestServer({
      ...backend.env,
      FENCE_MIN_RADIUS_M: '100',
      FENCE_MAX_RADIUS_M: '5000',
      FENCE_ACCURACY_CAP_M: '50',
      NEARBY_MAX_RADIUS_M: '20000',
      FENCE_PROBE_FLAG_AT: '3',
    });
    await server.mint('shop', 100_000);
    shop = await server.client('shop', 'host');
    member = await server.client('member');
    passerBy = await server.client('passer-by');
    for (const c of [shop, member]) await c.join('opening');
    adminToken = await server.token('ops', 'admin');
  });
  afterEach(async () => {
    await server.expectBalanced();
  });
  afterAll(async () => {
    for (const c of [shop, member, passerBy]) c.close();
    await server.close();
    await backend.destroy();
  });

  it('only claimers inside the fence are paid; outside or without a location is OUT_OF_AREA and moves nothing', async () => {
    const announced = member.waitFor('packet:created');
    const { packet } = await shop.sendPacket({
      roomId: 'opening',
      kind: 'equal',
      amount: 100,
      count: 3,
      greeting: 'Grand opening',
      fence: { ...SHOP, radiusM: 300 },
    });
    expect(packet.fence).toEqual({ ...SHOP, radiusM: 300 });
    expect((await announced).fence).toEqual({ ...SHOP, radiusM: 300 });

    const none = await refusal(member.grab(packet.id));
    expect(none.code).toBe('OUT_OF_AREA');
    expect(none.details).toEqual({ radiusM: 300 });
    const far = await refusal(member.grab(packet.id, { location: at(1_200, 5_000) }));
    expect(far.code).toBe('OUT_OF_AREA');
    expect(far.details).toEqual({ radiusM: 300, distanceM: 1_200 }); // accuracy credited up to 50 m only
    expect((await server.app.store.packets.getPacket(packet.id))?.remainingCount).toBe(3);
    expect(await server.app.store.wallets.getBalance('member')).toBe(0);

    // Inside: a room member, and a passer-by who never joined the room (the fence decides).
    expect(await member.grab(packet.id, { location: at(340, 45) })).toMatchObject({
      amount: 100,
      remaining: 2,
    });
    expect(await passerBy.grab(packet.id, { location: at(-120) })).toMatchObject({
      amount: 100,
      remaining: 1,
    });
    expect(await server.app.store.wallets.getBalance('passer-by')).toBe(100);
    const again = await refusal(passerBy.grab(packet.id, { location: at(0) }));
    expect(again.code).toBe('ALREADY_GRABBED');

    // The same over HTTP: the packet shows its fence.
    const http = await server.http('GET', `/v1/packets/${packet.id}`, {
      token: await server.token('member'),
    });
    expect(http.body).toMatchObject({ packet: { fence: { radiusM: 300 }, remainingCount: 1 } });
  });

  it('refuses fences outside the configured radius bounds and fenced password packets', async () => {
    const base = { roomId: 'opening', kind: 'equal' as const, amount: 100, count: 1 };
    const tooSmall = await refusal(shop.sendPacket({ ...base, fence: { ...SHOP, radiusM: 99 } }));
    expect(tooSmall.code).toBe('LIMIT_EXCEEDED');
    const tooLarge = await refusal(shop.sendPacket({ ...base, fence: { ...SHOP, radiusM: 5_001 } }));
    expect(tooLarge.code).toBe('LIMIT_EXCEEDED');
    const badLat = await refusal(shop.sendPacket({ ...base, fence: { lat: 91, lng: 0, radiusM: 300 } }));
    expect(badLat.code).toBe('INVALID_PAYLOAD');
    const badLocation = await refusal(
      member.request('packet:grab', { packetId: 'pk_x', location: { lat: 0, lng: 181, accuracyM: 5 } }),
    );
    expect(badLocation.code).toBe('INVALID_PAYLOAD');
    const phrase = await refusal(
      shop.sendPacket({
        ...base,
        unlock: { type: 'phrase', phrase: '开业大吉' },
        fence: { ...SHOP, radiusM: 300 },
      }),
    );
    expect(phrase.code).toBe('INVALID_PAYLOAD');
    expect(await server.app.store.wallets.getBalance('shop')).toBe(100_000 - 300);

    // The HTTP packet route takes the same fence, with the same checks.
    const token = await server.token('shop', 'host');
    const body = { kind: 'equal', amount: 100, count: 1 };
    const bad = await server.http('POST', '/v1/rooms/opening/packets', {
      token,
      body: { ...body, fence: { lat: 0, lng: Number.MAX_VALUE, radiusM: 300 } },
    });
    expect(bad.status).toBe(400);
    const wide = await server.http('POST', '/v1/rooms/opening/packets', {
      token,
      body: { ...body, fence: { ...SHOP, radiusM: 6_000 } },
    });
    expect(wide.status).toBe(422);
    const sent = await server.http('POST', '/v1/rooms/opening/packets', {
      token,
      body: { ...body, fence: { ...SHOP, radiusM: 250 } },
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ packet: { fence: { ...SHOP, radiusM: 250 } } });
    expect(await server.app.store.wallets.getBalance('shop')).toBe(100_000 - 400);
  });

  it('nearby: open fenced packets near a point, nearest first, over the socket and HTTP; a finished one drops out', async () => {
    const send = (northM: number, count: number) =>
      shop.sendPacket({
        roomId: 'opening',
        kind: 'lucky',
        total: 100 * count,
        count,
        fence: { lat: at(northM).lat, lng: SHOP.lng, radiusM: 200 },
      });
    const { packet: far } = await send(3_000, 2);
    const { packet: near } = await send(150, 1);
    await shop.sendPacket({ roomId: 'opening', kind: 'lucky', total: 100, count: 1 }); // not fenced

    const found = await passerBy.nearby({ ...SHOP, radiusM: 5_000 });
    const mine = found.packets.filter((p) => [near.id, far.id].includes(p.packet.id));
    expect(mine.map((p) => [p.packet.id, p.distanceM])).toEqual([
      [near.id, 150],
      [far.id, 3_000],
    ]);
    expect(found.packets.every((p) => p.packet.fence !== undefined && p.packet.status === 'open')).toBe(true);
    const distances = found.packets.map((p) => p.distanceM);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(
      (await passerBy.nearby({ ...SHOP, radiusM: 1_000 })).packets.map((p) => p.packet.id),
    ).not.toContain(far.id);

    const token = await server.token('passer-by');
    const http = await server.http('GET', `/v1/packets/nearby?lat=${SHOP.lat}&lng=${SHOP.lng}&radiusM=5000`, {
      token,
    });
    expect(http.status).toBe(200);
    expect((http.body as unknown as NearbyResult).packets.map((p) => p.packet.id)).toEqual(
      found.packets.map((p) => p.packet.id),
    );
    expect((await server.http('GET', '/v1/packets/nearby?lat=95&lng=0', { token })).status).toBe(400);
    expect((await server.http('GET', '/v1/packets/nearby?lat=abc&lng=0', { token })).status).toBe(400);
    const tooWide = await server.http('GET', '/v1/packets/nearby?lat=0&lng=0&radiusM=20001', { token });
    expect(tooWide.status).toBe(422);
    expect((await server.http('GET', '/v1/packets/nearby?lat=0&lng=0')).status).toBe(401);

    // The passer-by walks over and takes the last share: it leaves the nearby list.
    expect(await passerBy.grab(near.id, { location: at(160) })).toMatchObject({ remaining: 0 });
    const after = await passerBy.nearby({ ...SHOP, radiusM: 5_000 });
    expect(after.packets.map((p) => p.packet.id)).not.toContain(near.id);
    expect(after.packets.map((p) => p.packet.id)).toContain(far.id);
  });

  it('a fenced code packet (shop opening): the code and the place, socket and HTTP', async () => {
    const { packet } = await shop.sendPacket({
      roomId: 'opening',
      kind: 'equal',
      amount: 200,
      count: 2,
      claim: { type: 'code' },
      fence: { ...SHOP, radiusM: 200 },
    });
    const { RedPacketHttp } = await import('@red-packet/sdk');
    const { code } = await new RedPacketHttp({
      url: server.url,
      token: await server.token('shop'),
    }).packetCode(packet.id);
    const away = await refusal(passerBy.claimCode(code, { location: at(900) }));
    expect(away.code).toBe('OUT_OF_AREA');
    expect((await refusal(passerBy.claimCode(code))).code).toBe('OUT_OF_AREA');
    expect(await passerBy.claimCode(code, { location: at(50) })).toEqual({
      packetId: packet.id,
      amount: 200,
      remaining: 1,
    });
    const httpClaimer = new RedPacketHttp({ url: server.url, token: await server.token('walk-in') });
    const httpAway = await refusal(httpClaimer.claim(code, { location: at(-700) }));
    expect(httpAway.code).toBe('OUT_OF_AREA');
    const raw = await server.http('POST', '/v1/claims', {
      token: await server.token('walk-in'),
      body: { code, location: at(-700) },
    });
    expect(raw.status).toBe(403);
    expect(raw.body).toMatchObject({ error: { code: 'OUT_OF_AREA', radiusM: 200, distanceM: 700 } });
    expect(await httpClaimer.claim(code, { location: at(-150) })).toMatchObject({
      amount: 200,
      remaining: 0,
    });
  });

  it('logs each claim location for operators and flags a user refused again and again', async () => {
    const { packet } = await shop.sendPacket({
      roomId: 'opening',
      kind: 'equal',
      amount: 100,
      count: 1,
      fence: { ...SHOP, radiusM: 150 },
    });
    for (const m of [2_000, 1_000, 500]) {
      expect((await refusal(member.grab(packet.id, { location: at(m, 20) }))).code).toBe('OUT_OF_AREA');
    }
    await member.grab(packet.id, { location: at(100, 20) });
    const log = await server.http('GET', `/v1/admin/packets/${packet.id}/locations`, { token: adminToken });
    expect(log.status).toBe(200);
    const attempts = (log.body as { attempts: FenceAttemptView[] }).attempts;
    expect(attempts.map((a) => [a.userId, a.distanceM, a.inside, a.accuracyM])).toEqual([
      ['member', 100, true, 20],
      ['member', 500, false, 20],
      ['member', 1_000, false, 20],
      ['member', 2_000, false, 20],
    ]);
    const userView = await server.http('GET', `/v1/admin/packets/${packet.id}/locations`, {
      token: await server.token('member'),
    });
    expect(userView.status).toBe(403);
    const risk = await server.http('GET', '/v1/admin/risk', { token: adminToken });
    const flags = (risk.body as { flags: { id: string; rule: string; userIds: string[] }[] }).flags;
    expect(flags).toContainEqual(
      expect.objectContaining({
        id: `fence-probe:${packet.id}:member`,
        rule: 'fence-probe',
        userIds: ['member'],
      }),
    );
  });
});
