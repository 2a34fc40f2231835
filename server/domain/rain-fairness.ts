/**
 * Provable fairness for rains (docs/fairness.md): every random choice of a rain derives from
 * its secret seed, so once the seed is revealed anyone can recompute them.
 *
 *   commitment   seedHash = hex SHA-256 of the seed string, published at scheduling
 *   amounts      the budget split (lucky or equal) uses a deterministic generator keyed by
 *                the seed (label `split`), so the shares of every drop are recomputable
 *   draws        a hash lottery over the nodes' ticket batches (rain-lottery.ts): each
 *                ticket's score is keyed by the seed, the lowest scores win, holders at the
 *                rain's per-user cap are skipped
 *
 * The generator is HMAC-SHA256 in counter mode; integers in [0, n) are taken from 48-bit
 * blocks by rejection sampling, so they are exactly uniform.
 */
import { createHash, createHmac } from 'node:crypto';
import type { RandomInt } from './split.js';

const BLOCK_BITS = 2 ** 48;

/** The commitment to a seed: lowercase hex SHA-256 of its UTF-8 text. */
export function seedCommitment(seed: string): string {
  return createHash('sha256').update(seed, 'utf8').digest('hex');
}

/** A deterministic uniform integer source keyed by `key` and `label` (HMAC-SHA256 counter mode). */
export function hmacRandomInt(key: Buffer, label: string): RandomInt {
  let counter = 0;
  let block = Buffer.alloc(0);
  let offset = 0;
  const next48 = (): number => {
    if (offset + 6 > block.length) {
      block = createHmac('sha256', key).update(`${label}:${counter++}`).digest();
      offset = 0;
    }
    const value = block.readUIntBE(offset, 6);
    offset += 6;
    return value;
  };
  return (maxExclusive) => {
    if (!Number.isSafeInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > BLOCK_BITS)
      throw new RangeError(`cannot draw below ${maxExclusive}`);
    const limit = Math.floor(BLOCK_BITS / maxExclusive) * maxExclusive;
    for (;;) {
      const v = next48();
      if (v < limit) return v % maxExclusive;
    }
  };
}

const seedKey = (seed: string): Buffer => Buffer.from(seed, 'base64url');

/** The generator a rain's budget split uses: recomputable from the seed. */
export function splitRandomInt(seed: string): RandomInt {
  return hmacRandomInt(seedKey(seed), 'split');
}

/**
 * What a drawn drop pays: the k-th winner gets the k-th share popped from the end of the
 * drop's share list (the stores pop from the end). `shares` is the drop's full list.
 */
export function lotteryPayouts(
  winners: readonly string[],
  shares: readonly number[],
): { userId: string; amount: number }[] {
  return winners.map((userId, k) => ({ userId, amount: shares[shares.length - 1 - k] ?? 0 }));
}
