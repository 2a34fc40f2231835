/**
 * Bad input, every event and route: refused with its code, and nothing changes (the audit
 * and the room look exactly as before). Nothing a client sends takes the server down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketClient } from '@red-packet/sdk';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const huge = 'x'.repeat(501);

/** Emits without an ack callback, past the SDK's typed methods. */
function rawEmit(client: RedPacketClient, event: string, payload: unknown): void {
  (client.socket as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
}

/** [event, payload, expected code] — each row must be refused and change nothing. */
const table: [string, unknown, string][] = [
  ['time:sync', { extra: 1 }, 'INVALID_PAYLOAD'],
  ['time:sync', 'now', 'INVALID_PAYLOAD'],
  ['room:join', {}, 'INVALID_PAYLOAD'],
  ['room:join', { roomId: '' }, 'INVALID_PAYLOAD'],
  ['room:join', { roomId: 'a b' }, 'INVALID_PAYLOAD'],
  ['room:join', { roomId: 'r'.repeat(65) }, 'INVALID_PAYLOAD'],
  ['room:join', { roomId: 42 }, 'INVALID_PAYLOAD'],
  ['room:join', null, 'INVALID_PAYLOAD'],
  ['room:join', [1, 2], 'INVALID_PAYLOAD'],
  ['room:leave', { roomId: null }, 'INVALID_PAYLOAD'],
  ['room:leave', { roomId: 'never-joined' }, 'NOT_IN_ROOM'],
  ['chat:send', { roomId: 'bad' }, 'INVALID_PAYLOAD'],
  ['chat:send', { roomId: 'bad', text: '' }, 'INVALID_PAYLOAD'],
  ['chat:send', { roomId: 'bad', text: '   ' }, 'INVALID_PAYLOAD'],
  ['chat:send', { roomId: 'bad', text: huge }, 'INVALID_PAYLOAD'],
  ['chat:send', { roomId: 'bad', text: 'bell\u0007' }, 'INVALID_PAYLOAD'],
  ['chat:send', { roomId: 'bad', text: { html: '<b>' } }, 'INVALID_PAYLOAD'],
  ['chat:send', { roomId: 'elsewhere', text: 'hi' }, 'NOT_IN_ROOM'],
  ['packet:send', {}, 'INVALID_PAYLOAD'],
  ['packet:send', { roomId: 'bad', kind: 'lucky', total: 100 }, 'INVALID_PAYLOAD'],
  ['packet:send', { roomId: 'bad', kind: 'lucky', total: 100.5, count: 2 }, 'INVALID_PAYLOAD'],
  ['packet:send', { roomId: 'bad', kind: 'lucky', total: -100, count: 2 }, 'INVALID_PAYLOAD'],
  ['packet:send', { roomId: 'bad', kind: 'lucky', total: 1e300, count: 2 }, 'INVALID_PAYLOAD'],
  ['packet:send', { roomId: 'bad', kind: 'lucky', total: '100', count: 2 }, 'INVALID_PAYLOAD'],
  ['packet:send', { roomId: 'bad', kind: 'lucky', total: 1, count: 2 }, 'INVALID_PAYLOAD'],
  ['packet:send', { roomId: 'bad', kind: 'lucky', total: 100, count: 0 }, 'INVALID_PAYLOAD'],
  ['packet:send', { roomId: 'bad', kind: 'equal', total: 100, count: 2 }, 'INVALID_PAYLOAD'],
  ['packet:send', { roomId: 'bad', kind: 'mystery', total: 100, count: 2 }, 'INVALID_PAYLOAD'],
  ['packet:send', { roomId: 'bad', kind: 'lucky', total: 100, count: 2, greeting: 7 }, 'INVALID_PAYLOAD'],
  [
    'packet:send',
    { roomId: 'bad', kind: 'lucky', total: 100, count: 2, unlock: { type: 'listen' } },
    'INVALID_PAYLOAD',
  ],
  // an own "__proto__" key (as JSON.parse makes it) is an unknown key like any other
  [
    'packet:send',
    JSON.parse('{"roomId":"bad","kind":"lucky","total":100,"count":2,"__proto__":{"admin":true}}'),
    'INVALID_PAYLOAD',
  ],
  ['packet:send', { roomId: 'bad', kind: 'lucky', total: 100, count: 2 }, 'INSUFFICIENT_FUNDS'],
  ['packet:send', { roomId: 'bad', kind: 'lucky', total: 100_000, count: 2 }, 'LIMIT_EXCEEDED'],
  ['packet:send', { roomId: 'elsewhere', kind: 'lucky', total: 100, count: 2 }, 'NOT_IN_ROOM'],
  ['packet:grab', {}, 'INVALID_PAYLOAD'],
  ['packet:grab', { packetId: '' }, 'INVALID_PAYLOAD'],
  ['packet:grab', { packetId: ['pk'] }, 'INVALID_PAYLOAD'],
  ['packet:grab', { packetId: 'pk_nope' }, 'NOT_FOUND'],
];

describe('bad input over the socket', () => {
  let server: TestServer;
  let mallory: RedPacketClient;
  let witness: RedPacketClient;
  beforeAll(async () => {
    server = await startTestServer();
    mallory = await server.client('mallory');
    witness = await server.client('witness');
    await mallory.join('bad');
    await witness.join('bad');
  });
  afterAll(() => server.close());

  it.each(table)('%s %j → %s, nothing changes', async (event, payload, code) => {
    const audit = await server.audit();
    const room = await witness.join('bad');
    const ack = await mallory.emitRaw(event, payload);
    expect(ack).toMatchObject({ ok: false, error: { code } });
    expect((ack as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
    expect(await server.audit()).toEqual(audit);
    const after = await witness.join('bad');
    expect({ ...after, serverTime: 0 }).toEqual({ ...room, serverTime: 0 });
    expect(mallory.connected).toBe(true);
  });

  it('ignores events without an ack and events nobody handles', async () => {
    const probe = await server.client('probe', 'user', { ackTimeoutMs: 500 });
    await probe.join('bad');
    rawEmit(probe, 'chat:send', { roomId: 'bad', text: 'no ack' });
    rawEmit(probe, 'no:such:event', { x: 1 });
    // An unknown event is never answered (absence can only be shown by a deadline).
    await expect(probe.emitRaw('no:such:event', {})).rejects.toMatchObject({ code: 'TIMEOUT' });
    // Still connected and served; the ack-less chat line never happened.
    const room = await probe.join('bad');
    expect(room.chat.map((m) => m.text)).not.toContain('no ack');
  });

  it('closes a connection that sends an oversized frame, and keeps serving others', async () => {
    const big = await server.client('big', 'user', { reconnectDelayMs: 60_000 });
    const closed = new Promise<string>((resolve) => big.socket.on('disconnect', (reason) => resolve(reason)));
    rawEmit(big, 'chat:send', { roomId: 'bad', text: 'y'.repeat(64 * 1024) });
    expect(await closed).toBe('transport close');
    big.close();
    expect((await witness.request('time:sync', {})).serverTime).toBeGreaterThan(0);
  });

  it('rate-limits a flooding socket with RATE_LIMITED', async () => {
    const limited = await startTestServer({ RATE_LIMIT_EVENTS_PER_SEC: '1', RATE_LIMIT_EVENTS_BURST: '3' });
    try {
      const c = await limited.client('flood');
      const acks = await Promise.all(Array.from({ length: 6 }, () => c.emitRaw('time:sync', {})));
      const codes = acks.map((a) =>
        (a as { ok: boolean }).ok ? 'ok' : (a as { error: { code: string } }).error.code,
      );
      expect(codes.filter((x) => x === 'ok').length).toBeLessThanOrEqual(4);
      expect(codes).toContain('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});

describe('bad input over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each([
    ['POST', '/v1/rooms/r1/packets', { rawBody: '{not json' }, 400, 'INVALID_PAYLOAD'],
    [
      'POST',
      '/v1/rooms/r1/packets',
      { body: { kind: 'lucky', total: 1.5, count: 1 } },
      400,
      'INVALID_PAYLOAD',
    ],
    ['POST', '/v1/rooms/r1/packets', {}, 400, 'INVALID_PAYLOAD'],
    [
      'POST',
      '/v1/rooms/bad%20room/packets',
      { body: { kind: 'lucky', total: 10, count: 1 } },
      400,
      'INVALID_PAYLOAD',
    ],
    [
      'POST',
      '/v1/rooms/%E0%A4%A/packets',
      { body: { kind: 'lucky', total: 10, count: 1 } },
      400,
      'INVALID_PAYLOAD',
    ],
    [
      'POST',
      '/v1/rooms/r1/packets',
      { body: { kind: 'lucky', total: 10, count: 1 } },
      409,
      'INSUFFICIENT_FUNDS',
    ],
    [
      'POST',
      '/v1/rooms/r1/packets',
      { rawBody: JSON.stringify({ kind: 'lucky', total: 10, count: 1, pad: 'z'.repeat(70_000) }) },
      413,
      'INVALID_PAYLOAD',
    ],
    ['GET', '/v1/packets/pk_none', {}, 404, 'NOT_FOUND'],
    ['GET', '/v1/nothing-here', {}, 404, 'NOT_FOUND'],
    ['DELETE', '/v1/me', {}, 405, 'NOT_FOUND'],
  ])('%s %s %j → %i %s', async (method, path, options, status, code) => {
    const token = await server.token('http-user');
    const audit = await server.audit();
    const res = await server.http(method, path, { token, ...options });
    expect(res.status).toBe(status);
    expect(res.body.error?.code).toBe(code);
    expect(await server.audit()).toEqual(audit);
  });

  it('validates admin credits', async () => {
    const admin = await server.token('root', 'admin');
    for (const body of [
      { amount: 0 },
      { amount: -5 },
      { amount: 1.5 },
      { amount: '5' },
      {},
      { amount: 5, extra: true },
    ]) {
      const res = await server.http('POST', '/v1/admin/wallets/u1/credit', { token: admin, body });
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('INVALID_PAYLOAD');
    }
    const keyed = { amount: 100, idempotencyKey: 'grant-1' };
    expect(
      (await server.http('POST', '/v1/admin/wallets/u1/credit', { token: admin, body: keyed })).body,
    ).toEqual({ balance: 100, applied: true });
    expect(
      (await server.http('POST', '/v1/admin/wallets/u1/credit', { token: admin, body: keyed })).body,
    ).toEqual({ balance: 100, applied: false });
    await server.expectBalanced();
  });

  it('serves health, readiness, metrics and the page', async () => {
    expect(await server.http('GET', '/healthz')).toEqual({ status: 200, body: { ok: true } });
    expect(await server.http('GET', '/readyz')).toEqual({ status: 200, body: { ok: true, store: 'memory' } });
    const metrics = await server.http('GET', '/metrics');
    expect(metrics.status).toBe(200);
    for (const name of ['rp_connections', 'rp_events_total', 'rp_grab_duration_seconds', 'rp_errors_total']) {
      expect(metrics.body.text).toContain(name);
    }
    const page = await server.http('GET', '/');
    expect(page.status).toBe(200);
    expect(page.body.text).toContain('Red-packet rain server'); // the info page: no build here
    expect(page.body.text).toContain('npm run build:web');
  });
});
