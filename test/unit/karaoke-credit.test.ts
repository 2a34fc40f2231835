import { describe, expect, it } from 'vitest';
import { addInterval, creditProgress, startListen, type Listen } from '../../server/domain/karaoke-credit.js';

const rules = { unlockRatio: 0.95, maxGapMs: 15_000, toleranceMs: 1_000 };
const SONG = 60_000;
const T0 = 1_000_000;

/** Replays reports [positionMs, serverTime] from a fresh listen started at T0. */
function replay(reports: [number, number][], from: Listen = startListen(null, T0)): Listen {
  return reports.reduce((l, [pos, at]) => creditProgress(l, pos, at, SONG, rules), from);
}

/** Honest reports every 3 s from `from` to `to` (positions), starting at server time `at`. */
function honest(from: number, to: number, at: number): [number, number][] {
  const out: [number, number][] = [];
  for (let pos = from + 3_000; pos <= to; pos += 3_000) out.push([pos, at + (pos - from)]);
  return out;
}

describe('karaoke credit', () => {
  it('honest playback unlocks at 95% of the song, not before', () => {
    const reports: [number, number][] = [];
    for (let t = 3_000; t <= 57_000; t += 3_000) reports.push([t, T0 + t]);
    const at57 = replay(reports);
    expect(at57.credited).toBe(57_000);
    expect(at57.unlocked).toBe(true);
    const at54 = replay(reports.slice(0, -1));
    expect(at54.credited).toBe(54_000);
    expect(at54.unlocked).toBe(false);
  });

  it('tolerates network jitter between receipts', () => {
    // Reports arrive 400 ms late, then on time: still credited.
    const l = replay([
      [3_000, T0 + 3_400],
      [6_000, T0 + 6_000],
      [9_000, T0 + 9_050],
    ]);
    expect(l.credited).toBe(9_000);
  });

  it('never credits fast-forward: reporting the end at once earns nothing', () => {
    expect(replay([[60_000, T0 + 100]])).toMatchObject({ credited: 0, unlocked: false });
    // Skipping ahead mid-song earns nothing for the skipped part, only what is then heard.
    const l = replay([
      [3_000, T0 + 3_000],
      [40_000, T0 + 6_000], // jump
      [43_000, T0 + 9_000],
    ]);
    expect(l.credited).toBe(6_000);
    expect(l.covered).toEqual([
      [0, 3_000],
      [40_000, 43_000],
    ]);
  });

  it('cannot add the tolerance again and again with a flood of reports', () => {
    // A report every 10 ms, each claiming 1 s more than the server saw pass.
    const reports: [number, number][] = [];
    for (let i = 1; i <= 500; i++) reports.push([i * 1_000, T0 + i * 10]);
    const l = replay(reports);
    // 5 s of server time + one 1 s tolerance at most, never the 500 s claimed.
    expect(l.credited).toBeLessThanOrEqual(5_000 + 1_000);
    expect(l.unlocked).toBe(false);
  });

  it('ignores replays of the same report', () => {
    const l = replay([
      [3_000, T0 + 3_000],
      [3_000, T0 + 3_000],
      [3_000, T0 + 6_000],
    ]);
    expect(l.credited).toBe(3_000);
  });

  it('gives no credit across a long gap (backgrounded app), then resumes', () => {
    const l = replay([
      [3_000, T0 + 3_000],
      [20_000, T0 + 20_000], // 17 s since the last receipt: over the 15 s limit
      [23_000, T0 + 23_000],
    ]);
    expect(l.credited).toBe(6_000);
  });

  it('lets listeners seek back without counting anything twice', () => {
    const l = replay([
      [10_000, T0 + 10_000],
      [2_000, T0 + 11_000], // seek back
      [8_000, T0 + 17_000], // re-hearing [2 s, 8 s)
      [12_000, T0 + 21_000],
    ]);
    expect(l.covered).toEqual([[0, 12_000]]);
    expect(l.credited).toBe(12_000);
  });

  it('keeps what was heard across a restart (reconnect) and re-anchors at 0', () => {
    const before = replay(honest(0, 30_000, T0));
    const restarted = startListen(before, T0 + 40_000);
    expect(restarted).toMatchObject({ credited: 30_000, anchorPos: 0, anchorAt: T0 + 40_000 });
    // Resuming at 30 s right away looks like a jump (no credit), then honest play counts.
    const l = replay([[30_000, T0 + 40_100], ...honest(30_000, 57_000, T0 + 40_100)], restarted);
    expect(l.credited).toBe(57_000);
    expect(l.unlocked).toBe(true);
  });

  it('stays unlocked once unlocked and clamps positions to the song', () => {
    const l = replay([...honest(0, 57_000, T0), [61_000, T0 + 60_500]]);
    expect(l.covered).toEqual([[0, 60_000]]);
    expect(creditProgress({ ...l, unlocked: true }, 0, T0 + 70_000, SONG, rules).unlocked).toBe(true);
  });

  it('merges intervals', () => {
    expect(addInterval([[0, 5]], [5, 9])).toEqual([[0, 9]]);
    expect(
      addInterval(
        [
          [0, 5],
          [10, 20],
        ],
        [3, 12],
      ),
    ).toEqual([[0, 20]]);
    expect(addInterval([[10, 20]], [0, 5])).toEqual([
      [0, 5],
      [10, 20],
    ]);
  });
});
