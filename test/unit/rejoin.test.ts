import { describe, expect, it } from 'vitest';
import { RedPacketError } from '@red-packet/sdk';
import type { RoomSnapshot } from '@red-packet/sdk/protocol';
import { rejoinRooms } from '../../shared/sdk/rejoin.js';

const snap = (roomId: string): RoomSnapshot => ({
  roomId,
  serverTime: 0,
  members: 1,
  chat: [],
  packets: [],
  rain: null,
});

/** A join that answers each room's scripted refusals in turn, then a snapshot. */
function scripted(script: Record<string, string[]>): {
  join: (roomId: string) => Promise<RoomSnapshot>;
  calls: string[];
} {
  const calls: string[] = [];
  const join = (roomId: string): Promise<RoomSnapshot> => {
    calls.push(roomId);
    const code = script[roomId]?.shift();
    return code
      ? Promise.reject(new RedPacketError(code as 'STORE_UNAVAILABLE', `${roomId}: ${code}`))
      : Promise.resolve(snap(roomId));
  };
  return { join, calls };
}

describe('rejoinRooms', () => {
  it('retries transient refusals with growing, jittered delays until the join succeeds', async () => {
    const waits: number[] = [];
    const { join, calls } = scripted({ a: ['STORE_UNAVAILABLE', 'TIMEOUT', 'RATE_LIMITED'], b: [] });
    const out = await rejoinRooms(['a', 'b'], join, {
      isCurrent: () => true,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5, // no jitter: delay = base
    });
    expect(out.snapshots.map((s) => s.roomId).sort()).toEqual(['a', 'b']);
    expect(out.failures).toEqual([]);
    expect(calls.filter((c) => c === 'a')).toHaveLength(4);
    expect(waits).toEqual([250, 500, 1000]);
  });

  it('gives up at once on a final refusal, and after `attempts` on transient ones', async () => {
    const { join } = scripted({
      banned: ['FORBIDDEN'],
      busy: ['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE', 'STORE_UNAVAILABLE'],
      fine: [],
    });
    const out = await rejoinRooms(['banned', 'busy', 'fine'], join, {
      attempts: 3,
      isCurrent: () => true,
      sleep: () => Promise.resolve(),
    });
    expect(out.snapshots.map((s) => s.roomId)).toEqual(['fine']);
    expect(out.failures.map((f) => [f.roomId, f.error.code])).toEqual([
      ['banned', 'FORBIDDEN'],
      ['busy', 'STORE_UNAVAILABLE'],
    ]);
  });

  it('stops retrying once the re-join is moot (the connection dropped again)', async () => {
    let current = true;
    const { join, calls } = scripted({ a: ['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE'] });
    const out = await rejoinRooms(['a'], join, {
      isCurrent: () => current,
      sleep: () => {
        current = false;
        return Promise.resolve();
      },
    });
    expect(calls).toEqual(['a']);
    expect(out.failures.map((f) => f.error.code)).toEqual(['STORE_UNAVAILABLE']);
  });

  it('waits at least what the server asked for (retryAfterMs)', async () => {
    const waits: number[] = [];
    let first = true;
    const join = (roomId: string): Promise<RoomSnapshot> => {
      if (!first) return Promise.resolve(snap(roomId));
      first = false;
      return Promise.reject(new RedPacketError('RATE_LIMITED', 'slow down', { retryAfterMs: 3000 }));
    };
    await rejoinRooms(['a'], join, {
      isCurrent: () => true,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      random: () => 0,
    });
    expect(waits).toEqual([3000]);
  });
});
