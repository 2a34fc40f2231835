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
  rain: RainFigures;
  /** Node CPU per viewer-second while the rain falls (taps, their acks, the drops broadcast). */
  nodeUsPerViewerSec: number;
  /** Redis CPU per node per drop: the node's ticket batch, its share of the draw. */
  redisUsPerNodeDrop: number;
  redisCommandsPerNodeDrop: number;
  /** RSS per joined viewer after a rain, KB. */
  kbPerViewer: number;
  /** Node CPU per delivered room message (fan-out), µs. */
  nodeUsPerMessage: number;
  /** Redis CPU per grab of a packet share (crowded room), µs. */
  redisUsPerGrab: number;
}

export interface CapacityRow {
  viewers: number;
  nodesByCpu: number;
  nodesByMemory: number;
  nodes: number;
  /** Redis CPU the rain costs a second, in cores. */
  rainRedisCores: number;
  /** Redis shards the rain's slot needs: always 1 (a rain lives in one slot) — or "over". */
  fitsOneShard: boolean;
  first: string;
}

/** The run the model reads: the one-tap rain with the most viewers. */
export function capacityInputs(r: BenchResults): CapacityInputs | null {
  const rain = r.rain
    ?.filter((f) => f.tapsPerDrop === 1)
    .sort((a, b) => b.viewers - a.viewers)
    .at(0);
  if (!rain) return null;
  const crowded = r.crowded.find((c) => c.store === 'redis');
  return {
    floorUs: r.floor?.serverUsPerEvent ?? null,
    rain,
    // Scaled to the assumed drop rate: the measured run may release drops at another rate.
    nodeUsPerViewerSec: (rain.nodeUsPerViewerSec * ASSUME.dropsPerSec) / Math.max(rain.dropsPerSec, 1e-9),
    redisUsPerNodeDrop: rain.redisUsPerDrop / rain.nodes,
    redisCommandsPerNodeDrop: rain.redisCommandsPerNodePerDrop,
    kbPerViewer: Math.max(rain.kbPerViewerAfterRain, rain.kbPerViewer, r.fanout.uws.kbPerConn),
    nodeUsPerMessage: r.fanout.uws.serverUsPer1kMsgs / 1000,
    redisUsPerGrab: crowded?.redisUsPerGrab ?? r.grab.redisUsPerGrab,
  };
}

/** Viewers one node (one core) carries, by CPU and by memory. */
export function perNode(i: CapacityInputs): { byCpu: number; byMemory: number } {
  return {
    byCpu: Math.floor((ASSUME.coreBudget * 1e6) / Math.max(i.nodeUsPerViewerSec, 1e-9)),
    byMemory: Math.min(ASSUME.nodeSockets, Math.floor(ASSUME.nodeMemoryKb / Math.max(i.kbPerViewer, 1e-9))),
  };
}

/** Redis cores a rain on `nodes` nodes costs: every node's batch per drop, drops per second. */
export function rainRedisCores(i: CapacityInputs, nodes: number): number {
  return (ASSUME.dropsPerSec * nodes * i.redisUsPerNodeDrop) / 1e6;
}

/** The most nodes one rain can span before its shard's core passes the budget. */
export function maxNodesPerShard(i: CapacityInputs): number {
  return Math.floor((ASSUME.coreBudget * 1e6) / (ASSUME.dropsPerSec * Math.max(i.redisUsPerNodeDrop, 1e-9)));
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
  const floor = i.floorUs ? ` (the floor, bare socket.io acking a no-op: ${n(i.floorUs, 1)} µs)` : '';
  return `Figures from \`${r.command}\` on ${r.timestamp} (bench/results/latest.json); the tables below
are recomputed by \`npm run bench:render\` whenever the bench is.

### Measured inputs

| input | value | from |
|---|---|---|
| node CPU per tap | ${n(i.rain.nodeUsPerTap, 1)} µs${floor} | rain, ${n(i.rain.viewers)} viewers on ${i.rain.nodes} nodes, every viewer tapping each drop |
| node CPU per viewer-second, ${ASSUME.dropsPerSec} drops/s | ${n(i.nodeUsPerViewerSec, 1)} µs | same run (taps, acks, drop broadcasts, heartbeats), scaled from ${i.rain.dropsPerSec} drops/s |
| node CPU per delivered room message | ${n(i.nodeUsPerMessage, 2)} µs | fan-out, ${n(r.fanout.uws.clients)} clients on uWS |
| RSS per viewer (joined, after a rain) | ${n(i.kbPerViewer, 1)} KB | the larger of the rain and idle-connection figures |
| Redis CPU per node per drop | ${n(i.redisUsPerNodeDrop, 1)} µs | rain: Redis CPU per drop ÷ nodes (background subtracted) |
| Redis commands per node per drop | ${n(i.redisCommandsPerNodeDrop, 1)} | same |
| Redis CPU per packet grab | ${n(i.redisUsPerGrab, 1)} µs | crowded room, Redis |

Assumed: every viewer taps each drop once, ${ASSUME.dropsPerSec} drops a second, ${ASSUME.sharesPerDrop} shares a drop; a node is one
process on one core kept ≤ ${ASSUME.coreBudget * 100} % busy, with ${n(ASSUME.nodeMemoryKb / 1024 / 1024)} GiB for connections and at most
${n(ASSUME.nodeSockets)} sockets; a Redis shard's core kept ≤ ${ASSUME.coreBudget * 100} % busy.

### One node, one shard

- **One node carries ${n(Math.min(node.byCpu, node.byMemory))} viewers in a rain**: ${n(node.byCpu)} by CPU
  (${ASSUME.coreBudget} × 10⁶ µs ÷ ${n(i.nodeUsPerViewerSec, 1)} µs per viewer-second), ${n(node.byMemory)} by memory.
- **A rain's Redis cost grows with nodes × drops**: ${ASSUME.dropsPerSec} drops/s × ${n(i.redisUsPerNodeDrop, 1)} µs = ${n((ASSUME.dropsPerSec * i.redisUsPerNodeDrop) / 1e4, 2)} % of a
  Redis core per node, whatever the node's viewers tap.
- **The largest rain one Redis shard holds**: ${n(maxNodes)} nodes (${ASSUME.coreBudget} × 10⁶ µs ÷ (${ASSUME.dropsPerSec} × ${n(i.redisUsPerNodeDrop, 1)} µs)),
  so about **${n(largest)} viewers**.

### Rooms of 10,000, 100,000 and 1,000,000 viewers

| viewers in the rain | nodes by CPU | nodes by memory | nodes | the rain's Redis CPU | Redis shards for the rain | what runs out first |
|---|---|---|---|---|---|---|
${rows
  .map(
    (row) =>
      `| ${n(row.viewers)} | ${n(row.nodesByCpu)} | ${n(row.nodesByMemory)} | **${n(row.nodes)}** | ${n(row.rainRedisCores * 100, 1)} % of a core | ${row.fitsOneShard ? '1' : `1 is not enough (${n(row.rainRedisCores / ASSUME.coreBudget, 1)} × its budget)`} | ${row.first} |`,
  )
  .join('\n')}
`;
}
