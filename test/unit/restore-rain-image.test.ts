/**
 * The Redis image of a running rain rebuilt from the ledger (store/ledger/restore-rains.ts):
 * the release cursor follows the seed's timeline, every drop holds its funded shares minus
 * the claimed ones, claims and the leaderboard are the ledger's, the lease is free, and a
 * lottery counts as drawn only the drops whose window has closed.
 */
import { describe, expect, it } from 'vitest';
import { rainTimeline } from '../../server/domain/rain-timeline.js';
import { rainImage, type RestoreRain } from '../../server/store/ledger/restore-rains.js';

const seed = Buffer.from('image-seed').toString('base64url');
const startAt = 1_000_000;
const timeline = rainTimeline(seed, 3, 3_000);

function ledgerRain(mode: 'race' | 'lottery'): RestoreRain {
  return {
    rainId: 'rn_1',
    record: {
      id: 'rn_1',
      roomId: 'room',
      hostId: 'host',
      hostName: 'Host',
      total: 90,
      drops: 3,
      sharesPerDrop: 3,
      split: 'equal',
      startAt,
      durationMs: 3_000,
      dropTtlMs: 500,
      maxGrabsPerUser: null,
      mode,
      windowMs: 200,
      reactionFloorMs: 100,
      maxTapsPerSec: 5,
      seedHash: 'h',
      createdAt: startAt - 1_000,
      seed,
      // What the ledger row also holds of the record as created; the image ignores it.
      status: 'scheduled',
      released: 0,
    },
    drops: timeline.map((p) => ({ dropId: p.dropId, shares: [10, 10, 10] })),
    claims: [
      { dropId: timeline[0]!.dropId, userId: 'a', amount: 10 },
      { dropId: timeline[0]!.dropId, userId: 'b', amount: 10 },
      { dropId: timeline[1]!.dropId, userId: 'a', amount: 10 },
    ],
  };
}

describe('rainImage', () => {
  it('releases by the timeline, keeps the shares left, the claims and the board; the lease is free', () => {
    const second = timeline[1]!;
    const now = startAt + second.offsetMs; // the second drop's time has just come
    const image = rainImage(ledgerRain('race'), now);
    expect(image.fields).toMatchObject({
      status: 'running',
      released: 2,
      lastReleaseAt: now,
      paid: 30,
      grabs: 3,
      remainingAmount: 60,
      refunded: 0,
      leaseOwner: '',
      leaseUntil: 0,
      drawn: 0,
      cap: 0,
      ttl: 500,
    });
    expect(JSON.parse(String(image.fields.record))).not.toHaveProperty('status');
    expect(image.drops.map(([id]) => id)).toEqual(timeline.map((p) => p.dropId));
    expect(image.drops.map(([, json]) => JSON.parse(json) as unknown)).toEqual([
      { i: 0, r: startAt + timeline[0]!.offsetMs, n: 3, s: [10] },
      { i: 1, r: now, n: 3, s: [10, 10] },
      { i: 2, r: 0, n: 3, s: [10, 10, 10] },
    ]);
    expect(image.claims).toContainEqual([`${timeline[0]!.dropId}\na`, 10]);
    expect(image.board).toEqual([
      ['a', 20, JSON.stringify({ name: 'a', grabs: 2 })],
      ['b', 10, JSON.stringify({ name: 'b', grabs: 1 })],
    ]);
  });

  it('is scheduled before its first drop', () => {
    expect(rainImage(ledgerRain('race'), startAt - 1).fields).toMatchObject({
      status: 'scheduled',
      released: 0,
      lastReleaseAt: 0,
    });
  });

  it('lottery: only drops whose window has closed count as drawn', () => {
    const second = startAt + timeline[1]!.offsetMs;
    // The second drop's window (floor 100 + 200 ms) is still open; the first one's closed.
    expect(rainImage(ledgerRain('lottery'), second + 100).fields).toMatchObject({ released: 2, drawn: 1 });
    expect(rainImage(ledgerRain('lottery'), second + 300).fields).toMatchObject({ released: 2, drawn: 2 });
  });
});
