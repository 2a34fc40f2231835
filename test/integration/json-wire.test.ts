import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('WIRE_FORMAT=json', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ WIRE_FORMAT: 'json' });
  });
  afterAll(() => server.close());

  it('serves a plain socket.io-client with no SDK', async () => {
    await server.mint('plain-host', 500);
    const socket = io(server.url, {
      transports: ['websocket'],
      auth: { token: await server.token('plain-host') },
    });
    try {
      const join: unknown = await socket.emitWithAck('room:join', { roomId: 'plain' });
      expect(join).toMatchObject({ ok: true, roomId: 'plain', members: 1 });
      const created = new Promise((resolve) => socket.once('packet:created', resolve));
      const sent = (await socket.emitWithAck('packet:send', {
        roomId: 'plain',
        kind: 'equal',
        amount: 100,
        count: 5,
      })) as {
        ok: boolean;
        packet: { id: string };
      };
      expect(sent.ok).toBe(true);
      expect(await created).toMatchObject({ id: sent.packet.id });
      expect(await socket.emitWithAck('packet:grab', { packetId: sent.packet.id })).toEqual({
        ok: true,
        amount: 100,
        remaining: 4,
        balance: 100,
      });
      expect(await socket.emitWithAck('packet:grab', { packetId: 7 })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PAYLOAD' },
      });
    } finally {
      socket.close();
    }
  });

  it('serves the SDK in JSON mode too', async () => {
    const c = await server.client('json-sdk');
    expect((await c.join('plain')).roomId).toBe('plain');
    await server.expectBalanced();
  });
});
