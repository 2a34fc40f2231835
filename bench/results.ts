/** The shape of a bench run (bench/results/*.json), shared by the scenarios and the report. */
import type { CpuSample } from './machine.js';

/** CPU of each process over a measured window, in % of one core. */
export interface CpuShare {
  seconds: number;
  serverPct: number;
  redisPct: number;
  generatorPct: number;
  /** The generator used ≥ 90 % of its cores: the end-to-end figures measured it, not the server. */
  generatorSaturated: boolean;
}

export interface GrabFigures {
  store: 'redis' | 'memory';
  members: number;
  packetsOpen: number;
  grabs: number;
  refused: Record<string, number>;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Server (node) CPU per successful grab, µs; Redis's CPU per grab beside it. */
  serverUsPerGrab: number;
  redisUsPerGrab: number;
  cpu: CpuShare;
}

/** Acked no-op events (`time:sync`): what any acked request costs before its handler's work. */
export interface EchoFigures {
  members: number;
  events: number;
  perSec: number;
  p50Ms: number;
  serverUsPerEvent: number;
  cpu: CpuShare;
}

/** How the floor reference is named in results and docs/benchmarks.md. */
export const FLOOR_NAME = 'floor: bare socket.io on uWS';

/** The same acked no-ops against bare socket.io on uWS (bench/reference-socketio.ts). */
export interface FloorFigures extends EchoFigures {
  reference: typeof FLOOR_NAME;
}

export interface FanoutFigures {
  server: 'uws' | 'ws' | 'reference-uws';
  clients: number;
  seconds: number;
  deliveredPerSec: number;
  received: number;
  expected: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU per 1,000 delivered messages, µs. */
  serverUsPer1kMsgs: number;
  cpu: CpuShare;
  /** RSS growth per idle joined connection, KB (measured before the rain). */
  kbPerConn: number;
  /** The same growth read again after the rain, the clients still joined (the game's servers). */
  kbPerConnAfterRain?: number;
}

/** The grab scenario with DATABASE_URL (bench/ledger-scenarios.ts), beside the Redis-only one. */
export interface LedgerFigures {
  postgres: string;
  grab: GrabFigures;
  /** PostgreSQL's CPU (postmaster and backends) over the whole scenario, per grab, µs. */
  postgresUsPerGrab: number;
  /** Node CPU per grab with PostgreSQL ÷ Redis-only (goal ≤ 1.3). */
  cpuRatio: number;
  /** Ack p99 with PostgreSQL − Redis-only, ms (goal ≤ 10). */
  p99DeltaMs: number;
  /** The LedgerWriter alone, flat out: PostgreSQL's ceiling on this machine. */
  saturation: {
    callers: number;
    rowsPerSec: number;
    commitsPerSec: number;
    rowsPerTxn: number;
    p50Ms: number;
    p99Ms: number;
  };
}

/** A lottery rain over several nodes on one Redis (bench/rain-scenarios.ts). */
export interface RainFigures {
  viewers: number;
  nodes: number;
  drops: number;
  dropsPerSec: number;
  tapsPerDrop: number;
  taps: number;
  wins: number;
  refused: Record<string, number>;
  seconds: number;
  /** Tap → ack; a lottery ticket's ack waits for its draw, so this includes the window. */
  tapAckP50Ms: number;
  tapAckP99Ms: number;
  /** All nodes' CPU during the rain, background subtracted, per tap and per viewer-second. */
  nodeUsPerTap: number;
  nodeUsPerViewerSec: number;
  nodeCpuPct: number;
  /** Redis CPU and commands (a script's inner commands included), background subtracted. */
  redisUsPerDrop: number;
  redisUsPerTap: number;
  redisCommandsPerDrop: number;
  redisCommandsPerNodePerDrop: number;
  redisScriptsPerNodePerDrop: number;
  /** RSS growth of all nodes per viewer: joined, and after the rain. */
  kbPerViewer: number;
  kbPerViewerAfterRain: number;
}

export interface BenchResults {
  timestamp: string;
  command: string;
  quick: boolean;
  machine: {
    cpu: string;
    cores: number;
    memoryGb: number;
    node: string;
    redis: string;
    pinned: boolean;
    serverCores: string;
    generatorCores: string;
    fileLimit: number;
    warning: string | null;
  };
  durationSec: number;
  grab: GrabFigures;
  redisLimit: { script: string; perSec: number; ratio: number };
  /** Absent in results written before it was measured. */
  echo?: EchoFigures;
  /** The floor every per-event cost is compared with; absent in results written before it. */
  floor?: FloorFigures;
  crowded: GrabFigures[];
  /** With PostgreSQL; absent in results written before it was measured. */
  ledger?: LedgerFigures;
  fullAllocation: {
    shares: number;
    clients: number;
    ms: number;
    runsMs: number[];
    /** Grabs retried after STORE_UNAVAILABLE (the node's Redis timeout), over all runs. */
    retries: number;
    cpu: CpuShare;
  };
  fanout: { uws: FanoutFigures; ws: FanoutFigures; reference: FanoutFigures };
  /** Fan-out on uWS at growing client counts. */
  curve: FanoutFigures[];
  /** Lottery rains at growing viewer counts; absent in results written before it. */
  rain?: RainFigures[];
  audits: string[];
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function cpuShare(cpu: CpuSample, generatorCores: number): CpuShare {
  const pct = (s: number): number => round((s / cpu.seconds) * 100);
  return {
    seconds: round(cpu.seconds, 2),
    serverPct: pct(cpu.server),
    redisPct: pct(cpu.redis),
    generatorPct: pct(cpu.generator),
    generatorSaturated: cpu.generator / cpu.seconds >= 0.9 * generatorCores,
  };
}
