import { startRedis } from '../test/helpers/redis-server.js';
import { grabScenario, type BenchEnv } from './grab-scenarios.js';
import { planCores } from './machine.js';
const log = (m: string) => console.log(m);
const plan = planCores(log);
const redis = await startRedis();
const store = (process.env.PROBE_STORE ?? 'redis') as 'redis' | 'memory';
const env: BenchEnv = {
  plan,
  redis,
  redisPid: 0,
  threads: 1,
  profile: process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/perf-prof'] : [],
  audits: [],
  log,
};
const r = await grabScenario(env, {
  name: 'probe',
  store,
  members: Number(process.env.M ?? 400),
  packets: Number(process.env.P ?? 10),
  grabsPerMember: Number(process.env.G ?? 5),
});
console.log(JSON.stringify(r));
await redis.destroy();
