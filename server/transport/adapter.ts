/**
 * The socket.io adapter that carries broadcasts between nodes: none on the memory store (one
 * node), @socket.io/redis-adapter with msgpackr over one Redis, and the sharded adapter
 * (Redis 7 sharded pub/sub, SPUBLISH) over Redis Cluster. The sharded adapter cannot run on
 * an ioredis Cluster (its README, citing ioredis#1759), so that one mode uses node-redis.
 */
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import { createCluster } from 'redis';
import type { ServerOptions } from 'socket.io';
import type { StoreConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';

export interface AdapterHandle {
  adapter: ServerOptions['adapter'] | undefined;
  /** Closes the adapter's Redis clients (after socket.io has closed). */
  close(): Promise<void>;
}

const msgpackr = {
  encode: (value: unknown) => pack(value),
  decode: (buffer: Buffer) => unpack(buffer) as unknown,
};

/** @param onRedisError counts Redis client errors (rp_redis_errors_total) */
export async function createBroadcastAdapter(
  config: StoreConfig,
  log: Logger,
  onRedisError: (client: 'adapter') => void = () => undefined,
): Promise<AdapterHandle> {
  switch (config.kind) {
    case 'memory':
      return { adapter: undefined, close: () => Promise.resolve() };
    case 'redis': {
      const pub = new Redis(config.url, { maxRetriesPerRequest: 2 });
      const sub = pub.duplicate();
      for (const c of [pub, sub])
        c.on('error', (err: Error) => {
          onRedisError('adapter');
          log.debug({ err: err.message }, 'adapter redis error');
        });
      return {
        adapter: createAdapter(pub, sub, { key: `${config.keyPrefix}socket.io`, parser: msgpackr }),
        close: async () => {
          await Promise.allSettled([pub.quit(), sub.quit()]);
        },
      };
    }
    case 'cluster': {
      const pub = createCluster({
        rootNodes: config.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })),
      });
      const sub = pub.duplicate();
      for (const c of [pub, sub])
        c.on('error', (err: Error) => {
          onRedisError('adapter');
          log.debug({ err: err.message }, 'adapter redis error');
        });
      await Promise.all([pub.connect(), sub.connect()]);
      return {
        adapter: createShardedAdapter(pub, sub, { channelPrefix: `${config.keyPrefix}socket.io` }),
        close: async () => {
          await Promise.allSettled([pub.quit(), sub.quit()]);
        },
      };
    }
    default: {
      const unknown: never = config;
      throw new Error(`unknown store kind ${JSON.stringify(unknown)}`);
    }
  }
}
