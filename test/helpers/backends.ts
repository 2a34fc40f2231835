/**
 * Store backends an integration suite can run against, each giving the env a server needs.
 *   describe.each(storeBackends())('… on %s', (_name, backend) => { … })
 */
import { randomBytes } from 'node:crypto';
import { startRedis, startRedisCluster } from './redis-server.js';

export interface Backend {
  env: Record<string, string>;
  destroy(): Promise<void>;
}

export type BackendFactory = () => Promise<Backend>;

export const memoryBackend: BackendFactory = () =>
  Promise.resolve({ env: {}, destroy: () => Promise.resolve() });

/** A fresh redis-server on a free port, and a key prefix of its own. */
export const redisBackend: BackendFactory = async () => {
  const redis = await startRedis();
  return {
    env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `it-${randomBytes(3).toString('hex')}:` },
    destroy: () => redis.destroy(),
  };
};

export function storeBackends(): [string, BackendFactory][] {
  return [
    ['memory', memoryBackend],
    ['redis', redisBackend],
  ];
}

/**
 * The shared backends node processes can run on (one Redis, a 3-master Cluster), each giving
 * the env that points a node at it. Key prefixes are the caller's.
 *   describe.each(sharedBackends())('… on %s', (_name, makeBackend) => { … })
 */
export function sharedBackends(): [string, BackendFactory][] {
  return [
    [
      'one Redis',
      async () => {
        const r = await startRedis();
        return { env: { REDIS_URL: r.url }, destroy: () => r.destroy() };
      },
    ],
    [
      'Redis Cluster',
      async () => {
        const c = await startRedisCluster(3);
        return {
          env: { REDIS_CLUSTER_NODES: c.nodes.map((n) => `${n.host}:${n.port}`).join(',') },
          destroy: () => c.destroy(),
        };
      },
    ],
  ];
}
