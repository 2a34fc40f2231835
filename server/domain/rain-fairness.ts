/**
 * Provable fairness for rains (docs/fairness.md): every random choice of a rain derives from
 * its secret seed, so once the seed is revealed anyone can recompute them.
 *
 *   commitment   seedHash = hex SHA-256 of the seed string, published at scheduling
 *   amounts      the budget split (lucky or equal) uses a deterministic generator keyed by
 *                the seed (label `split`), so the shares of every drop are recomputable
 *   draws        a lottery drop's tickets are sorted by user id (canonicalTickets, so the
 *                order the server took them in decides nothing), then shuffled by a generator
 *                keyed by HMAC(seed, `lottery:<dropId>:<SHA-256 of the sorted ticket list>`);
 *                the draw walks that order and skips holders already at the rain's per-user
 *                cap: nothing but the seed, the tickets and the cap decides who wins
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

/** SHA-256 over a ticket list (one user id per line, in the given order): what a draw is keyed by. */
export function ticketsDigest(tickets: readonly string[]): string {
  return createHash('sha256').update(tickets.join('\n'), 'utf8').digest('hex');
}

/**
 * The canonical order of a drop's tickets: by user id, comparing UTF-8 bytes. Draws hash and
 * shuffle this list, never the order the store took the tickets in, which the server chooses.
 */
export function canonicalTickets(tickets: readonly string[]): string[] {
  return [...tickets].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

/**
 * The order a drop's draw walks its ticket holders (distinct user ids, in any order): the
 * canonical list shuffled by a Fisher–Yates driven by the seed and that list only. The draw
 * pays the first holders in this order who are below the rain's cap, one share each.
 */
export function drawOrder(seed: string, dropId: string, tickets: readonly string[]): string[] {
  const pool = canonicalTickets(tickets);
  const key = createHmac('sha256', seedKey(seed))
    .update(`lottery:${dropId}:${ticketsDigest(pool)}`)
    .digest();
  const randomInt = hmacRandomInt(key, 'draw');
  for (let k = 0; k < pool.length - 1; k++) {
    const j = k + randomInt(pool.length - k);
    const swap = pool[k] as string;
    pool[k] = pool[j] as string;
    pool[j] = swap;
  }
  return pool;
}

/**
 * Draws up to `shares` winners among `tickets` for drop `dropId`: the first holders in
 * drawOrder for whom `atCap` is false (a holder whose wins in the rain have reached its cap is
 * skipped). Returns winner user ids in draw order; the k-th winner takes the k-th share popped
 * from the drop (docs/fairness.md). Everyone below the cap wins when there are no more of them
 * than shares.
 */
export function drawLottery(
  seed: string,
  dropId: string,
  tickets: readonly string[],
  shares: number,
  atCap: (userId: string) => boolean = () => false,
): string[] {
  const winners: string[] = [];
  for (const userId of drawOrder(seed, dropId, tickets)) {
    if (winners.length >= shares) break;
    if (!atCap(userId)) winners.push(userId);
  }
  return winners;
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
