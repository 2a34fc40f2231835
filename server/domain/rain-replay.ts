/**
 * Verifying a rain from its revealed seed (docs/fairness.md): re-derives the drop timeline,
 * every drop's shares and every lottery draw, and checks each paid share against them, against
 * the rain's per-user cap and against the ledger. Pure: the bundle is all it reads, so a
 * player can run it anywhere.
 *
 * Each node handed in its ticket list for a drop with a commitment; the replay checks every
 * kept list against its commitment and count, recomputes the node's candidates (its
 * candidateLimit lowest scores, rain-lottery.ts) and walks their union in score order, skipping
 * holders at the cap, so the holders it passed over are the non-winners ahead of its last
 * winner (all non-winners when it paid fewer than the drop's shares). The bundle does not say when a
 * first-come grab landed, so a passed-over holder is checked against what they had won on
 * earlier drops (they must have reached the cap there), a winner against their earlier
 * lottery wins (certainly before the draw; they must be below it), and every user's total.
 */
import type { ReplayBundle, ReplayVerdict } from '@red-packet/sdk/rain-fairness';
import { lotteryPayouts, seedCommitment, splitRandomInt } from './rain-fairness.js';
import { drawOrderOf } from './rain-replay-batches.js';
import { splitRain } from './rain-rules.js';
import { rainTimeline } from './rain-timeline.js';

/** Multiset of amounts: how many shares of each amount a drop holds. */
function countAmounts(amounts: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const a of amounts) counts.set(a, (counts.get(a) ?? 0) + 1);
  return counts;
}

export function verifyReplay(bundle: ReplayBundle): ReplayVerdict {
  const { rain, seed } = bundle;
  const problems: string[] = [];
  if (seedCommitment(seed) !== rain.seedHash)
    problems.push('the revealed seed does not match the commitment published at scheduling');
  const timeline = rainTimeline(seed, rain.drops, rain.durationMs);
  const shares = splitRain(rain, splitRandomInt(seed));
  if (bundle.drops.length !== rain.drops)
    problems.push(`the store lists ${bundle.drops.length} drops, the rain has ${rain.drops}`);

  const indexOf = new Map<string, number>();
  const cap = rain.maxGrabsPerUser;
  const claimedIn = new Map<string, string[]>();
  for (const c of bundle.claims) claimedIn.set(c.dropId, [...(claimedIn.get(c.dropId) ?? []), c.userId]);
  /** Shares won on the drops checked so far, any way, and by lottery draws alone. */
  const wonBefore = new Map<string, number>();
  const drawnBefore = new Map<string, number>();
  const bump = (counts: Map<string, number>, userId: string): void => {
    counts.set(userId, (counts.get(userId) ?? 0) + 1);
  };
  let draws = 0;
  let passedOver = 0;
  for (const d of [...bundle.drops].sort((a, b) => a.index - b.index)) {
    const plan = timeline[d.index];
    if (!plan || plan.dropId !== d.dropId) {
      problems.push(`drop #${d.index} (${d.dropId}) is not the seed's drop #${d.index}`);
      continue;
    }
    indexOf.set(d.dropId, d.index);
    if (d.releasedAt > 0 && d.releasedAt < rain.startAt + plan.offsetMs)
      problems.push(`drop #${d.index} was released before its time in the timeline`);
    if (rain.status === 'ended' && d.releasedAt === 0) problems.push(`drop #${d.index} was never released`);
    if (new Set(d.tickets).size !== d.tickets.length) problems.push(`drop #${d.index} has a repeated ticket`);
    const order = drawOrderOf(seed, d, rain.sharesPerDrop, problems);
    if (d.winners) {
      draws += 1;
      const winners = new Set(d.winners.map((w) => w.userId));
      const picked: string[] = [];
      const skipped: string[] = [];
      for (const userId of order) {
        if (winners.has(userId)) picked.push(userId);
        else if (picked.length < winners.size || winners.size < rain.sharesPerDrop) skipped.push(userId);
      }
      const expected = lotteryPayouts(picked, shares[d.index] ?? []);
      if (JSON.stringify(expected) !== JSON.stringify(d.winners) || (skipped.length > 0 && cap === null))
        problems.push(`the draw of drop #${d.index} does not follow from the seed and its tickets`);
      else if (cap !== null) {
        for (const userId of skipped) {
          const won = wonBefore.get(userId) ?? 0;
          if (won < cap)
            problems.push(
              `the draw of drop #${d.index} passed over ${userId}, who had won ${won} of ${cap} shares before it`,
            );
        }
        for (const userId of picked) {
          if ((drawnBefore.get(userId) ?? 0) >= cap)
            problems.push(`the draw of drop #${d.index} gave ${userId} a share over the cap of ${cap}`);
        }
      }
      passedOver += skipped.length;
      for (const userId of picked) bump(drawnBefore, userId);
    } else if (rain.mode === 'lottery' && rain.status === 'ended' && d.tickets.length > 0) {
      problems.push(`drop #${d.index} had tickets but was never drawn`);
    }
    for (const userId of claimedIn.get(d.dropId) ?? []) bump(wonBefore, userId);
  }
  if (cap !== null) {
    for (const [userId, won] of wonBefore)
      if (won > cap) problems.push(`${userId} was paid ${won} shares, over the rain's cap of ${cap}`);
  }

  const left = new Map<number, Map<number, number>>();
  const seen = new Set<string>();
  let paid = 0;
  for (const c of bundle.claims) {
    paid += c.amount;
    const label = `claim ${c.claimId}`;
    if (seen.has(c.claimId)) problems.push(`${label} is paid twice`);
    seen.add(c.claimId);
    const index = indexOf.get(c.dropId);
    const drop = index === undefined ? undefined : bundle.drops[index];
    if (index === undefined || !drop) {
      problems.push(`${label} pays from a drop that is not in the seed's timeline`);
    } else {
      if (drop.releasedAt === 0) problems.push(`${label} pays from drop #${index}, which was never released`);
      let counts = left.get(index);
      if (!counts) left.set(index, (counts = countAmounts(shares[index] ?? [])));
      const n = counts.get(c.amount) ?? 0;
      if (n === 0) problems.push(`${label} pays ${c.amount} fen, not one of drop #${index}'s shares`);
      else counts.set(c.amount, n - 1);
      const won = drop.winners?.find((w) => w.userId === c.userId);
      if (won && won.amount !== c.amount)
        problems.push(`${label} pays ${c.amount} fen but the draw gave ${won.amount} fen`);
    }
    if (!c.ledgered) problems.push(`${label} has no credit in the ledger`);
    else if (c.ledgered.amount !== c.amount || c.ledgered.userId !== c.userId)
      problems.push(`${label} is ledgered as ${c.ledgered.amount} fen to ${c.ledgered.userId}`);
  }
  for (const d of bundle.drops) {
    for (const w of d.winners ?? []) {
      if (!bundle.claims.some((c) => c.dropId === d.dropId && c.userId === w.userId))
        problems.push(`the draw of drop #${d.index} gave ${w.userId} a share that was never paid`);
    }
  }
  if (paid !== rain.paid)
    problems.push(`the claims add up to ${paid} fen; the rain says ${rain.paid} fen paid`);
  if (rain.status === 'ended' && rain.paid + rain.refunded !== rain.total)
    problems.push(`paid ${rain.paid} + refunded ${rain.refunded} fen is not the budget ${rain.total} fen`);
  return {
    ok: problems.length === 0,
    checked: { drops: bundle.drops.length, draws, passedOver, claims: bundle.claims.length, paid },
    problems,
  };
}
