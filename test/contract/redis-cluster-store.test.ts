import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisKeys } from '../../server/store/redis/keys.js';
import { RedisStore } from '../../server/store/redis-store.js';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-server.js';
import { describeStoreContract } from './store-contract.js';

let cluster: RedisClusterHandle;
beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 60_000);
afterAll(() => cluster.destroy());

describeStoreContract('RedisStore (3-master cluster)', () => {
  const client = new Cluster(cluster.nodes, { enableAutoPipelining: true, scaleReads: 'master' });
  return Promise.resolve(
    new RedisStore('cluster', client, new RedisKeys(`t-${randomBytes(4).toString('hex')}:`)),
  );
});
