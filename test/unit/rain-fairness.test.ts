import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  hmacRandomInt,
  lotteryPayouts,
  seedCommitment,
  splitRandomInt,
} from '../../server/domain/rain-fairness.js';
import {
  batchCandidates,
  batchDigest,
  canonicalList,
  drawCandidates,
  drawLottery,
  drawOrder,
  ticketScore,
} from '../../server/domain/rain-lottery.js';
import { newRainSeed } from '../../server/domain/rain-timeline.js';

const tickets = Array.from({ length: 500 }, (_, i) => `user-${i}`);

describe('lottery draw', () => {
  it('is reproducible from the seed and the ticket list alone', () => {
    const seed = newRainSeed();
    const first = drawLottery(seed, 'd_drop', tickets, 10);
    expect(drawLottery(seed, 'd_drop', [...tickets], 10)).toEqual(first);
    expect(first).toHaveLength(10);
    expect(new Set(first).size).toBe(10);
    for (const w of first) expect(tickets).toContain(w);
  });

  it('changes with the seed and the drop, never with the order the tickets were taken in', () => {
    const seed = newRainSeed();
    const base = drawLottery(seed, 'd_drop', tickets, 10);
    expect(drawLottery(newRainSeed(), 'd_drop', tickets, 10)).not.toEqual(base);
    expect(drawLottery(seed, 'd_other', tickets, 10)).not.toEqual(base);
    // The server picks the arrival order; the draw sorts it away.
    expect(drawLottery(seed, 'd_drop', [...tickets].reverse(), 10)).toEqual(base);
    const rotated = [...tickets.slice(217), ...tickets.slice(0, 217)];
    expect(drawOrder(seed, 'd_drop', rotated)).toEqual(drawOrder(seed, 'd_drop', tickets));
    expect(batchDigest(['a', 'b'])).not.toBe(batchDigest(['b', 'a']));
  });

  it('sorts tickets by the UTF-8 bytes of their user ids', () => {
    expect(canonicalList(['b', 'a', 'B', 'é', 'z', 'a1', 'a'])).toEqual(['B', 'a', 'a1', 'b', 'z', 'é']);
  });

  it('walks one order: every holder once, its first holders win, holders at the cap are skipped', () => {
    const seed = newRainSeed();
    const order = drawOrder(seed, 'd_drop', tickets);
    expect([...order].sort()).toEqual([...tickets].sort());
    expect(drawLottery(seed, 'd_drop', tickets, 10)).toEqual(order.slice(0, 10));
    const capped = new Set(order.slice(0, 15).filter((_, i) => i % 2 === 0));
    expect(drawLottery(seed, 'd_drop', tickets, 10, (u) => capped.has(u))).toEqual(
      order.filter((u) => !capped.has(u)).slice(0, 10),
    );
    expect(drawLottery(seed, 'd', ['a', 'b', 'c'], 3, (u) => u !== 'b')).toEqual(['b']);
  });

  it('draws the same winners from the union of node batches as from every ticket at once', () => {
    const seed = newRainSeed();
    // Three nodes; a user on two of them holds one ticket (the same score everywhere).
    const nodes = [tickets.slice(0, 200), tickets.slice(150, 350), tickets.slice(300)];
    expect(ticketScore(seed, 'd_drop', 'user-170')).toBe(ticketScore(seed, 'd_drop', 'user-170'));
    expect(ticketScore(seed, 'd_drop', 'user-170')).toBeLessThan(2 ** 48);
    const union = nodes.flatMap((list) => batchCandidates(seed, 'd_drop', list, 2 * 10 + 8));
    expect(drawCandidates(union, 10)).toEqual(drawLottery(seed, 'd_drop', tickets, 10));
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
