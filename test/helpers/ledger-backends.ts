/**
 * One real Redis and one real PostgreSQL (its own database) for a test of the ledger, with
 * the environment a node and the CLIs read them from, a pool on the database and a direct
 * Redis client for what a test does behind the nodes' backs (FLUSHALL, HINCRBY).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { RedisKeys } from '../../server/store/redis/keys.js';
import { startPostgres, type PostgresHandle } from './postgres-server.js';
import { startRedis, type RedisHandle } from './redis-server.js';

export interface LedgerBackends {
  postgres: PostgresHandle;
  redis: RedisHandle;
  /** REDIS_URL, REDIS_KEY_PREFIX (fresh), DATABASE_URL. */
  env: Record<string, string>;
  keys: RedisKeys;
  pool: pg.Pool;
  direct: Redis;
  destroy(): Promise<void>;
}

export async function startLedgerBackends(database: string): Promise<LedgerBackends> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const prefix = `${database}-${randomBytes(3).toString('hex')}:`;
  const pool = new pg.Pool({ connectionString: postgres.urlOf(database), max: 2 });
  const direct = new Redis(redis.url);
  return {
    postgres,
    redis,
    env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, DATABASE_URL: postgres.urlOf(database) },
    keys: new RedisKeys(prefix),
    pool,
    direct,
    async destroy() {
      await pool.end();
      direct.disconnect();
      await Promise.all([redis.destroy(), postgres.destroy()]);
    },
  };
}
