/**
 * Replay catches a rain that does not follow from its seed: a tampered ledger entry, a
 * changed amount, a share paid from a drop that was never released, a forged draw, a
 * swapped seed. The bundles are built here from the seed as an honest server would.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReplayBundle } from '@red-packet/sdk/rain-fairness';
import { runReplayCommand } from '../../server/cli/replay-command.js';
import { dropClaimId } from '../../server/domain/ids.js';
import { batchDigest, canonicalList, drawLottery } from '../../server/domain/rain-lottery.js';
import { lotteryPayouts, seedCommitment, splitRandomInt } from '../../server/domain/rain-fairness.js';
import { verifyReplay } from '../../server/domain/rain-replay.js';
import { splitRain } from '../../server/domain/rain-rules.js';
import { newRainSeed, rainTimeline } from '../../server/domain/rain-timeline.js';

const START = 1_800_000_000_000;

/**
 * An ended 4-drop lottery rain, 3 shares a drop, 5 ticket holders per drop (of 7 users), paid
 * honestly; with a `cap`, each draw skips holders who have won `cap` shares already.
 */
function honestBundle(cap: number | null = null): ReplayBundle {
  const seed = newRainSeed();
  const rain = {
    id: 'rn_replay',
    total: 1_200,
    drops: 4,
    sharesPerDrop: 3,
    split: 'lucky' as const,
    durationMs: 4_000,
  };
  const timeline = rainTimeline(seed, rain.drops, rain.durationMs);
  const shares = splitRain(rain, splitRandomInt(seed));
  const won = new Map<string, number>();
  const drops = timeline.map((plan, index) => {
    // In arrival order, which the draw must not care about.
    const tickets = Array.from({ length: 5 }, (_, i) => `u${(index + i) % 7}`).reverse();
    const atCap = (u: string): boolean => cap !== null && (won.get(u) ?? 0) >= cap;
    const winners = lotteryPayouts(drawLottery(seed, plan.dropId, tickets, 3, atCap), shares[index]!);
    for (const w of winners) won.set(w.userId, (won.get(w.userId) ?? 0) + 1);
    const list = canonicalList(tickets);
    const batches = [{ nodeId: 'n1', digest: batchDigest(list), count: 5, candidates: 5, tickets: list }];
    return {
      index,
      dropId: plan.dropId,
      releasedAt: START + plan.offsetMs + 5,
      tickets: list,
      batches,
      winners,
    };
  });
  const claims = drops.flatMap((d) =>
    d.winners.map((w) => ({
      claimId: dropClaimId(rain.id, d.dropId, w.userId),
      dropId: d.dropId,
      userId: w.userId,
      amount: w.amount,
      ledgered: { userId: w.userId, amount: w.amount },
    })),
  );
  const paid = claims.reduce((s, c) => s + c.amount, 0);
  return {
    seed,
    drops,
    claims,
    rain: {
      ...rain,
      roomId: 'r',
      hostId: 'h',
      hostName: 'H',
      startAt: START,
      dropTtlMs: 2_000,
      maxGrabsPerUser: cap,
      mode: 'lottery',
      windowMs: 400,
      reactionFloorMs: 150,
      maxTapsPerSec: 8,
      seedHash: seedCommitment(seed),
      status: 'ended',
      released: 4,
      paid,
      grabs: claims.length,
      refunded: rain.total - paid,
      createdAt: START - 1_000,
      endedAt: START + 7_000,
    },
  };
}

describe('rain replay', () => {
  it('verifies an honest rain', () => {
    expect(verifyReplay(honestBundle())).toEqual({
      ok: true,
      checked: { drops: 4, draws: 4, passedOver: 0, claims: 12, paid: 1_200 },
      problems: [],
    });
  });

  it('verifies draws that passed over holders at the cap', () => {
    const b = honestBundle(1);
    // 7 users, one share each at most, 12 shares: the draws must have skipped someone.
    expect(b.claims.length).toBeLessThanOrEqual(7);
    const v = verifyReplay(b);
    expect(v).toMatchObject({ ok: true, problems: [] });
    expect(v.checked.passedOver).toBeGreaterThan(0);
  });

  it('detects a draw that passed over a holder below the cap, or paid one over it', () => {
    const raised = honestBundle(1);
    raised.rain.maxGrabsPerUser = 2; // the draws skipped people with one win, under a cap of 2
    expect(verifyReplay(raised).problems).toContainEqual(
      expect.stringMatching(/^the draw of drop #\d passed over u\d, who had won 1 of 2 shares before it$/),
    );

    const uncapped = honestBundle(1);
    uncapped.rain.maxGrabsPerUser = null; // skipping anyone without a cap is no draw of the seed's
    expect(verifyReplay(uncapped).problems).toContainEqual(
      expect.stringMatching(/^the draw of drop #\d does not follow from the seed and its tickets$/),
    );

    const over = honestBundle(null);
    over.rain.maxGrabsPerUser = 1;
    const problems = verifyReplay(over).problems;
    expect(problems).toContainEqual(expect.stringMatching(/gave u\d a share over the cap of 1$/));
    expect(problems).toContainEqual(
      expect.stringMatching(/^u\d was paid \d shares, over the rain's cap of 1$/),
    );
  });

  it('detects a tampered ledger entry', () => {
    const b = honestBundle();
    b.claims[2]!.ledgered = { userId: b.claims[2]!.userId, amount: b.claims[2]!.amount + 1 };
    b.claims[5]!.ledgered = null;
    const v = verifyReplay(b);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      expect.stringContaining(`${b.claims[2]!.claimId} is ledgered as`),
      expect.stringContaining(`${b.claims[5]!.claimId} has no credit in the ledger`),
    ]);
  });

  it('detects a changed amount', () => {
    const b = honestBundle();
    const c = b.claims[0]!;
    c.amount += 50;
    c.ledgered = { userId: c.userId, amount: c.amount }; // even with the ledger changed to match
    b.rain.paid += 50;
    b.rain.refunded -= 50;
    const v = verifyReplay(b);
    expect(v.ok).toBe(false);
    expect(v.problems.join('\n')).toContain(`${c.claimId} pays ${c.amount} fen`);
  });

  it('detects a share paid from a drop that was never released', () => {
    const b = honestBundle();
    b.drops[3]!.releasedAt = 0;
    const v = verifyReplay(b);
    expect(v.problems).toContain('drop #3 was never released');
    expect(v.problems.some((p) => p.includes('pays from drop #3, which was never released'))).toBe(true);
  });

  it('detects a forged draw, an extra claim and a swapped seed', () => {
    const forged = honestBundle();
    const d = forged.drops[1]!;
    const outsider = d.tickets.find((t) => !d.winners!.some((w) => w.userId === t))!;
    d.winners![0] = { userId: outsider, amount: d.winners![0]!.amount };
    expect(verifyReplay(forged).problems).toContain(
      'the draw of drop #1 does not follow from the seed and its tickets',
    );

    const extra = honestBundle();
    const first = extra.claims[0]!;
    extra.claims.push({
      ...first,
      claimId: dropClaimId('rn_replay', first.dropId, 'sneaky'),
      userId: 'sneaky',
    });
    expect(verifyReplay(extra).ok).toBe(false);

    const swapped = honestBundle();
    swapped.seed = newRainSeed();
    expect(verifyReplay(swapped).problems[0]).toBe(
      'the revealed seed does not match the commitment published at scheduling',
    );
  });

  it('npm run replay prints a verdict and exits non-zero on a mismatch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    const b = honestBundle();
    writeFileSync(good, JSON.stringify(b));
    b.claims[0]!.ledgered = null;
    writeFileSync(bad, JSON.stringify(b));
    const ok = await runReplayCommand(['--file', good]);
    expect(ok).toMatchObject({ exitCode: 0 });
    expect(ok.output).toMatch(/VERIFIED$/);
    const mismatch = await runReplayCommand(['--file', bad]);
    expect(mismatch.exitCode).toBe(1);
    expect(mismatch.output).toContain('MISMATCH');
    expect((await runReplayCommand([])).exitCode).toBe(2);
  });
});
