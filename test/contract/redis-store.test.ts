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

describe('RedisStore: what a read costs and what lapses', () => {
  const fresh = () => {
    const client = new Redis(redis.url);
    const keys = new RedisKeys(`b-${randomBytes(4).toString('hex')}:`);
    return { client, keys, store: new RedisStore('redis', client, keys) };
  };
  /** Bytes Redis has written to clients so far (every client: measure one call at a time). */
  const bytesOut = async (client: Redis): Promise<number> =>
    Number(/total_net_output_bytes:(\d+)/.exec(await client.info('stats'))?.[1]);

  it('a phrase lookup reads that phrase’s packets only, not the room’s other phrases', async () => {
    const { client, store } = fresh();
    try {
      const now = Date.now();
      const expiresAt = now + 3_600_000;
      for (let i = 0; i < 5_000; i += 500) {
        await Promise.all(
          Array.from({ length: 500 }, (_, k) =>
            store.codes.indexPhrase(
              'crowded',
              { packetId: `pk_other_${i + k}`, phrase: `other ${i + k}`, expiresAt },
              now,
            ),
          ),
        );
      }
      await store.codes.indexPhrase('crowded', { packetId: 'pk_hi', phrase: 'hi', expiresAt }, now);
      const before = await bytesOut(client);
      expect(await store.codes.findPhrase('crowded', 'hi', now)).toEqual(['pk_hi']);
      const read = (await bytesOut(client)) - before;
      // The INFO reply itself is a few kB; the room's 5,000 other phrases would be ~150 kB.
      expect(read).toBeLessThan(20_000);
    } finally {
      client.disconnect();
    }
  });

  it('a phrase’s key lapses with its last packet; a room’s chat key a lifetime after its last line', async () => {
    const { client, keys, store } = fresh();
    try {
      const now = Date.now();
      await store.codes.indexPhrase('r', { packetId: 'pk_1', phrase: 'hi', expiresAt: now + 10_000 }, now);
      await store.codes.indexPhrase('r', { packetId: 'pk_2', phrase: 'hi', expiresAt: now + 20_000 }, now);
      const [phraseKey] = await client.keys(`${keys.prefix}rp:{r:r}:phrase:*`);
      const phraseTtl = await client.pttl(phraseKey ?? '');
      expect(phraseTtl).toBeGreaterThan(20_000);
      expect(phraseTtl).toBeLessThanOrEqual(20_000 + 60_000);

      const line = { id: 'm1', roomId: 'talk', userId: 'u', name: 'U', text: 'hi', at: now };
      await store.rooms.appendChat(line, 50, 3_600_000);
      const chatTtl = await client.pttl(keys.chat('talk'));
      expect(chatTtl).toBeGreaterThan(3_500_000);
      expect(chatTtl).toBeLessThanOrEqual(3_600_000);
    } finally {
      client.disconnect();
    }
  });
});
