import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedPacketError } from '@red-packet/sdk';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('rooms and chat', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Presence is flushed by hand in these tests, so the timer never fires on its own.
    server = await startTestServer({ PRESENCE_INTERVAL_MS: '60000' });
  });
  afterAll(() => server.close());

  it('syncs the clock', async () => {
    const c = await server.client('clocky');
    const offset = await c.syncTime(3);
    expect(Math.abs(offset)).toBeLessThan(1000); // same machine
    expect(c.clock.sampleCount).toBe(3);
  });

  it('joins with a snapshot, chats to the room, and keeps the last 50 lines', async () => {
    const alice = await server.client('alice');
    const bob = await server.client('bob');
    const snap = await alice.join('lobby');
    expect(snap).toMatchObject({ roomId: 'lobby', members: 1, chat: [], packets: [] });
    expect(Math.abs(snap.serverTime - Date.now())).toBeLessThan(1000);
    await bob.join('lobby');

    const heard = bob.waitFor('chat:message', (m) => m.text === 'hi bob');
    const { message } = await alice.chat('lobby', '  hi bob  ');
    expect(message).toMatchObject({ roomId: 'lobby', userId: 'alice', name: 'alice', text: 'hi bob' });
    expect(await heard).toEqual(message);

    for (let i = 0; i < 55; i++) await alice.chat('lobby', `line ${i}`);
    const carol = await server.client('carol');
    const later = await carol.join('lobby');
    expect(later.chat).toHaveLength(50);
    expect(later.chat.at(-1)?.text).toBe('line 54');
    expect(later.members).toBe(3);
  });

  it('a connection is in at most ROOMS_PER_SOCKET_MAX rooms (20 by default)', async () => {
    const roamer = await server.client('roamer');
    for (let i = 0; i < 20; i++) await roamer.join(`roam-${i}`);
    await expect(roamer.join('roam-20')).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      details: { limit: 'rooms-per-socket' },
    });
    // Refused before anything was recorded: nobody is counted in the room.
    expect(await server.app.store.rooms.memberCount('roam-20')).toBe(0);
    // A room it is in may be joined again (a re-join after a reconnect), and leaving frees a place.
    await roamer.join('roam-3');
    await roamer.leave('roam-3');
    await roamer.join('roam-20');
    // Another connection of the same user has places of its own.
    const second = await server.client('roamer');
    await second.join('roam-21');
  });

  it('refuses chat and leave outside a joined room with NOT_IN_ROOM', async () => {
    const dave = await server.client('dave');
    await expect(dave.chat('elsewhere', 'hello?')).rejects.toMatchObject({ code: 'NOT_IN_ROOM' });
    await expect(dave.leave('elsewhere')).rejects.toBeInstanceOf(RedPacketError);
  });

  it('coalesces presence: many joins, one count per flush', async () => {
    const watcher = await server.client('watcher');
    await watcher.join('crowd');
    const alone = watcher.waitFor('room:presence', (p) => p.roomId === 'crowd');
    await server.app.presence.flush();
    expect(await alone).toEqual({ roomId: 'crowd', members: 1 });
    const counts: number[] = [];
    watcher.on('room:presence', (p) => {
      if (p.roomId === 'crowd') counts.push(p.members);
    });
    const crowd = await Promise.all(Array.from({ length: 20 }, (_, i) => server.client(`crowd-${i}`)));
    await Promise.all(crowd.map((c) => c.join('crowd')));
    const arrived = watcher.waitFor('room:presence', (p) => p.roomId === 'crowd');
    await server.app.presence.flush();
    expect(await arrived).toEqual({ roomId: 'crowd', members: 21 });
    // A leave and a disconnect are counted too, again in one message.
    await crowd[0]!.leave('crowd');
    crowd[1]!.close();
    await expect.poll(() => server.app.store.rooms.memberCount('crowd')).toBe(19);
    const after = watcher.waitFor('room:presence', (p) => p.roomId === 'crowd');
    await server.app.presence.flush();
    expect(await after).toEqual({ roomId: 'crowd', members: 19 });
    expect(counts).toEqual([21, 19]);
  });

  it('re-joins rooms after a reconnect, with a fresh snapshot', async () => {
    const erin = await server.client('erin', 'user', { reconnectDelayMs: 20, reconnectMaxMs: 100 });
    await erin.join('comeback');
    const rejoined = new Promise<string[]>((resolve) =>
      erin.onRejoin((snaps) => resolve(snaps.map((s) => s.roomId))),
    );
    // Drop the transport as a network failure would; the SDK reconnects by itself.
    erin.socket.io.engine.close();
    expect(await rejoined).toEqual(['comeback']);
    const heard = erin.waitFor('chat:message', (m) => m.text === 'welcome back');
    const frank = await server.client('frank');
    await frank.join('comeback');
    await frank.chat('comeback', 'welcome back');
    await heard;
  });
});
