/**
 * The replay's view of one lottery drop's batches (docs/fairness.md): checks each node's kept
 * list against its commitment, its count and its candidate count, and returns the draw order
 * the store must have walked — the union of every node's candidateLimit lowest scores, by score.
 */
import type { ReplayDrop } from '@red-packet/sdk/rain-fairness';
import {
  batchCandidates,
  batchDigest,
  byScore,
  candidateLimit,
  canonicalList,
  type Candidate,
} from './rain-lottery.js';

export function drawOrderOf(
  seed: string,
  drop: Pick<ReplayDrop, 'index' | 'dropId' | 'tickets' | 'batches'>,
  sharesPerDrop: number,
  problems: string[],
): string[] {
  const union = new Map<string, Candidate>();
  const held: string[] = [];
  for (const b of drop.batches) {
    const label = `drop #${drop.index}: node ${b.nodeId}'s batch`;
    if (b.tickets === null) {
      problems.push(`${label} is no longer kept, so its draw cannot be checked`);
      continue;
    }
    held.push(...b.tickets);
    const list = canonicalList(b.tickets);
    if (list.length !== b.tickets.length || list.some((id, i) => id !== b.tickets?.[i]))
      problems.push(`${label} is not a sorted list of distinct user ids`);
    if (batchDigest(b.tickets) !== b.digest) problems.push(`${label} does not match its commitment`);
    if (b.count !== b.tickets.length)
      problems.push(`${label} holds ${b.tickets.length} tickets, not ${b.count}`);
    const limit = Math.min(b.tickets.length, candidateLimit(sharesPerDrop));
    if (b.candidates !== limit) problems.push(`${label} handed in ${b.candidates} candidates, not ${limit}`);
    for (const c of batchCandidates(seed, drop.dropId, b.tickets, limit)) union.set(c.userId, c);
  }
  const tickets = canonicalList(held);
  if (tickets.length !== drop.tickets.length || tickets.some((id, i) => id !== drop.tickets[i]))
    problems.push(`drop #${drop.index}'s ticket holders are not its batches' union`);
  return byScore([...union.values()]).map((c) => c.userId);
}
