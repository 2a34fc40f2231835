/**
 * The minors' curfew end to end: a token with `minor: true`, the server clock at night in the
 * configured zone → sends, grabs and code claims answer CURFEW with when it lifts, and no
 * money moves; adults are unaffected; in the morning the minor grabs as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketError } from '@red-packet/sdk';
import { ManualClock } from '../../server/domain/clock.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const NIGHT = Date.parse('2026-11-23T15:00:00Z'); // 23:00 in Asia/Shanghai
const MORNING = Date.parse('2026-11-23T22:00:00Z'); // 06:00 there

describe('minors’ curfew', () => {
  const clock = new ManualClock(NIGHT);
  let server: TestServer;
  let minorToken: string;
  beforeAll(async () => {
    server = await startTestServer({ CURFEW_TIME_ZONE: 'Asia/Shanghai' }, { clock });
    const res = await server.http('POST', '/v1/dev/token', {
      body: { userId: 'kid', name: 'Kid', minor: true },
    });
    minorToken = String(res.body.token);
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses a minor’s grab and send at night, with when it lifts; nothing moves', async () => {
    await server.mint('adult', 1_000);
    await server.mint('kid', 500);
    const adult = await server.client('adult');
    const kid = await server.client('kid', 'user', { token: minorToken });
    for (const c of [adult, kid]) await c.join('night');
    const { packet } = await adult.sendPacket({ roomId: 'night', kind: 'equal', amount: 100, count: 2 });

    let refused: RedPacketError | undefined;
    await kid.grab(packet.id).catch((err: unknown) => (refused = err as RedPacketError));
    expect(refused?.code).toBe('CURFEW');
    expect(refused?.details).toEqual({ liftsAt: MORNING, retryAfterMs: MORNING - NIGHT });
    await expect(
      kid.sendPacket({ roomId: 'night', kind: 'equal', amount: 10, count: 1 }),
    ).rejects.toMatchObject({
      code: 'CURFEW',
    });
    const http = await server.http('POST', '/v1/rooms/night/packets', {
      token: minorToken,
      body: { kind: 'equal', amount: 10, count: 1 },
    });
    expect(http.status).toBe(403);
    expect(http.body.error).toMatchObject({ code: 'CURFEW', liftsAt: MORNING });
    expect(await server.app.store.wallets.getBalance('kid')).toBe(500);
    expect((await server.app.packets.details(packet.id)).claims).toEqual([]);
    // Chat still works.
    expect((await kid.chat('night', 'good night')).message.text).toBe('good night');

    clock.set(MORNING);
    expect(await kid.grab(packet.id)).toMatchObject({ amount: 100 });
    await server.expectBalanced();
  });
});
