/**
 * Location-fenced packets across two node processes sharing one Redis, and a Redis Cluster: a
 * fenced packet sent on node A is found nearby from node B, refused there from outside its
 * fence and claimed from inside by people who never joined its room; once it runs out it
 * leaves the nearby list on both nodes, and the money adds up.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketError } from '@red-packet/sdk';
import { EARTH_RADIUS_M } from '../../server/domain/geo-fence.js';
import { gameApi } from '../helpers/game-api.js';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process.js';
import { sharedBackends, type Backend } from '../helpers/backends.js';

const DEGREE_M = (EARTH_RADIUS_M * Math.PI) / 180;
const KTV = { lat: 22.5431, lng: 114.0579 }; // Shenzhen
const at = (northM: number) => ({ lat: KTV.lat + northM / DEGREE_M, lng: KTV.lng, accuracyM: 8 });

describe.each(sharedBackends())('a fenced packet across nodes on %s', (_name, makeBackend) => {
  const api = gameApi();
  let backend: Backend;
  let a: NodeProcess;
  let b: NodeProcess;

  beforeAll(async () => {
    backend = await makeBackend();
    const env = { ...backend.env, REDIS_KEY_PREFIX: `fmn-${randomBytes(3).toString('hex')}:` };
    [a, b] = await Promise.all([startNodeProcess(env, 'fence-a'), startNodeProcess(env, 'fence-b')]);
  }, 60_000);

  afterAll(async () => {
    api.closeClients();
    await Promise.all([a.stop(), b.stop()]);
    await backend.destroy();
  });

  it('sent on A, found and claimed on B from inside only, then gone from the list on both', async () => {
    await api.mint(a.url, 'singer', 1_000);
    const singer = await api.client(a.url, 'singer', 'host');
    await singer.join('ktv-room');
    const { packet } = await singer.sendPacket({
      roomId: 'ktv-room',
      kind: 'lucky',
      total: 1_000,
      count: 3,
      greeting: '同城漂流',
      fence: { ...KTV, radiusM: 500 },
    });
    const strangers = await Promise.all([1, 2, 3, 4].map((i) => api.client(b.url, `stranger-${i}`)));
    const found = await strangers[0]!.nearby({ lat: at(300).lat, lng: KTV.lng, radiusM: 2_000 });
    expect(found.packets.map((p) => [p.packet.id, p.distanceM])).toEqual([[packet.id, 300]]);

    const away = await strangers[0]!.grab(packet.id, { location: at(2_500) }).catch((e: unknown) => e);
    expect(away).toBeInstanceOf(RedPacketError);
    expect((away as RedPacketError).code).toBe('OUT_OF_AREA');
    expect((away as RedPacketError).details).toEqual({ radiusM: 500, distanceM: 2_500 });

    const wins = await Promise.all(
      strangers.slice(0, 3).map((s, i) => s.grab(packet.id, { location: at(100 * i - 200) })),
    );
    expect(wins.reduce((sum, w) => sum + w.amount, 0)).toBe(1_000);
    const late = await strangers[3]!.grab(packet.id, { location: at(0) }).catch((e: unknown) => e);
    expect((late as RedPacketError).code).toBe('PACKET_EMPTY');

    for (const url of [a.url, b.url]) {
      const viewer = await api.client(url, `viewer-${url.slice(-5)}`);
      expect((await viewer.nearby({ ...KTV, radiusM: 2_000 })).packets.map((p) => p.packet.id)).not.toContain(
        packet.id,
      );
    }
    await expect.poll(() => api.audit(a.url).then((r) => r.balanced)).toBe(true);
    await api.expectBalanced(b.url);
  });
});
