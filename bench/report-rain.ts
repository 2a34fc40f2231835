/**
 * The rain series in the bench report (bench/rain-series.ts): its goals — node CPU per tap,
 * Redis CPU per tap, and a rain's Redis commands per node per drop flat from the fewest
 * viewers to the most and from one tap per drop to three — and its table, each per-tap cost
 * beside the floor.
 */
import { capacityInputs } from './capacity-model.js';
import type { BenchResults, RainFigures } from './results.js';

interface RainGoal {
  name: string;
  measured: number;
  goal: number;
  unit: string;
  atLeast: boolean;
  detail?: string;
}

const ratio = (a: number, b: number): number => Math.round((a / Math.max(b, 1e-9)) * 100) / 100;

/** The most-nodes one-tap runs, fewest viewers first, and the many-taps run (if any). */
function runs(rain: RainFigures[]): { oneTap: RainFigures[]; manyTaps: RainFigures | undefined } {
  const nodes = Math.max(...rain.map((r) => r.nodes));
  const oneTap = rain
    .filter((r) => r.tapsPerDrop === 1 && r.nodes === nodes)
    .sort((a, b) => a.viewers - b.viewers);
  return { oneTap, manyTaps: rain.find((r) => r.tapsPerDrop > 1) };
}

export function rainGoals(r: BenchResults, timesFloor: (us: number) => string | undefined): RainGoal[] {
  if (!r.rain?.length) return [];
  const { oneTap, manyTaps } = runs(r.rain);
  const first = oneTap[0];
  const last = oneTap[oneTap.length - 1];
  if (!first || !last) return [];
  const model = capacityInputs(r);
  const top = model?.runs[model.runs.length - 1];
  const list: RainGoal[] = [];
  if (model && top) {
    list.push(
      {
        name: `lottery rain on ${top.nodes} nodes: node CPU per tap (slope over ${model.runs.map((f) => f.viewers).join(' and ')} viewers)`,
        measured: Math.round(model.nodeUsPerTap * 10) / 10,
        goal: 40,
        unit: 'µs',
        atLeast: false,
        detail: timesFloor(model.nodeUsPerTap),
      },
      {
        name: `same, ${top.viewers} viewers: Redis CPU per tap`,
        measured: top.redisUsPerTap,
        goal: 1,
        unit: 'µs',
        atLeast: false,
      },
    );
  }
  list.push({
    name: `Redis commands per node per drop, ${last.viewers} ÷ ${first.viewers} viewers`,
    measured: ratio(last.redisCommandsPerNodePerDrop, first.redisCommandsPerNodePerDrop),
    goal: 1.2,
    unit: '×',
    atLeast: false,
    detail: `${last.redisCommandsPerNodePerDrop} ÷ ${first.redisCommandsPerNodePerDrop}`,
  });
  const same = manyTaps && oneTap.find((o) => o.viewers === manyTaps.viewers);
  if (manyTaps && same) {
    list.push({
      name: `Redis commands per node per drop, ${manyTaps.tapsPerDrop} taps ÷ 1 tap per drop (${manyTaps.viewers} viewers)`,
      measured: ratio(manyTaps.redisCommandsPerNodePerDrop, same.redisCommandsPerNodePerDrop),
      goal: 1.2,
      unit: '×',
      atLeast: false,
      detail: `${manyTaps.redisCommandsPerNodePerDrop} ÷ ${same.redisCommandsPerNodePerDrop}`,
    });
  }
  return list;
}

export function rainSection(r: BenchResults, timesFloor: (us: number) => string | undefined): string {
  if (!r.rain?.length) return '';
  const row = (f: RainFigures): string => {
    const refused = Object.entries(f.refused)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const floor = timesFloor(f.nodeUsPerTap);
    return `| ${f.viewers} | ${f.nodes} | ${f.tapsPerDrop} | ${f.drops} at ${f.dropsPerSec}/s | ${f.taps} taps, ${f.wins} wins${refused ? ` (${refused})` : ''}; ack p50 ${f.tapAckP50Ms} / p99 ${f.tapAckP99Ms} ms | ${f.nodeUsPerTap} µs${floor ? ` (${floor})` : ''} · ${f.nodeUsPerViewerSec} µs · ${f.nodeCpuPct} % | ${f.redisUsPerDrop} µs · ${f.redisUsPerTap} µs | ${f.redisCommandsPerDrop} · ${f.redisCommandsPerNodePerDrop} · ${f.redisScriptsPerNodePerDrop} | ${f.kbPerViewer} · ${f.kbPerViewerAfterRain} KB |`;
  };
  const nodes = r.rain[0]?.nodes ?? 0;
  return `## Lottery rain across ${nodes} nodes (\`bench/rain-scenarios.ts\`)

${nodes} node processes on one Redis (one node in the first run), viewers spread evenly over them,
every viewer tapping each drop (its first tap at a random moment in the lottery window). The
server cores hold every node and Redis: a run whose nodes use more than about 70 % of them
answers taps late (refusals: DROP_NOT_ACTIVE, LOTTERY_MISSED), which is a saturated run, not a
cheaper tap. Node and Redis CPU are
taken over the rain with the background (heartbeats, sweeps) of an equally long quiet window
subtracted. docs/capacity.md builds its model from these figures.

| viewers | nodes | taps per drop | drops | outcome | node CPU: per tap · per viewer-second · all nodes | Redis CPU: per drop · per tap | Redis commands: per drop · per node per drop · scripts per node per drop | RSS per viewer: joined · after the rain |
|---|---|---|---|---|---|---|---|---|
${r.rain.map(row).join('\n')}

`;
}
