import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../server/store/redis/keys.js';
import { MalformedReplyError, toStoreError } from '../../server/store/redis/errors.js';
import { decodeReply } from '../../server/store/redis/replies.js';
import { runScript, SCRIPT_NAMES, scriptSource } from '../../server/store/redis/scripts.js';
import { RedisStore } from '../../server/store/redis-store.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { describeStoreContract } from './store-contract.js';

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.destroy());

describeStoreContract('RedisStore (standalone)', () => {
  const client = new Redis(redis.url, { enableAutoPipelining: true });
  return Promise.resolve(
    new RedisStore('redis', client, new RedisKeys(`t-${randomBytes(4).toString('hex')}:`)),
  );
});

describe('Lua scripts', () => {
  it('every script loads into Redis and declares its KEYS contract', async () => {
    const client = new Redis(redis.url);
    try {
      for (const name of SCRIPT_NAMES) {
        const source = scriptSource(name);
        expect(source, name).toMatch(/^-- KEYS\[1\]/m);
        expect(source, name).toMatch(/^-- (ARGV\[1\]|Returns)/m);
        expect(await client.script('LOAD', source)).toMatch(/^[0-9a-f]{40}$/);
      }
      // runScript falls back to EVAL on NOSCRIPT: after a FLUSH of the script cache it still runs.
      await client.script('FLUSH');
      expect(
        await runScript(client, 'node-heartbeat', ['rp:{t}:alive', 'rp:{t}:reaped'], ['n1', 1000, 5000]),
      ).toBeDefined();
    } finally {
      client.disconnect();
    }
  });

  it('a reply that does not fit its script is a bug naming the script, not "store unavailable"', () => {
    expect(decodeReply('wallet-hold', [1, 250])).toEqual({ ok: true, balance: 250 });
    const malformed = (() => {
      try {
        decodeReply('wallet-hold', ['1', 'lots']);
      } catch (err) {
        return err;
      }
    })();
    expect(malformed).toBeInstanceOf(MalformedReplyError);
    expect(String(malformed)).toMatch(/script wallet-hold/);
    expect(toStoreError(malformed)).toBe(malformed);
  });
});
