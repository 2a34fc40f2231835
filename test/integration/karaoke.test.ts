/**
 * Karaoke packets through the SDK: locked until listened, honest listening unlocks by the
 * server's clock, a client claiming the end at once stays locked, the room hears who listened.
 * Songs are kept short by configuration (KARAOKE_MIN_SONG_MS), not by sleeping through minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PacketView } from '@red-packet/sdk/protocol';
import type { RedPacketClient } from '@red-packet/sdk';
import { storeBackends, type Backend } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const SONG = { id: 'song-7', title: 'Little Star', durationMs: 1_500 };

/** A playback source that plays in real time from the moment it is made. */
function playingNow(): { readonly currentTime: number } {
  const t0 = performance.now();
  return {
    get currentTime() {
      return (performance.now() - t0) / 1000;
    },
  };
}

describe.each(storeBackends())('karaoke packets on %s', (_name, makeBackend) => {
  let backend: Backend;
  let server: TestServer;
  let singer: RedPacketClient;
  let packet: PacketView;

  beforeAll(async () => {
    backend = await makeBackend();
    server = await startTestServer({
      ...backend.env,
      KARAOKE_MIN_SONG_MS: '500',
      KARAOKE_LISTENED_INTERVAL_MS: '50',
    });
    await server.mint('singer', 1_000);
    singer = await server.client('singer', 'host');
    await singer.join('ktv');
  });
  afterAll(async () => {
    await server.close();
    await backend.destroy();
  });

  it('shows the song, and stays LOCKED until the grabber has listened', async () => {
    const fan = await server.client('fan');
    await fan.join('ktv');
    const created = fan.waitFor('packet:created');
    ({ packet } = await singer.sendPacket({
      roomId: 'ktv',
      kind: 'lucky',
      total: 600,
      count: 3,
      unlock: { type: 'listen', song: SONG },
    }));
    expect(packet.unlock).toEqual({ type: 'listen', song: SONG });
    expect((await created).unlock).toEqual({ type: 'listen', song: SONG });
    await expect(fan.grab(packet.id)).rejects.toMatchObject({ code: 'LOCKED' });
    const snap = await fan.join('ktv');
    expect(snap.packets.find((p) => p.id === packet.id)).toMatchObject({
      unlock: { song: SONG },
      listen: null,
      mine: null,
    });
  });

  it('an honest listener unlocks, is told so, the room hears it, and grabs', async () => {
    const honest = await server.client('honest');
    const watcher = await server.client('watcher');
    await honest.join('ktv');
    await watcher.join('ktv');
    const unlocked = honest.waitFor('karaoke:unlocked', (e) => e.packetId === packet.id);
    const listened = watcher.waitFor('karaoke:listened', (e) => e.listens.some((l) => l.userId === 'honest'));
    const session = honest.listen(packet.id, playingNow(), { intervalMs: 150 });
    const seen: number[] = [];
    session.onProgress((p) => seen.push(p.creditedMs));
    const result = await session.done;
    expect(result.unlocked).toBe(true);
    expect(result.creditedMs).toBeGreaterThanOrEqual(Math.ceil(SONG.durationMs * 0.95));
    expect(seen.length).toBeGreaterThan(3); // credit came in steps, as time passed
    expect(await unlocked).toEqual({ packetId: packet.id, roomId: 'ktv' });
    expect((await listened).listens).toContainEqual({
      packetId: packet.id,
      userId: 'honest',
      name: 'honest',
      songTitle: SONG.title,
      senderId: 'singer',
      senderName: 'singer',
    });
    const { amount } = await honest.grab(packet.id);
    expect(amount).toBeGreaterThan(0);
    await expect(honest.grab(packet.id)).rejects.toMatchObject({ code: 'ALREADY_GRABBED' });
    const snap = await honest.join('ktv');
    expect(snap.packets.find((p) => p.id === packet.id)?.listen).toMatchObject({ unlocked: true });
    await server.expectBalanced();
  });

  it('a client that reports the end at once, or floods reports, stays locked', async () => {
    const cheat = await server.client('cheat');
    await cheat.join('ktv');
    await cheat.startListen(packet.id);
    expect(await cheat.reportProgress(packet.id, SONG.durationMs)).toEqual({
      creditedMs: 0,
      unlocked: false,
    });
    for (let i = 1; i <= 30; i++) await cheat.reportProgress(packet.id, i * 100);
    const after = await cheat.reportProgress(packet.id, SONG.durationMs);
    expect(after.unlocked).toBe(false);
    await expect(cheat.grab(packet.id)).rejects.toMatchObject({ code: 'LOCKED' });
    // Reports for a listen never started are refused; they touch nobody else's listen.
    const stranger = await server.client('stranger');
    await stranger.join('ktv');
    await expect(stranger.reportProgress(packet.id, 500)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await server.expectBalanced();
  });

  it('refuses songs out of bounds and listens on plain packets', async () => {
    await expect(
      singer.sendPacket({
        roomId: 'ktv',
        kind: 'lucky',
        total: 100,
        count: 1,
        unlock: { type: 'listen', song: { ...SONG, durationMs: 400 } },
      }),
    ).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    await expect(
      singer.sendPacket({
        roomId: 'ktv',
        kind: 'lucky',
        total: 100,
        count: 1,
        unlock: { type: 'listen', song: { ...SONG, durationMs: 1_000_000 } },
      }),
    ).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    const bad = await singer.emitRaw('packet:send', {
      roomId: 'ktv',
      kind: 'lucky',
      total: 100,
      count: 1,
      unlock: { type: 'watch', song: SONG },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const { packet: plain } = await singer.sendPacket({ roomId: 'ktv', kind: 'equal', amount: 10, count: 1 });
    await expect(singer.startListen(plain.id)).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(singer.startListen('pk_missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await singer.emitRaw('karaoke:progress', { packetId: plain.id, positionMs: -1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    await server.expectBalanced();
  });
});
