/**
 * Listening credit for karaoke packets (listen to unlock). Pure; time is the server's clock,
 * passed in.
 *
 * A listen is anchored at (position, server time) by `karaoke:start` and by every report.
 * A report at `position` and server time `now` credits the song interval [anchor, position)
 * only when it is plausible playback:
 *   - the position moved forward (a seek back or a repeated report earns nothing),
 *   - by no more than the server's own elapsed time plus a tolerance (no fast-forward),
 *   - and the report came within `maxGapMs` of the anchor (no credit across a gap when the
 *     app was backgrounded or offline).
 * Either way the anchor moves to the report. Credit is the length of the union of credited
 * intervals, so listening to the same part twice counts once. Over the whole listen, credit
 * never exceeds the server time spent between receipts (gaps excluded) plus one tolerance, so
 * a flood of reports cannot add the tolerance again and again. The listen unlocks when credit
 * reaches `unlockRatio` of the song.
 */

export interface ListenRules {
  /** Share of the song to hear before the packet opens. @default 0.95 */
  unlockRatio: number;
  /** Longest gap between receipts that still earns credit, ms. @default 15000 */
  maxGapMs: number;
  /** Slack over the server's elapsed time a report may advance, ms. @default 1000 */
  toleranceMs: number;
}

export interface Listen {
  anchorPos: number;
  anchorAt: number;
  /** Disjoint, sorted [start, end) intervals of the song heard, ms. */
  covered: [number, number][];
  /** Total length of `covered`, ms. */
  credited: number;
  /** Server time between receipts no more than maxGapMs apart, ms: the credit budget. */
  clockMs: number;
  unlocked: boolean;
}

/** Starts a listen (or re-anchors one after a reconnect, keeping what was heard) at position 0. */
export function startListen(existing: Listen | null, now: number): Listen {
  return existing
    ? { ...existing, anchorPos: 0, anchorAt: now }
    : { anchorPos: 0, anchorAt: now, covered: [], credited: 0, clockMs: 0, unlocked: false };
}

/** The ms of the song that must be heard to unlock. */
export function unlockThreshold(durationMs: number, rules: ListenRules): number {
  return Math.ceil(durationMs * rules.unlockRatio);
}

/** Applies one progress report; returns the new listen (the input is not changed). */
export function creditProgress(
  listen: Listen,
  positionMs: number,
  now: number,
  durationMs: number,
  rules: ListenRules,
): Listen {
  const position = Math.min(Math.max(0, positionMs), durationMs);
  const elapsed = now - listen.anchorAt;
  const advance = position - listen.anchorPos;
  const inTime = elapsed >= 0 && elapsed <= rules.maxGapMs;
  const clockMs = listen.clockMs + (inTime ? elapsed : 0);
  const budget = clockMs + rules.toleranceMs - listen.credited;
  const plausible = inTime && advance > 0 && advance <= elapsed + rules.toleranceMs && budget > 0;
  const end = Math.min(position, listen.anchorPos + budget);
  const covered = plausible ? addInterval(listen.covered, [listen.anchorPos, end]) : listen.covered;
  const credited = covered.reduce((sum, [a, b]) => sum + (b - a), 0);
  return {
    anchorPos: position,
    anchorAt: now,
    covered,
    credited,
    clockMs,
    unlocked: listen.unlocked || credited >= unlockThreshold(durationMs, rules),
  };
}

/** Merges [a, b) into disjoint sorted intervals. */
export function addInterval(covered: [number, number][], [a, b]: [number, number]): [number, number][] {
  const out: [number, number][] = [];
  let start = a;
  let end = b;
  for (const [x, y] of covered) {
    if (y < start || x > end) out.push([x, y]);
    else {
      start = Math.min(start, x);
      end = Math.max(end, y);
    }
  }
  out.push([start, end]);
  return out.sort((p, q) => p[0] - q[0]);
}
