/**
 * The host's per-rain report (GET /v1/rains/:id/report): releases against grab attempts over
 * time, the reaction-time distribution, winnings per user and flags for reactions faster than
 * the floor or taps over the limit. Pure: built from the rain's audit trail.
 */
import type { LeaderboardEntry, RainView } from '@red-packet/sdk/protocol';
import type { RainReport, ReplayDrop } from '@red-packet/sdk/rain-fairness';

export interface ReportInput {
  rain: RainView;
  drops: ReplayDrop[];
  log: { userId: string; dropIndex: number; reactionMs: number; outcome: string }[];
  board: LeaderboardEntry[];
  truncated: boolean;
}

/** At most this many time buckets and reaction buckets. */
const BUCKETS = 40;

const roundUp = (value: number, step: number): number => Math.max(step, Math.ceil(value / step) * step);

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
}

export function buildRainReport({ rain, drops, log, board, truncated }: ReportInput): RainReport {
  const span = rain.durationMs + rain.dropTtlMs;
  const bucketMs = roundUp(span / BUCKETS, 100);
  const timeline = Array.from({ length: Math.ceil(span / bucketMs) }, (_, i) => ({
    atMs: i * bucketMs,
    releases: 0,
    grabs: 0,
  }));
  const slot = (at: number): (typeof timeline)[number] | undefined =>
    timeline[Math.min(timeline.length - 1, Math.max(0, Math.floor((at - rain.startAt) / bucketMs)))];
  for (const d of drops) {
    const s = d.releasedAt > 0 ? slot(d.releasedAt) : undefined;
    if (s) s.releases += 1;
  }

  const reactionStep = roundUp(rain.dropTtlMs / BUCKETS, 25);
  const buckets = Array.from({ length: Math.ceil(rain.dropTtlMs / reactionStep) }, (_, i) => ({
    fromMs: i * reactionStep,
    toMs: Math.min(rain.dropTtlMs, (i + 1) * reactionStep),
    count: 0,
  }));
  const reactions: number[] = [];
  const flags = new Map<string, RainReport['flags'][number]>();
  for (const entry of log) {
    const drop = drops[entry.dropIndex];
    if (drop) {
      const s = slot(drop.releasedAt + entry.reactionMs);
      if (s) s.grabs += 1;
    }
    const flag = flags.get(entry.userId) ?? {
      userId: entry.userId,
      belowFloor: 0,
      rateLimited: 0,
      fastestReactionMs: entry.reactionMs,
    };
    flags.set(entry.userId, flag);
    if (entry.outcome === 'rate') {
      flag.rateLimited += 1;
      continue;
    }
    flag.fastestReactionMs = Math.min(flag.fastestReactionMs, entry.reactionMs);
    if (entry.reactionMs < rain.reactionFloorMs) flag.belowFloor += 1;
    reactions.push(entry.reactionMs);
    const b = buckets[Math.min(buckets.length - 1, Math.floor(entry.reactionMs / reactionStep))];
    if (b) b.count += 1;
  }
  reactions.sort((a, b) => a - b);
  return {
    rainId: rain.id,
    mode: rain.mode,
    reactionFloorMs: rain.reactionFloorMs,
    maxTapsPerSec: rain.maxTapsPerSec,
    bucketMs,
    timeline,
    reactions: {
      buckets,
      count: reactions.length,
      p10: percentile(reactions, 0.1),
      median: percentile(reactions, 0.5),
      p90: percentile(reactions, 0.9),
    },
    winnings: board.map(({ userId, name, amount, grabs }) => ({ userId, name, amount, grabs })),
    flags: [...flags.values()]
      .filter((f) => f.belowFloor > 0 || f.rateLimited > 0)
      .sort((a, b) => b.belowFloor + b.rateLimited - (a.belowFloor + a.rateLimited)),
    truncated,
  };
}
