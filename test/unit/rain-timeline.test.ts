import { describe, expect, it } from 'vitest';
import { dueDrops, newRainSeed, rainTimeline } from '../../server/domain/rain-timeline.js';

describe('rain timeline', () => {
  it('is deterministic for a seed and different for another', () => {
    const seed = newRainSeed();
    expect(rainTimeline(seed, 50, 10_000)).toEqual(rainTimeline(seed, 50, 10_000));
    const other = rainTimeline(newRainSeed(), 50, 10_000);
    expect(other.map((d) => d.dropId)).not.toEqual(rainTimeline(seed, 50, 10_000).map((d) => d.dropId));
  });

  it('spans the duration evenly, in release order, with positions in [0, 1)', () => {
    const drops = 200;
    const duration = 60_000;
    const t = rainTimeline(newRainSeed(), drops, duration);
    expect(t).toHaveLength(drops);
    t.forEach((d, i) => {
      expect(d.index).toBe(i);
      // stratified: drop i falls in the i-th slice
      expect(d.offsetMs).toBeGreaterThanOrEqual(Math.floor((i / drops) * duration));
      expect(d.offsetMs).toBeLessThan(Math.ceil(((i + 1) / drops) * duration));
      expect(d.x).toBeGreaterThanOrEqual(0);
      expect(d.x).toBeLessThan(1);
      if (i > 0) expect(d.offsetMs).toBeGreaterThanOrEqual(t[i - 1]!.offsetMs);
    });
    expect(t[0]!.offsetMs).toBeLessThan(duration / drops);
    expect(t.at(-1)!.offsetMs).toBeGreaterThanOrEqual(duration - duration / drops);
  });

  it('gives distinct, unguessable ids (128 bits from an HMAC of the secret seed)', () => {
    const seed = newRainSeed();
    const ids = rainTimeline(seed, 2_000, 60_000).map((d) => d.dropId);
    expect(new Set(ids).size).toBe(2_000);
    for (const id of ids) expect(id).toMatch(/^d_[A-Za-z0-9_-]{22}$/);
    // Knowing every id of one rain says nothing about another rain's ids.
    const again = rainTimeline(newRainSeed(), 2_000, 60_000).map((d) => d.dropId);
    expect(ids.filter((id) => again.includes(id))).toEqual([]);
  });

  it('releases due drops from the cursor, in order, by the given clock', () => {
    const t = rainTimeline(newRainSeed(), 10, 1_000);
    const start = 5_000;
    expect(dueDrops(t, 0, start, start - 1)).toEqual([]);
    const firstBatch = dueDrops(t, 0, start, start + t[3]!.offsetMs);
    expect(firstBatch.map((d) => d.index)).toEqual([0, 1, 2, 3]);
    expect(dueDrops(t, 4, start, start + t[3]!.offsetMs)).toEqual([]);
    // A late driver (taking over) releases everything overdue at once, from the cursor.
    expect(dueDrops(t, 4, start, start + 10_000).map((d) => d.index)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(dueDrops(t, 10, start, start + 10_000)).toEqual([]);
  });
});
