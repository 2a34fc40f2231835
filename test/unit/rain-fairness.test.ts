import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  drawLottery,
  hmacRandomInt,
  lotteryPayouts,
  seedCommitment,
  splitRandomInt,
  ticketsDigest,
} from '../../server/domain/rain-fairness.js';
import { newRainSeed } from '../../server/domain/rain-timeline.js';

const tickets = Array.from({ length: 500 }, (_, i) => `user-${i}`);

describe('lottery draw', () => {
  it('is reproducible from the seed and the ordered ticket list alone', () => {
    const seed = newRainSeed();
    const first = drawLottery(seed, 'd_drop', tickets, 10);
    expect(drawLottery(seed, 'd_drop', [...tickets], 10)).toEqual(first);
    expect(first).toHaveLength(10);
    expect(new Set(first).size).toBe(10);
    for (const w of first) expect(tickets).toContain(w);
  });

  it('changes with the seed, the drop and the order of the tickets', () => {
    const seed = newRainSeed();
    const base = drawLottery(seed, 'd_drop', tickets, 10);
    expect(drawLottery(newRainSeed(), 'd_drop', tickets, 10)).not.toEqual(base);
    expect(drawLottery(seed, 'd_other', tickets, 10)).not.toEqual(base);
    expect(drawLottery(seed, 'd_drop', [...tickets].reverse(), 10)).not.toEqual(base);
    expect(ticketsDigest(['a', 'b'])).not.toBe(ticketsDigest(['b', 'a']));
  });

  it('everyone wins when there are no more tickets than shares; nobody without tickets', () => {
    const seed = newRainSeed();
    expect(drawLottery(seed, 'd', ['a', 'b', 'c'], 5).sort()).toEqual(['a', 'b', 'c']);
    expect(drawLottery(seed, 'd', [], 5)).toEqual([]);
  });

  it('gives every ticket the same chance (2,000 draws of 1 among 4)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      const [w] = drawLottery(newRainSeed(), `d${i}`, ['a', 'b', 'c', 'd'], 1);
      counts.set(w!, (counts.get(w!) ?? 0) + 1);
    }
    for (const n of counts.values()) expect(n).toBeGreaterThan(400); // expected 500 each
  });

  it('pays the k-th winner the k-th share popped from the end of the drop', () => {
    expect(lotteryPayouts(['x', 'y'], [5, 7, 9])).toEqual([
      { userId: 'x', amount: 9 },
      { userId: 'y', amount: 7 },
    ]);
  });
});

describe('seeded randomness and commitment', () => {
  it('splits the same way from the same seed, uniformly within range', () => {
    const seed = newRainSeed();
    const a = splitRandomInt(seed);
    const b = splitRandomInt(seed);
    const xs = Array.from({ length: 1_000 }, () => a(7));
    expect(Array.from({ length: 1_000 }, () => b(7))).toEqual(xs);
    expect(Math.min(...xs)).toBe(0);
    expect(Math.max(...xs)).toBe(6);
    expect(() => hmacRandomInt(Buffer.from('k'), 'x')(0)).toThrow(RangeError);
  });

  it('commits to a seed with its SHA-256', () => {
    const seed = newRainSeed();
    expect(seedCommitment(seed)).toBe(createHash('sha256').update(seed).digest('hex'));
    expect(seedCommitment(seed)).not.toBe(seedCommitment(newRainSeed()));
  });
});
