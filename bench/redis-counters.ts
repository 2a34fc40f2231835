/**
 * What a Redis did over a window, from its own counters: commands executed (`INFO
 * commandstats`, every command including those a Lua script runs) and scripts run, plus the
 * Redis process's CPU from /proc. A bench scenario samples before and after and takes the
 * difference; `idleRate` measures the same over a quiet window, so background work (heartbeats,
 * sweeps, probes) can be subtracted from a scenario's figures.
 */
import { Redis } from 'ioredis';
import { cpuSeconds } from './machine.js';

export interface RedisSample {
  at: number;
  /** Every command executed, scripts' inner commands included. */
  commands: number;
  /** EVAL/EVALSHA/FCALL calls. */
  scripts: number;
  /** Redis process CPU seconds (0 when its pid is unknown). */
  cpu: number;
}

export interface RedisDelta {
  seconds: number;
  commands: number;
  scripts: number;
  cpu: number;
}

const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

export async function sampleRedis(client: Redis, pid: number): Promise<RedisSample> {
  const info = await client.info('commandstats');
  let commands = 0;
  let scripts = 0;
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const name = (m[1] ?? '').toLowerCase();
    const calls = Number(m[2]);
    // The INFO call that takes this sample is not the scenario's work.
    if (name === 'info') continue;
    commands += calls;
    if (SCRIPT_COMMANDS.has(name)) scripts += calls;
  }
  return { at: performance.now(), commands, scripts, cpu: pid ? cpuSeconds(pid) : 0 };
}

export function delta(from: RedisSample, to: RedisSample): RedisDelta {
  return {
    seconds: (to.at - from.at) / 1000,
    commands: to.commands - from.commands,
    scripts: to.scripts - from.scripts,
    cpu: to.cpu - from.cpu,
  };
}

/** `d` minus what the idle rate would have done over the same seconds (never below zero). */
export function lessIdle(d: RedisDelta, idle: RedisDelta): RedisDelta {
  const k = idle.seconds > 0 ? d.seconds / idle.seconds : 0;
  return {
    seconds: d.seconds,
    commands: Math.max(0, d.commands - idle.commands * k),
    scripts: Math.max(0, d.scripts - idle.scripts * k),
    cpu: Math.max(0, d.cpu - idle.cpu * k),
  };
}
