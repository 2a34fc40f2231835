import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { equalSplit, luckySplit, shuffle } from '../../server/domain/split.js';

/** A deterministic RandomInt for reproducible cases (xorshift). */
function seeded(seed: number): (max: number) => number {
  let x = seed || 1;
  return (max) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % max;
  };
}

describe('luckySplit (double-mean)', () => {
  it('keeps sum, count, ≥1 fen and the double-mean bound over thousands of random cases', () => {
    for (let i = 0; i < 5_000; i++) {
      const count = randomInt(1, 101);
      const total = count + randomInt(0, 20_001);
      // The first count−1 random draws are the shares in draw order (share = 1 + draw);
      // the rest are shuffle swaps. Capture them to check each share against its bound.
      const drawn: number[] = [];
      const rng = seeded(i + 1);
      const shares = luckySplit(total, count, (max) => {
        const r = rng(max);
        if (drawn.length < count - 1) drawn.push(1 + r);
        return r;
      });
      const violations: string[] = [];
      if (shares.length !== count) violations.push(`length ${shares.length}`);
      if (shares.reduce((a, b) => a + b, 0) !== total) violations.push('sum');
      if (!shares.every((s) => Number.isSafeInteger(s) && s >= 1)) violations.push('share < 1 fen');
      let remaining = total;
      drawn.forEach((share, k) => {
        const left = count - k;
        if (share > Math.floor((2 * remaining) / left)) violations.push(`share ${k} over the bound`);
        if (remaining - share < left - 1) violations.push(`share ${k} starves later shares`);
        remaining -= share;
      });
      expect(violations, `total ${total}, count ${count}`).toEqual([]);
      // The last share takes the rest, and the shares are those drawn, shuffled.
      expect([...shares].sort((a, b) => a - b)).toEqual([...drawn, remaining].sort((a, b) => a - b));
    }
  });

  it('handles the edges: one share, and one fen per share', () => {
    expect(luckySplit(500, 1)).toEqual([500]);
    expect(luckySplit(7, 7)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('spreads money: the mean share is total/count and shares vary', () => {
    const sums = new Array<number>(10).fill(0);
    const runs = 2_000;
    for (let i = 0; i < runs; i++) luckySplit(1_000, 10).forEach((s, k) => (sums[k]! += s));
    for (const s of sums) expect(s / runs).toBeGreaterThan(80); // ≈100 each after the shuffle
    expect(new Set(luckySplit(10_000, 50)).size).toBeGreaterThan(5);
  });

  it('refuses impossible splits', () => {
    expect(() => luckySplit(5, 6)).toThrow(RangeError);
    expect(() => luckySplit(10, 0)).toThrow(RangeError);
    expect(() => luckySplit(10.5, 2)).toThrow(RangeError);
  });
});

describe('equalSplit', () => {
  it('gives count shares of amount', () => {
    expect(equalSplit(88, 3)).toEqual([88, 88, 88]);
  });
  it('refuses non-positive amounts', () => {
    expect(() => equalSplit(0, 3)).toThrow(RangeError);
  });
});

describe('shuffle', () => {
  it('is a permutation', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    expect([...shuffle([...items])].sort((a, b) => a - b)).toEqual(items);
  });
});
