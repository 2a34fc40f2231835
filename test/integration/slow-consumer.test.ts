/**
 * A client that stops reading is disconnected once its outbound queue passes
 * WS_MAX_BACKPRESSURE_BYTES, while the room's other clients receive every message, in order.
 * (How far their delivery lags, and server memory, are figures of `npm run chaos`.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopReading } from '../helpers/stop-reading.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('a slow consumer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ WS_MAX_BACKPRESSURE_BYTES: '65536' });
  });
  afterAll(() => server.close());

  it('is dropped at the backpressure limit while the others keep up', async () => {
    const talker = await server.client('talker');
    const readers = await Promise.all(['r1', 'r2'].map((u) => server.client(u)));
    const slow = await server.client('sloth', 'user', { reconnectDelayMs: 60_000 });
    for (const c of [talker, ...readers, slow]) await c.join('busy');

    const slowOnServer = server.app.io.sockets.sockets.get(slow.socket.id!);
    expect(slowOnServer).toBeDefined();
    const dropped = new Promise<string>((resolve) => slowOnServer!.once('disconnect', resolve));
    const heard = readers.map(() => [] as number[]);
    readers.forEach((r, i) => r.on('chat:message', (m) => heard[i]!.push(Number(m.text.split(' ')[0]))));
    stopReading(slow);

    // Chat until the server drops the sloth: each line ~1.5 KB, far past loopback buffers.
    const line = '红'.repeat(490);
    let sent = 0;
    const state = { gone: false };
    void dropped.then(() => (state.gone = true));
    while (!state.gone && sent < 40_000) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => talker.chat('busy', `${sent + i} ${line}`)));
      sent += 100;
    }
    expect(await dropped).toBe('server namespace disconnect');
    // The readers got every line, in order (the last one proves the rest arrived).
    const last = `${sent - 1} `;
    await Promise.all(
      readers.map(async (r, i) => {
        if (heard[i]!.at(-1) !== sent - 1) await r.waitFor('chat:message', (m) => m.text.startsWith(last));
      }),
    );
    for (const h of heard) expect(h).toEqual(Array.from({ length: sent }, (_, i) => i));
    expect(readers.every((r) => r.connected)).toBe(true);
    expect(server.app.io.sockets.sockets.has(slow.socket.id ?? '')).toBe(false);
  }, 60_000);
});
