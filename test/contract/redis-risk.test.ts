import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { RedisKeys } from '../../server/store/redis/keys.js';
import { RedisRisk, RiskKeys } from '../../server/store/risk/redis-risk.js';
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

  describeRiskContract('RedisRisk (standalone)', () => {
    const prefix = `t-${randomBytes(4).toString('hex')}:`;
    const client = new Redis(redis.url, { enableAutoPipelining: true });
    return Promise.resolve({
      store: new RedisStore('redis', client, new RedisKeys(prefix)),
      risk: new RedisRisk(client.duplicate(), new RiskKeys(prefix), true),
    });
  });
});

describe('on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 60_000);
  afterAll(() => cluster.destroy());

  describeRiskContract('RedisRisk (3-master cluster)', () => {
    const prefix = `t-${randomBytes(4).toString('hex')}:`;
    const client = () => new Cluster(cluster.nodes, { enableAutoPipelining: true, scaleReads: 'master' });
    return Promise.resolve({
      store: new RedisStore('cluster', client(), new RedisKeys(prefix)),
      risk: new RedisRisk(client(), new RiskKeys(prefix), true),
    });
  });
});
