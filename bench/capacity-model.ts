/**
 * The capacity model (docs/capacity.md) computed from one bench run: how many nodes and Redis
 * shards a rain of V viewers needs, the largest rain one shard holds, and what runs out first.
 * Every input is a figure the bench measured (bench/results/latest.json); the assumptions
 * (utilisation targets, memory per node, taps per second) are named constants here and
 * printed in the document, so a reader can redo the arithmetic.
 */
import type { BenchResults, RainFigures } from './results.js';

/** What the model assumes, beside what it measured. */
export const ASSUME = {
  /** Each viewer taps every drop once; the rain releases this many drops a second. */
  dropsPerSec: 6,
  sharesPerDrop: 10,
  /** Keep a node's core and a Redis shard's core at most this busy (headroom for bursts, GC). */
  coreBudget: 0.6,
  /** Memory a node process may use for connections, KB (4 GiB). */
  nodeMemoryKb: 4 * 1024 * 1024,
  /** Socket descriptors one node process is configured for. */
  nodeSockets: 200_000,
} as const;

export interface CapacityInputs {
  floorUs: number | null;
  /** The runs the model reads (three nodes, one tap per drop, not saturated). */
  runs: RainFigures[];
  /** Node CPU per viewer-second while the rain falls (taps, their acks, the drops broadcast):
   * the slope of all nodes' CPU over viewers between the runs. */
  nodeUsPerViewerSec: number;
  /** The same per tap (÷ taps per viewer-second). */
  nodeUsPerTap: number;
  /** What a node spends on a rain whatever its viewers (the intercept, per node), µs/s. */
  nodeFixedUsPerSec: number;
  /** Redis CPU per drop whatever the nodes (the draw), and per node per drop (its batch, its
   * reads), from the one-node and three-node runs of the same viewers. */
  redisUsPerDrop: number;
  redisUsPerNodeDrop: number;
  redisCommandsPerNodeDrop: number;
  /** RSS per joined viewer, KB: the larger of the rain's and the idle connections' (also
   * after a rain). */
  kbPerViewer: number;
  /** Node CPU per delivered room message (fan-out), µs. */
  nodeUsPerMessage: number;
  /** Redis CPU per grab of a packet share (crowded room), µs. */
  redisUsPerGrab: number;
}

/** A run that kept up: its nodes used at most this share of the server cores. */
const UNSATURATED_PCT = 70;

/** Least squares y = a + b·x. */
function line(points: { x: number; y: number }[]): { a: number; b: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const b = sxx > 0 ? points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx : 0;
  return { a: my - b * mx, b };
}

/** The three-node, one-tap runs that did not saturate the server cores, fewest viewers first. */
export function modelRuns(r: BenchResults): RainFigures[] {
  const nodes = Math.max(...(r.rain ?? []).map((f) => f.nodes));
  const runs = (r.rain ?? [])
    .filter((f) => f.tapsPerDrop === 1 && f.nodes === nodes)
    .sort((a, b) => a.viewers - b.viewers);
  const kept = runs.filter((f) => f.nodeCpuPct <= UNSATURATED_PCT);
  return kept.length > 0 ? kept : runs.slice(0, 1);
}

export function capacityInputs(r: BenchResults): CapacityInputs | null {
  const runs = modelRuns(r);
  const top = runs[runs.length - 1];
  if (!top) return null;
  // All nodes' CPU (µs per second) against viewers: the slope is per viewer, the intercept
  // what the nodes spend whatever their viewers. One run: all of it per viewer.
  const fit =
    runs.length > 1
      ? line(runs.map((f) => ({ x: f.viewers, y: f.nodeUsPerViewerSec * f.viewers })))
      : { a: 0, b: top.nodeUsPerViewerSec };
  const tapsPerSec = top.dropsPerSec * top.tapsPerDrop;
  const single = r.rain?.find((f) => f.nodes === 1 && f.tapsPerDrop === 1);
  const same = single && runs.find((f) => f.viewers === single.viewers);
  // Redis per drop = draw + nodes × batch: two node counts at the same viewers split it.
  const perNode =
    single && same && same.nodes > 1
      ? Math.max(0, (same.redisUsPerDrop - single.redisUsPerDrop) / (same.nodes - 1))
      : top.redisUsPerDrop / top.nodes;
  const perDrop = same ? Math.max(0, same.redisUsPerDrop - perNode * same.nodes) : 0;
  const crowded = r.crowded.find((c) => c.store === 'redis');
  const uws = r.fanout.uws;
  return {
    floorUs: r.floor?.serverUsPerEvent ?? null,
    runs,
    nodeUsPerViewerSec: fit.b,
    nodeUsPerTap: fit.b / Math.max(tapsPerSec, 1e-9),
    nodeFixedUsPerSec: Math.max(0, fit.a / top.nodes),
    redisUsPerDrop: perDrop,
    redisUsPerNodeDrop: perNode,
    redisCommandsPerNodeDrop: top.redisCommandsPerNodePerDrop,
    kbPerViewer: Math.max(...runs.map((f) => f.kbPerViewer), uws.kbPerConn, uws.kbPerConnAfterRain ?? 0),
    nodeUsPerMessage: uws.serverUsPer1kMsgs / 1000,
    redisUsPerGrab: crowded?.redisUsPerGrab ?? r.grab.redisUsPerGrab,
  };
}

export interface CapacityRow {
  viewers: number;
  nodesByCpu: number;
  nodesByMemory: number;
  nodes: number;
  /** Redis CPU the rain costs a second, in cores. */
  rainRedisCores: number;
  /** Whether the rain's one slot (one shard) stays within its core's budget. */
  fitsOneShard: boolean;
  first: string;
}

/** Viewers one node (one core) carries, by CPU and by memory. */
export function perNode(i: CapacityInputs): { byCpu: number; byMemory: number } {
  return {
    byCpu: Math.floor((ASSUME.coreBudget * 1e6 - i.nodeFixedUsPerSec) / Math.max(i.nodeUsPerViewerSec, 1e-9)),
    byMemory: Math.min(ASSUME.nodeSockets, Math.floor(ASSUME.nodeMemoryKb / Math.max(i.kbPerViewer, 1e-9))),
  };
}

/** Redis cores a rain on `nodes` nodes costs: its draws and every node's batch, per second. */
export function rainRedisCores(i: CapacityInputs, nodes: number): number {
  return (ASSUME.dropsPerSec * (i.redisUsPerDrop + nodes * i.redisUsPerNodeDrop)) / 1e6;
}

/** The most nodes one rain can span before its shard's core passes the budget. */
export function maxNodesPerShard(i: CapacityInputs): number {
  const perSec = ASSUME.coreBudget * 1e6 - ASSUME.dropsPerSec * i.redisUsPerDrop;
  return Math.max(0, Math.floor(perSec / (ASSUME.dropsPerSec * Math.max(i.redisUsPerNodeDrop, 1e-9))));
}

export function capacityRow(i: CapacityInputs, viewers: number): CapacityRow {
  const node = perNode(i);
  const nodesByCpu = Math.ceil(viewers / node.byCpu);
  const nodesByMemory = Math.ceil(viewers / node.byMemory);
  const nodes = Math.max(nodesByCpu, nodesByMemory, 1);
  const cores = rainRedisCores(i, nodes);
  const fits = cores <= ASSUME.coreBudget;
  const first = !fits
    ? 'the rain’s Redis shard (per-node batches × drops)'
    : nodesByCpu >= nodesByMemory
      ? 'node CPU (taps and the drops broadcast)'
      : 'node memory (connections)';
  return { viewers, nodesByCpu, nodesByMemory, nodes, rainRedisCores: cores, fitsOneShard: fits, first };
}

const n = (x: number, digits = 0): string =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** docs/capacity.md's generated part: inputs, the three rooms, the largest rain per shard. */
export function capacityTables(r: BenchResults): string {
  const i = capacityInputs(r);
  if (!i) return '_The bench run has no rain series: run `npm run bench`._\n';
  const node = perNode(i);
  const maxNodes = maxNodesPerShard(i);
  const largest = maxNodes * Math.min(node.byCpu, node.byMemory);
  const rows = [10_000, 100_000, 1_000_000].map((v) => capacityRow(i, v));
  const top = i.runs[i.runs.length - 1] ?? i.runs[0];
  if (!top) return '';
  const runList = i.runs.map((f) => n(f.viewers)).join(' and ') + ` viewers on ${top.nodes} nodes`;
  const floor = i.floorUs ? ` (the floor, bare socket.io acking a no-op: ${n(i.floorUs, 1)} µs)` : '';
  return `Figures from \`${r.command}\` on ${r.timestamp} (bench/results/latest.json); the tables below
are recomputed by \`npm run bench:render\` whenever the bench is.

### Measured inputs

| input | value | from |
|---|---|---|
| node CPU per viewer-second in a rain | ${n(i.nodeUsPerViewerSec, 1)} µs | slope of all nodes' CPU over viewers, ${runList} |
| same, per tap | ${n(i.nodeUsPerTap, 1)} µs${floor} | ÷ ${n(ASSUME.dropsPerSec)} taps per viewer-second (taps, acks, drop broadcasts, draws) |
| node CPU per rain whatever its viewers | ${n(i.nodeFixedUsPerSec / 1e4, 1)} % of a core per node | the same fit's intercept ÷ nodes (driver ticks, batches, broadcasts' encoding) |
| node CPU per delivered room message | ${n(i.nodeUsPerMessage, 2)} µs | fan-out, ${n(r.fanout.uws.clients)} clients on uWS |
| RSS per viewer | ${n(i.kbPerViewer, 1)} KB | the largest of the rain's joined figure and the idle connections' (also after a rain) |
| Redis CPU per drop (its draw) | ${n(i.redisUsPerDrop, 0)} µs | one-node and three-node runs of the same viewers: per drop = draw + nodes × batch |
| Redis CPU per node per drop (its batch and reads) | ${n(i.redisUsPerNodeDrop, 0)} µs | same |
| Redis commands per node per drop | ${n(i.redisCommandsPerNodeDrop, 1)} | ${n(top.viewers)}-viewer run (background subtracted) |
| Redis CPU per packet grab | ${n(i.redisUsPerGrab, 1)} µs | crowded room, Redis |

Runs the model reads: three nodes, one tap per drop, whose nodes used at most ${UNSATURATED_PCT} % of the
server core (a saturated run answers taps late and cheaply — refusals — and would flatter the
per-tap cost); docs/benchmarks.md has every run.

Assumed: every viewer taps each drop once, ${ASSUME.dropsPerSec} drops a second, ${ASSUME.sharesPerDrop} shares a drop; a node is one
process on one core kept ≤ ${ASSUME.coreBudget * 100} % busy, with ${n(ASSUME.nodeMemoryKb / 1024 / 1024)} GiB for connections and at most
${n(ASSUME.nodeSockets)} sockets; a Redis shard's core kept ≤ ${ASSUME.coreBudget * 100} % busy.

### One node, one shard

- **One node carries ${n(Math.min(node.byCpu, node.byMemory))} viewers in a rain**: ${n(node.byCpu)} by CPU
  ((${ASSUME.coreBudget} × 10⁶ µs − ${n(i.nodeFixedUsPerSec, 0)} µs fixed) ÷ ${n(i.nodeUsPerViewerSec, 1)} µs per viewer-second), ${n(node.byMemory)} by memory.
- **A rain's Redis cost grows with nodes × drops**: ${ASSUME.dropsPerSec} drops/s × ${n(i.redisUsPerNodeDrop, 0)} µs = ${n((ASSUME.dropsPerSec * i.redisUsPerNodeDrop) / 1e4, 2)} % of a
  Redis core per node, whatever the node's viewers tap, plus ${n((ASSUME.dropsPerSec * i.redisUsPerDrop) / 1e4, 2)} % for the draws.
- **The largest rain one Redis shard holds**: ${n(maxNodes)} nodes ((${ASSUME.coreBudget} × 10⁶ µs − draws) ÷ (${ASSUME.dropsPerSec} × ${n(i.redisUsPerNodeDrop, 0)} µs)),
  so about **${n(largest)} viewers**.

### Rooms of 10,000, 100,000 and 1,000,000 viewers

| viewers in the rain | nodes by CPU | nodes by memory | nodes | the rain's Redis CPU | Redis shards for the rain | what runs out first |
|---|---|---|---|---|---|---|
${rows
  .map(
    (row) =>
      `| ${n(row.viewers)} | ${n(row.nodesByCpu)} | ${n(row.nodesByMemory)} | **${n(row.nodes)}** | ${n(row.rainRedisCores * 100, 1)} % of a core | ${row.fitsOneShard ? '1' : `over one shard's budget (${n(row.rainRedisCores / ASSUME.coreBudget, 1)} ×), and a rain is one slot: see what breaks first`} | ${row.first} |`,
  )
  .join('\n')}
`;
}
