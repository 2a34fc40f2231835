/**
 * npm run bench:rain [-- --quick]
 *
 * The rain series alone (bench/rain-series.ts), on the same core plan as `npm run bench`;
 * prints every figure and writes bench/results/rain-latest.json (or rain-latest-quick.json).
 * The full bench runs the same series and keeps it in latest.json.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startRedis } from '../test/helpers/redis-server.js';
import { benchEnv } from './grab-scenarios.js';
import { planCores, raiseFileLimit } from './machine.js';
import { rainSeries } from './rain-series.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const log = (msg: string): void => console.log(`bench: ${msg}`);
raiseFileLimit(log);
const plan = planCores(log);
const redis = await startRedis();
try {
  const env = benchEnv(plan, redis, [], log);
  const rain = await rainSeries(env, values.quick);
  const file = `bench/results/rain-latest${values.quick ? '-quick' : ''}.json`;
  writeFileSync(
    file,
    `${JSON.stringify({ timestamp: new Date().toISOString(), command: `npm run bench:rain${values.quick ? ' -- --quick' : ''}`, rain, audits: env.audits }, null, 2)}\n`,
  );
  log(`wrote ${file}`);
} finally {
  await redis.destroy();
}
