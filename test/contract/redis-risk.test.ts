import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { RedisKeys } from '../../server/store/redis/keys.js';
import { RedisStore } from '../../server/store/redis-store.js';
import {
  startRedis,
  startRedisCluster,
  type RedisClusterHandle,
  type RedisHandle,
} from '../helpers/redis-server.js';
import { describeRiskContract } from './risk-contract.js';

describe('on one Redis', () => {
  let redis: RedisHandle;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.destroy());

  describeRiskContract('RedisStore risk (standalone)', () => {
    const prefix = `t-${randomBytes(4).toString('hex')}:`;
    const client = new Redis(redis.url, { enableAutoPipelining: true });
    return Promise.resolve(new RedisStore('redis', client, new RedisKeys(prefix)));
  });
});

describe('on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 60_000);
  afterAll(() => cluster.destroy());

  describeRiskContract('RedisStore risk (3-master cluster)', () => {
    const prefix = `t-${randomBytes(4).toString('hex')}:`;
    const client = () => new Cluster(cluster.nodes, { enableAutoPipelining: true, scaleReads: 'master' });
    return Promise.resolve(new RedisStore('cluster', client(), new RedisKeys(prefix), client()));
  });
});
