/**
 * `npm run restore`: rebuilds a Redis that lost its dataset from the PostgreSQL ledger
 * (store/ledger/restore.ts) — wallets, open packets' remaining shares and claims, running
 * rains. It holds the restore marker while it runs (store/ledger/restore-control.ts), so
 * running nodes answer money requests STORE_UNAVAILABLE until it is done and resume by
 * themselves after.
 * Exit code 0 when restored, 1 when Redis is not empty (and no --force) or another restore
 * is running, 2 on any failure.
 *
 *   REDIS_URL=… [REDIS_KEY_PREFIX=…] DATABASE_URL=… npm run restore [-- --force]
 *
 * Redis from REDIS_URL or REDIS_CLUSTER_NODES and REDIS_KEY_PREFIX, as the server reads them.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { storeConfig } from '../config.js';
import { createLedgerPool } from '../store/ledger/index.js';
import { RedisNotEmptyError } from '../store/ledger/restore.js';
import { RestoreControl, RestoreInProgressError } from '../store/ledger/restore-control.js';
import { createRedisClient, waitUntilReady } from '../store/redis/connection.js';
import { RedisKeys } from '../store/redis/keys.js';

export interface RestoreCommandResult {
  exitCode: 0 | 1 | 2;
  output: string;
}

type Env = Record<string, string | undefined>;

export async function runRestoreCommand(
  argv: string[],
  env: Env = process.env,
): Promise<RestoreCommandResult> {
  let values: { force?: boolean };
  try {
    values = parseArgs({ args: argv, options: { force: { type: 'boolean' } }, strict: true }).values;
  } catch (err) {
    return { exitCode: 2, output: `restore failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) return { exitCode: 2, output: 'restore failed: DATABASE_URL is not set' };
  let config;
  try {
    config = storeConfig(env);
  } catch (err) {
    return { exitCode: 2, output: `restore failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (config.kind === 'memory')
    return { exitCode: 2, output: 'restore failed: set REDIS_URL or REDIS_CLUSTER_NODES' };
  const redis = createRedisClient(config);
  const pool = createLedgerPool(databaseUrl, { max: 2, timeoutMs: 60_000 });
  try {
    await waitUntilReady(redis);
    const control = new RestoreControl(redis, new RedisKeys(config.keyPrefix), pool);
    const report = await control.run(`npm run restore on ${hostname()} (pid ${process.pid})`, {
      force: values.force,
    });
    return { exitCode: 0, output: `${JSON.stringify(report, null, 2)}\nRESTORED` };
  } catch (err) {
    if (err instanceof RedisNotEmptyError || err instanceof RestoreInProgressError)
      return { exitCode: 1, output: `restore refused: ${err.message}` };
    return { exitCode: 2, output: `restore failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    redis.disconnect();
    await pool.end();
  }
}
