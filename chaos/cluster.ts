/**
 * The deployment under test: one Redis with an append-only file, three node processes and a
 * TCP load balancer in front of them. Faults are injected here: kill -9 or restart a node,
 * kill -9 Redis and restart it from its AOF, freeze Redis with SIGSTOP.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisKeys } from '../server/store/redis/keys.js';
import { RedisStore } from '../server/store/redis-store.js';
import { startNodeProcess, type NodeProcess } from '../test/helpers/node-process.js';
import { startRedis, type RedisHandle } from '../test/helpers/redis-server.js';
import { startBalancer, type Balancer } from './balancer.js';

export type Durability = 'always' | 'everysec';

/** CHAOS_PROFILE_DIR=dir: nodes run under --cpu-prof and leave their profiles there. */
const PROFILE = process.env.CHAOS_PROFILE_DIR
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CHAOS_PROFILE_DIR}`]
  : [];

export interface Cluster {
  redis: RedisHandle;
  /** What every node was started with (REDIS_URL, REDIS_KEY_PREFIX …). */
  env: Record<string, string>;
  nodes: NodeProcess[];
  balancer: Balancer;
  /** The same data the nodes see, for the audit and the ledgers. */
  store: RedisStore;
  /** Node processes that ended without being told to (a crash: the finding to report). */
  unexpectedExits: string[];
  /** The i-th node process (throws for a bad index). */
  node(i: number): NodeProcess;
  /** Indexes of nodes whose process ended without being told to. */
  crashedNodes(): number[];
  killNode(i: number): Promise<void>;
  /** Starts again every node whose process has ended (killed or crashed). */
  restoreAll(): Promise<void>;
  startNode(i: number): Promise<void>;
  close(): Promise<void>;
}

const hostPort = (url: string): { host: string; port: number } => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};

/** @param extraEnv more variables for every node (DATABASE_URL for the PostgreSQL faults) */
export async function startCluster(
  durability: Durability,
  nodeCount = 3,
  extraEnv: Record<string, string> = {},
): Promise<Cluster> {
  const redis = await startRedis({ appendfsync: durability });
  const prefix = `chaos-${randomBytes(3).toString('hex')}:`;
  const env = {
    ...extraEnv,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: prefix,
    NODE_HEARTBEAT_MS: '500',
    NODE_DEAD_AFTER_MS: '2000',
    RECONCILE_INTERVAL_MS: '1000',
    RECONCILE_GRACE_MS: '2000',
    RAIN_LEASE_TTL_MS: '2000',
  };
  const unexpectedExits: string[] = [];
  const expected = new Set<NodeProcess>();
  const ended = new Set<NodeProcess>();
  const nodes: NodeProcess[] = [];
  const start = async (i: number): Promise<NodeProcess> => {
    const node = await startNodeProcess(env, `chaos-node-${i}`, PROFILE);
    void node.exited.then((how) => {
      ended.add(node);
      if (!expected.has(node)) unexpectedExits.push(`${node.nodeId} (${how})`);
    });
    return node;
  };
  nodes.push(...(await Promise.all(Array.from({ length: nodeCount }, (_, i) => start(i)))));
  const balancer = await startBalancer(nodes.map((n) => hostPort(n.url)));
  const client = new Redis(redis.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
  client.on('error', () => undefined); // outages are injected on purpose; commands still reject
  const store = new RedisStore('redis', client, new RedisKeys(prefix), client);
  const live = (): void => {
    balancer.backends = nodes.filter((n) => !expected.has(n)).map((n) => hostPort(n.url));
  };

  const node = (i: number): NodeProcess => {
    const n = nodes[i];
    if (!n) throw new Error(`no node ${i}`);
    return n;
  };
  const startNode = async (i: number): Promise<void> => {
    const old = node(i);
    expected.add(old);
    await old.kill(); // no-op when already dead (or crashed)
    nodes[i] = await start(i);
    live();
  };

  return {
    redis,
    env,
    nodes,
    balancer,
    store,
    unexpectedExits,
    node,
    crashedNodes: () => nodes.flatMap((n, i) => (ended.has(n) && !expected.has(n) ? [i] : [])),
    async killNode(i) {
      const n = node(i);
      expected.add(n);
      live();
      await n.kill();
    },
    async restoreAll() {
      for (let i = 0; i < nodes.length; i++) if (ended.has(node(i))) await startNode(i);
    },
    startNode,
    async close() {
      for (const n of nodes) expected.add(n);
      await balancer.close();
      await Promise.all(nodes.map((n) => n.stop()));
      client.disconnect();
      await redis.destroy();
    },
  };
}
