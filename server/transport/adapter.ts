/**
 * The socket.io adapter that carries broadcasts between nodes: none on the memory store (one
 * node), @socket.io/redis-adapter with msgpackr over one Redis, and the sharded adapter
 * (Redis 7 sharded pub/sub, SPUBLISH) over Redis Cluster. The sharded adapter cannot run on
 * an ioredis Cluster (its README, citing ioredis#1759), so that one mode uses node-redis.
 *
 * Redis failures never end the process (issue 17). The adapters call `publish` without
 * handling its promise, so their clients are handed over wrapped (`guardClient`):
 *
 *  - publishing: no offline queue, so a broadcast while Redis is away fails at once; it is
 *    then dropped and counted (`rp_adapter_publish_failures_total`), never buffered — the
 *    local sockets still get it, the other nodes miss it;
 *  - subscribing: subscriptions wait for Redis (a handful of commands, bounded) and are made
 *    again after every reconnect (ioredis's autoResubscribe; on a Cluster, see
 *    sharded-subscriptions.ts), so cross-node broadcasts flow again without a restart;
 *  - connecting: a Redis that is down at start-up is retried forever in the background; the
 *    node serves local sockets meanwhile and `/readyz` says not ready.
 */
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis, type RedisOptions } from 'ioredis';
import { pack, unpack } from 'msgpackr';
import { createCluster } from 'redis';
import type { ServerOptions } from 'socket.io';
import type { StoreConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { waitUntilReady } from '../store/redis/connection.js';
import { guardClient } from './guarded-client.js';
import { clusterLink, ioredisLink, type NodeLink } from './node-link.js';
import { ShardedSubscriptions } from './sharded-subscriptions.js';

export interface AdapterHandle {
  adapter: ServerOptions['adapter'] | undefined;
  /** Whether broadcasts can cross nodes now (always true for the single-node memory store). */
  isReady(): boolean;
  /** Resolves true once broadcasts can cross nodes, or false after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<boolean>;
  /** The channel to the other nodes (services/cluster/node-relay.ts); null on the memory store. */
  link: NodeLink | null;
  /** Closes the adapter's Redis clients (after socket.io has closed). */
  close(): Promise<void>;
}

export interface AdapterEvents {
  /** A cross-node publish failed and was dropped. */
  onPublishFailure(): void;
  /** A pub or sub client reported a connection error (rp_redis_errors_total). */
  onConnectionError?(): void;
}

const msgpackr = {
  encode: (value: unknown) => pack(value),
  decode: (buffer: Buffer) => unpack(buffer) as unknown,
};

/** How long to wait between attempts to connect a Redis Cluster client that is down. */
const CLUSTER_CONNECT_RETRY_MS = 1000;

const reconnectForever = (times: number): number => Math.min(50 * times, 1000);

export function createBroadcastAdapter(
  config: StoreConfig,
  log: Logger,
  events: AdapterEvents,
): AdapterHandle {
  switch (config.kind) {
    case 'memory':
      return {
        adapter: undefined,
        link: null,
        isReady: () => true,
        whenReady: () => Promise.resolve(true),
        close: () => Promise.resolve(),
      };
    case 'redis':
      return redisAdapter(config.url, config.keyPrefix, log, events);
    case 'cluster':
      return clusterAdapter(config.nodes, config.keyPrefix, log, events);
    default: {
      const unknown: never = config;
      throw new Error(`unknown store kind ${JSON.stringify(unknown)}`);
    }
  }
}

function redisAdapter(url: string, keyPrefix: string, log: Logger, events: AdapterEvents): AdapterHandle {
  const failures = new FailureLog(log);
  const pub = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: reconnectForever,
  } satisfies RedisOptions);
  // Subscribe commands wait in the offline queue until Redis is there (no per-request retry
  // limit); ioredis re-subscribes on every reconnect (autoResubscribe).
  const sub = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: reconnectForever });
  for (const c of [pub, sub])
    c.on('error', (err: Error) => {
      events.onConnectionError?.();
      failures.connection(err);
    });
  sub.on('ready', () => failures.restored());
  const onPublishFailure = (method: string, err: Error): void => {
    events.onPublishFailure();
    failures.publish(method, err);
  };
  const guardedPub = guardClient(pub, ['publish'], onPublishFailure);
  const guardedSub = guardClient(sub, ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'], (m, err) =>
    failures.subscribe(m, err),
  );
  return {
    adapter: createAdapter(guardedPub, guardedSub, { key: `${keyPrefix}socket.io`, parser: msgpackr }),
    link: ioredisLink(pub, sub, `${keyPrefix}rp:node-link`, log),
    isReady: () => pub.status === 'ready' && sub.status === 'ready',
    whenReady: (timeoutMs) =>
      Promise.all([waitUntilReady(pub, timeoutMs), waitUntilReady(sub, timeoutMs)]).then(
        () => true,
        () => false,
      ),
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

function clusterAdapter(
  nodes: { host: string; port: number }[],
  keyPrefix: string,
  log: Logger,
  events: AdapterEvents,
): AdapterHandle {
  const failures = new FailureLog(log);
  const rootNodes = nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` }));
  // The publisher's node clients refuse commands while disconnected (no offline queue), so a
  // broadcast during an outage fails at once instead of queueing without bound.
  const pub = createCluster({ rootNodes, defaults: { disableOfflineQueue: true } });
  const sub = createCluster({ rootNodes });
  for (const c of [pub, sub])
    c.on('error', (err: Error) => {
      events.onConnectionError?.();
      failures.connection(err);
    });

  const guardedPub = guardClient(pub, ['sPublish'], (method, err) => {
    events.onPublishFailure();
    failures.publish(method, err);
  });
  const subscriptions = new ShardedSubscriptions(
    sub,
    guardClient(sub, ['sSubscribe', 'sUnsubscribe'], (m, err) => {
      failures.subscribe(m, err);
      subscriptions.suspect();
    }),
    (err) => failures.subscribe('resubscribe', err),
  );
  sub.on('error', () => subscriptions.suspect());

  let connected = { pub: false, sub: false };
  let onConnected: (() => void) | undefined;
  const bothConnected = new Promise<void>((resolve) => (onConnected = resolve));
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const connect = (which: 'pub' | 'sub'): void => {
    const client = which === 'pub' ? pub : sub;
    client.connect().then(
      () => {
        connected = { ...connected, [which]: true };
        if (connected.pub && connected.sub) onConnected?.();
        failures.restored();
        if (which === 'sub') subscriptions.connected();
      },
      (err: unknown) => {
        failures.connection(err instanceof Error ? err : new Error(String(err)));
        if (closed) return;
        const timer = setTimeout(() => {
          timers.delete(timer);
          connect(which);
        }, CLUSTER_CONNECT_RETRY_MS);
        timers.add(timer);
      },
    );
  };
  connect('pub');
  connect('sub');

  return {
    adapter: createShardedAdapter(guardedPub, subscriptions.client, {
      channelPrefix: `${keyPrefix}socket.io`,
    }),
    link: clusterLink(guardedPub, subscriptions.client, `${keyPrefix}rp:node-link`, log),
    isReady: () => connected.pub && connected.sub && subscriptions.healthy,
    whenReady: (timeoutMs) => withDeadline(bothConnected, timeoutMs),
    close: async () => {
      closed = true;
      subscriptions.close();
      for (const t of timers) clearTimeout(t);
      await Promise.allSettled([pub.close(), sub.close()]);
    },
  };
}

function withDeadline(promise: Promise<void>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Logs adapter trouble without flooding: the first connection error of an outage, then at
 * most one line per `everyMs` with the number of broadcasts dropped meanwhile.
 */
class FailureLog {
  private down = false;
  private dropped = 0;
  private lastReport = 0;

  constructor(
    private readonly log: Logger,
    private readonly everyMs = 5000,
  ) {}

  connection(err: Error): void {
    if (this.down) return;
    this.down = true;
    this.log.warn({ err: err.message }, 'adapter: redis connection lost; cross-node broadcasts are dropped');
  }

  restored(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info({ dropped: this.dropped }, 'adapter: redis connection restored');
    this.dropped = 0;
  }

  publish(method: string, err: Error): void {
    this.dropped += 1;
    const now = Date.now();
    if (now - this.lastReport < this.everyMs) return;
    this.lastReport = now;
    this.log.warn({ method, err: err.message, dropped: this.dropped }, 'adapter: broadcast not published');
  }

  subscribe(method: string, err: Error): void {
    this.log.warn({ method, err: err.message }, 'adapter: subscription change failed');
  }
}
