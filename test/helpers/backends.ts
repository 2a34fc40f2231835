/**
 * Store backends an integration suite can run against, each giving the env a server needs.
 *   describe.each(storeBackends())('… on %s', (_name, backend) => { … })
 */
import { randomBytes } from 'node:crypto';
import { startRedis } from './redis-server.js';

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
