import type { ServerEventName } from '@red-packet/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { GrabBatcher, MAX_INTERVAL_MS } from '../../server/services/packets/grab-batcher.js';
import type { Broadcaster } from '../../server/services/runtime/broadcaster.js';

/** Records which rooms were sent a packet:grabbed, and when. */
function setup(members: Record<string, number>) {
  let now = 0;
  const sent: { room: string; at: number; packets: number }[] = [];
  const broadcaster = {
    toRoom: (room: string, event: ServerEventName, payload: { packets: unknown[] }) => {
      if (event === 'packet:grabbed') sent.push({ room, at: now, packets: payload.packets.length });
    },
    toUser: () => undefined,
  } as unknown as Broadcaster;
  const batcher = new GrabBatcher(broadcaster, {
    members: (room) => members[room],
    deliveriesPerSec: 50_000,
    batchMs: 50,
    now: () => now,
  });
  const grab = (room: string, packet = 'p') =>
    batcher.add(`${room}-${packet}`, room, { userId: 'u', name: 'u', amount: 1, at: now }, 1);
  /** Runs the periodic flush every 50 ms up to `ms`, grabbing in every room each time. */
  const run = (ms: number, rooms: string[]) => {
    for (let t = now; t <= ms; t += 50) {
      now = t;
      for (const r of rooms) grab(r);
      batcher.flush();
    }
  };
  return { batcher, sent, run, grab };
}

describe('GrabBatcher: a room’s message rate shrinks with its size', () => {
  it('sends a small room every flush and a 50,000-member room once a second', () => {
    const { sent, run } = setup({ small: 200, mid: 10_000, huge: 50_000 });
    run(2_000, ['small', 'mid', 'huge']);
    const count = (room: string) => sent.filter((s) => s.room === room).length;
    expect(count('small')).toBe(41); // every 50 ms, t = 0…2000
    expect(count('mid')).toBe(11); // every 200 ms
    expect(count('huge')).toBe(3); // every 1000 ms: t = 0, 1000, 2000
  });

  it('never holds a room back longer than MAX_INTERVAL_MS, and loses no grab', () => {
    const { sent, run, batcher } = setup({ stadium: 10_000_000 });
    run(5_000, ['stadium']);
    const times = sent.map((s) => s.at);
    expect(times).toEqual([0, MAX_INTERVAL_MS, 2 * MAX_INTERVAL_MS]);
    batcher.flushAll();
    // 101 flushes each added one grab to the same packet: every one went out in some batch.
    expect(sent).toHaveLength(4);
  });

  it('flushRoom sends at once (before a packet:finished), whatever the budget', () => {
    const { sent, batcher, grab } = setup({ huge: 50_000 });
    grab('huge');
    batcher.flush();
    grab('huge');
    batcher.flush(); // within the second: held back
    expect(sent).toHaveLength(1);
    batcher.flushRoom('huge');
    expect(sent).toHaveLength(2);
  });
});
