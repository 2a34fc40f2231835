import { startRedis } from '../test/helpers/redis-server.js';
import { grabScenario, type BenchEnv } from '../bench/grab-scenarios.js';
import { planCores } from '../bench/machine.js';
const log = (m: string) => console.log(m);
const plan = planCores(log);
const redis = await startRedis();
const dir = process.env.PROF_DIR;
const env: BenchEnv = {
  plan,
  redis,
  redisPid: 0,
  threads: 1,
  profile: dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [],
  audits: [],
  log,
};
const members = Number(process.env.MEMBERS ?? 200),
  packets = Number(process.env.PACKETS ?? 20);
const store = (process.env.STORE ?? 'redis') as 'redis' | 'memory';
const r = await grabScenario(env, {
  name: 'g',
  store,
  members,
  packets,
  grabsPerMember: Number(process.env.PER ?? packets),
});
console.log(JSON.stringify(r));
await redis.stop();
process.exit(0);
