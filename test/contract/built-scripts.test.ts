/**
 * The build must ship the Lua scripts next to the compiled store: build, then load every
 * script from dist/ into a real Redis.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'pipe' });
}, 120_000);
afterAll(() => redis.destroy());

describe('built output', () => {
  it('loads every Lua script from dist/', async () => {
    const built = new URL('../../dist/server/store/redis/scripts.js', import.meta.url);
    expect(existsSync(built)).toBe(true);
    const mod = (await import(built.href)) as typeof import('../../server/store/redis/scripts.js');
    const client = new Redis(redis.url);
    try {
      for (const name of mod.SCRIPT_NAMES) {
        expect(await client.script('LOAD', mod.scriptSource(name)), name).toMatch(/^[0-9a-f]{40}$/);
      }
    } finally {
      client.disconnect();
    }
  });
});
