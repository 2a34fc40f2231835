/**
 * The hash lottery of a lottery drop (docs/fairness.md), decided so that a node can hand in its
 * tickets once per drop and the store's work per drop does not grow with taps.
 *
 *   score(user)   the first 48 bits of HMAC-SHA256(seed, `ticket:<dropId>:<userId>`), an
 *                 integer below 2^48 (exact in a double and in a Redis sorted-set score)
 *   draw order    every candidate by (score, user id as UTF-8 bytes), lowest first; the draw
 *                 walks it and pays the first holders below the rain's cap, one share each
 *   node batch    a node's tickets for a drop, kept as a list (canonical: sorted by user id
 *                 bytes) and committed to by `batchDigest`; it hands in only its
 *                 `candidateLimit` lowest-scoring tickets, which are all that can win
 *
 * A user's score is the same on every node, so a user holding tickets on two nodes is one
 * candidate (the store keeps one per user). Nothing but the seed, the ticket lists and the cap
 * decides who wins; the order the tickets arrived in decides nothing.
 */
import { createHash, createHmac } from 'node:crypto';

/** A ticket in the draw: who, and their score for this drop. */
export interface Candidate {
  userId: string;
  score: number;
}

const seedKey = (seed: string): Buffer => Buffer.from(seed, 'base64url');

/** `userId`'s score in drop `dropId`: an integer in [0, 2^48), uniform and keyed by the seed. */
export function ticketScore(seed: string, dropId: string, userId: string): number {
  return createHmac('sha256', seedKey(seed)).update(`ticket:${dropId}:${userId}`).digest().readUIntBE(0, 6);
}

/** Byte order of user ids (the order Redis gives members of equal score). */
export function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The draw order: lowest score first, equal scores by user id bytes. Sorts in place. */
export function byScore<T extends Candidate>(candidates: T[]): T[] {
  return candidates.sort((a, b) => a.score - b.score || compareIds(a.userId, b.userId));
}

/** A node's ticket list as kept for replay: distinct user ids sorted by their UTF-8 bytes. */
export function canonicalList(userIds: Iterable<string>): string[] {
  return [...new Set(userIds)].sort(compareIds);
}

/** The commitment to a node's batch: hex SHA-256 over its canonical list, one id per line. */
export function batchDigest(canonical: readonly string[]): string {
  return createHash('sha256').update(canonical.join('\n'), 'utf8').digest('hex');
}

/**
 * How many of its tickets a node hands in for a drop of `shares` shares: the shares, as many
 * again for holders the draw passes over at the cap, and a few more. Fixed by the rain alone,
 * so a replay knows which of a node's tickets had to be handed in.
 */
export function candidateLimit(shares: number): number {
  return 2 * shares + 8;
}

/** The `limit` lowest-scoring tickets of a node's list, in draw order. */
export function batchCandidates(
  seed: string,
  dropId: string,
  userIds: Iterable<string>,
  limit: number,
): Candidate[] {
  const all = byScore(
    [...new Set(userIds)].map((userId) => ({ userId, score: ticketScore(seed, dropId, userId) })),
  );
  return all.slice(0, limit);
}

/**
 * The draw over the union of the nodes' candidates: the first holders in score order for whom
 * `atCap` is false, at most `shares` of them (user ids, in draw order). The store walks the same
 * order in the step that pays (rain-draw.lua, memory-lottery.ts).
 */
export function drawCandidates(
  candidates: readonly Candidate[],
  shares: number,
  atCap: (userId: string) => boolean = () => false,
): string[] {
  const seen = new Set<string>();
  const winners: string[] = [];
  for (const c of byScore([...candidates])) {
    if (winners.length >= shares) break;
    if (seen.has(c.userId)) continue;
    seen.add(c.userId);
    if (!atCap(c.userId)) winners.push(c.userId);
  }
  return winners;
}

/** Every holder of `tickets` (one list, or the union of the nodes' lists) in draw order. */
export function drawOrder(seed: string, dropId: string, tickets: Iterable<string>): string[] {
  return batchCandidates(seed, dropId, tickets, Number.POSITIVE_INFINITY).map((c) => c.userId);
}

/**
 * The draw as if every ticket had been a candidate: the first `shares` holders of `tickets` in
 * draw order for whom `atCap` is false (what the store pays when no node's batch exceeds its
 * candidateLimit).
 */
export function drawLottery(
  seed: string,
  dropId: string,
  tickets: Iterable<string>,
  shares: number,
  atCap: (userId: string) => boolean = () => false,
): string[] {
  return drawCandidates(batchCandidates(seed, dropId, tickets, Number.POSITIVE_INFINITY), shares, atCap);
}
