/**
 * The bench's hold on the machine: which cores the server side (node + its Redis) and the
 * load generator run on (`taskset`), per-process CPU from /proc, RSS, and the open-file limit
 * 10,000 sockets need (`prlimit`). Where a tool or a second core is missing the bench warns
 * and runs unpinned, and says so in its results.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface CorePlan {
  /** false: no taskset or a single core — every process shares every core. */
  pinned: boolean;
  /** taskset core lists, e.g. "0" and "1". */
  serverCores: string;
  generatorCores: string;
  /** How many cores the generator may use (the saturation threshold scales with it). */
  generatorCoreCount: number;
  warning: string | null;
}

const has = (tool: string): boolean => !spawnSync(tool, ['--version']).error;

/**
 * Server side on the first half of the cores, generator on the rest; on 2 cores, one each.
 * Pins this process (every thread, and so every worker thread started later) to the generator's.
 */
export function planCores(log: (msg: string) => void): CorePlan {
  const n = cpus().length;
  const all = `0-${n - 1}`;
  const unpinned = (warning: string): CorePlan => {
    log(`WARNING: ${warning}; server and generator share all ${n} cores, figures are less honest`);
    return { pinned: false, serverCores: all, generatorCores: all, generatorCoreCount: n, warning };
  };
  if (n < 2) return unpinned('only one core');
  if (!has('taskset')) return unpinned('taskset not found (install util-linux)');
  const half = Math.floor(n / 2);
  const plan: CorePlan = {
    pinned: true,
    serverCores: half === 1 ? '0' : `0-${half - 1}`,
    generatorCores: n - half === 1 ? String(half) : `${half}-${n - 1}`,
    generatorCoreCount: n - half,
    warning: null,
  };
  if (!pin(process.pid, plan.generatorCores)) return unpinned('taskset failed on this process');
  log(`pinned: server + Redis on core(s) ${plan.serverCores}, generator on core(s) ${plan.generatorCores}`);
  return plan;
}

/** Pins every thread of `pid` to `cores`; false if taskset refused. */
export function pin(pid: number, cores: string): boolean {
  if (!has('taskset')) return false;
  return spawnSync('taskset', ['-a', '-cp', cores, String(pid)]).status === 0;
}

/**
 * Raises this process's open-file limit to its hard limit (children inherit it), so 10,000
 * sockets on each side fit. Returns the soft limit now in force.
 */
export function raiseFileLimit(log: (msg: string) => void): number {
  const read = (): { soft: number; hard: number } => {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line ?? '').split(/\s{2,}/).slice(1, 3);
    const num = (v: string | undefined): number => (v === 'unlimited' ? Infinity : Number(v));
    return { soft: num(soft), hard: num(hard) };
  };
  const before = read();
  if (before.soft < before.hard && has('prlimit')) {
    const hard = Number.isFinite(before.hard) ? String(before.hard) : '1048576';
    spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${hard}:${hard}`]);
  }
  const after = read();
  if (after.soft < 10_500) {
    log(
      `WARNING: open-file limit ${after.soft} (hard ${after.hard}); 10,000 sockets need ~10,100 ` +
        'per process (see docs/operations.md, "File descriptors")',
    );
  }
  return after.soft;
}

/** The pid of the redis-server listening on `port` (0 if it cannot be asked). */
export function redisPidOf(port: number): number {
  const info = spawnSync('redis-cli', ['-p', String(port), 'info', 'server'], { encoding: 'utf8' }).stdout;
  return Number(/process_id:(\d+)/.exec(info)?.[1] ?? 0);
}

/** CPU seconds a process has used so far (user + system, all threads), from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

/** This process's CPU seconds (every thread: the generator's workers included). */
export const ownCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export interface CpuSample {
  seconds: number;
  /** CPU seconds in the window, per process. */
  server: number;
  redis: number;
  generator: number;
}

/** Runs `fn` and measures wall time and each process's CPU over it. */
export async function measure<T>(
  pids: { server: number; redis: number | null },
  fn: () => Promise<T>,
): Promise<{ result: T; cpu: CpuSample }> {
  const redisCpu = (): number => (pids.redis ? cpuSeconds(pids.redis) : 0);
  const [s0, r0, g0, t0] = [cpuSeconds(pids.server), redisCpu(), ownCpu(), performance.now()];
  const result = await fn();
  return {
    result,
    cpu: {
      seconds: (performance.now() - t0) / 1000,
      server: cpuSeconds(pids.server) - s0,
      redis: redisCpu() - r0,
      generator: ownCpu() - g0,
    },
  };
}
