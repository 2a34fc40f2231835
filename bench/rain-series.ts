/**
 * The rain series both `npm run bench` and `npm run bench:rain` run: a lottery rain over
 * three nodes at growing viewer counts (every viewer tapping each drop once; first the fewest
 * viewers on one node), then 3,000 viewers again with three taps per drop — a rain's Redis work per drop must not move
 * when viewers or taps grow (docs/capacity.md).
 */
import type { BenchEnv } from './grab-scenarios.js';
import { rainScenario, type RainSpec } from './rain-scenarios.js';
import type { RainFigures } from './results.js';

export const RAIN_NODES = 3;

export function rainSpecs(quick: boolean): RainSpec[] {
  const base = quick
    ? { nodes: RAIN_NODES, drops: 12, durationMs: 2_000, sharesPerDrop: 5, tapsPerDrop: 1 }
    : { nodes: RAIN_NODES, drops: 30, durationMs: 5_000, sharesPerDrop: 10, tapsPerDrop: 1 };
  const viewers = quick ? [300, 1_500] : [1_000, 3_000, 10_000];
  const top = viewers[viewers.length - 1] ?? 1_000;
  const first = viewers[0] ?? 1_000;
  return [
    // One node with the fewest viewers: with the three-node run of the same viewers it splits a
    // drop's Redis work into a part per drop (the draw) and a part per node (its batch).
    { ...base, viewers: first, nodes: 1 },
    ...viewers.map((v) => ({ ...base, viewers: v })),
    { ...base, viewers: quick ? top : 3_000, tapsPerDrop: 3 },
  ];
}

export async function rainSeries(env: BenchEnv, quick: boolean): Promise<RainFigures[]> {
  const out: RainFigures[] = [];
  for (const spec of rainSpecs(quick)) {
    const r = await rainScenario(env, spec);
    env.log(
      `rain ${r.viewers} × ${r.tapsPerDrop} tap(s): ${r.taps} taps, ${r.wins} wins, node ${r.nodeUsPerTap} µs/tap ` +
        `(${r.nodeCpuPct} % CPU), Redis ${r.redisUsPerDrop} µs/drop, ${r.redisCommandsPerNodePerDrop} commands ` +
        `and ${r.redisScriptsPerNodePerDrop} scripts per node per drop, ack p99 ${r.tapAckP99Ms} ms, ` +
        `refused ${JSON.stringify(r.refused)}`,
    );
    out.push(r);
  }
  return out;
}
