/**
 * A multi-node deployment on this machine: one redis-server, N server nodes (one process
 * each) sharing it, and nginx in front on one port — the topology of docs/operations.md and
 * docker-compose.yml. With `postgres`, also a PostgreSQL (test/helpers/postgres-server.ts:
 * a temporary data folder, a free port), whose URL every node gets as DATABASE_URL. Used by
 * `npm run cluster` and by the nginx integration test.
 *
 *   clients ──► nginx :port ──► node-1 ─┐
 *                          ├──► node-2 ─┼──► redis-server (state + broadcast adapter)
 *                          └──► node-3 ─┘    [PostgreSQL: the record of money]
 */
import { startNodeProcess, type NodeProcess } from '../../test/helpers/node-process.js';
import { createDatabase, startPostgres, type PostgresHandle } from '../../test/helpers/postgres-server.js';
import { freePort, startRedis, type RedisHandle } from '../../test/helpers/redis-server.js';
import { startNginx, type NginxHandle } from './nginx.js';

export interface ClusterOptions {
  nodes: number;
  /** nginx's port; 0 picks a free one. */
  port: number;
  /** Environment for every node (JWT_SECRET, DEV_TOKENS, WEB_DIR…). */
  env: Record<string, string>;
  /** Start a PostgreSQL too and give every node DATABASE_URL. @default false */
  postgres?: boolean;
}

export interface Cluster {
  /** The front: nginx. */
  url: string;
  redis: RedisHandle;
  /** The nodes' DATABASE_URL, when started with `postgres`. */
  databaseUrl?: string;
  nodes: NodeProcess[];
  nginx: NginxHandle;
  /** Stops nginx, then the nodes (gracefully), then Redis and PostgreSQL (their data goes). */
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const redis = await startRedis();
  const nodes: NodeProcess[] = [];
  let nginx: NginxHandle | undefined;
  let postgres: PostgresHandle | undefined;
  const stop = async (): Promise<void> => {
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all([redis.destroy(), postgres?.destroy()]);
  };
  try {
    const keyPrefix = `cluster-${String(process.pid)}:`;
    let databaseUrl: string | undefined;
    if (options.postgres) {
      postgres = await startPostgres();
      databaseUrl = await createDatabase(postgres, 'cluster');
    }
    for (let i = 1; i <= options.nodes; i += 1) {
      const env = {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: keyPrefix,
        PORT: '0',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...options.env,
      };
      nodes.push(await startNodeProcess(env, `node-${String(i)}`));
    }
    const port = options.port || (await freePort());
    nginx = await startNginx(
      nodes.map((n) => new URL(n.url).host),
      port,
    );
    return { url: nginx.url, redis, ...(databaseUrl ? { databaseUrl } : {}), nodes, nginx, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
