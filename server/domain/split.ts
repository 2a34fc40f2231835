/**
 * Splitting a packet's money into shares, at creation. Amounts are integer fen.
 * Randomness is injected (`randomInt(maxExclusive)`), crypto-backed in production.
 */
import { randomInt as cryptoRandomInt } from 'node:crypto';

export type RandomInt = (maxExclusive: number) => number;

/** Uniform integer in [0, maxExclusive) from node:crypto. */
export const secureRandomInt: RandomInt = (maxExclusive) => cryptoRandomInt(maxExclusive);

/**
 * Lucky split (拼手气), double-mean: each share but the last is uniform in
 * [1, floor(2 × remaining / remainingCount)], capped so every later share keeps ≥ 1 fen;
 * the last takes the rest; the list is then shuffled (Fisher–Yates).
 *
 * Guarantees: `count` shares, each ≥ 1, summing to `total`. Requires total ≥ count ≥ 1.
 */
export function luckySplit(total: number, count: number, randomInt: RandomInt = secureRandomInt): number[] {
  assertSplitArgs(total, count);
  const shares: number[] = [];
  let remaining = total;
  for (let left = count; left > 1; left--) {
    const bound = Math.floor((2 * remaining) / left);
    const max = Math.min(bound, remaining - (left - 1));
    const share = 1 + randomInt(max); // uniform in [1, max]
    shares.push(share);
    remaining -= share;
  }
  shares.push(remaining);
  return shuffle(shares, randomInt);
}

/** Equal split (普通): `count` shares of `amount`. */
export function equalSplit(amount: number, count: number): number[] {
  assertSplitArgs(amount * count, count);
  if (!Number.isSafeInteger(amount) || amount < 1) throw new RangeError('amount must be a positive integer');
  return Array.from({ length: count }, () => amount);
}

/** In-place Fisher–Yates shuffle; returns the array. */
export function shuffle<T>(items: T[], randomInt: RandomInt = secureRandomInt): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const swap = items[i] as T;
    items[i] = items[j] as T;
    items[j] = swap;
  }
  return items;
}

function assertSplitArgs(total: number, count: number): void {
  if (!Number.isSafeInteger(total) || !Number.isSafeInteger(count)) {
    throw new RangeError('total and count must be safe integers');
  }
  if (count < 1 || total < count) throw new RangeError('need total >= count >= 1');
}
