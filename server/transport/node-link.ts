/**
 * A pub/sub channel between the nodes of one deployment, beside the socket.io adapter, for
 * what is not a room broadcast: per-user events and facts every node should learn (a packet
 * or drop ran out). Messages are buffers; every publish and subscribe is handled where it
 * starts (a Redis outage logs and drops the message — a peer that misses one only loses a
 * cache hint or a notice the user can refetch, never money). One Redis: PUBLISH/SUBSCRIBE on
 * the adapter's own clients, so a link message published before a room broadcast reaches
 * every peer before that broadcast (one connection each way, in order); Redis Cluster:
 * sharded SPUBLISH/SSUBSCRIBE (no order across channels).
 */
import type { Redis } from 'ioredis';
import type { createCluster } from 'redis';
import type { Logger } from '../observability/logger.js';
import type { NodeLink } from '../services/cluster/node-relay.js';

export type { NodeLink };

export function ioredisLink(pub: Redis, sub: Redis, channel: string, log: Logger): NodeLink {
  let listener: (message: Buffer) => void = () => undefined;
  sub.on('messageBuffer', (ch: Buffer, message: Buffer) => {
    if (ch.toString() === channel) listener(message);
  });
  sub.subscribe(channel).catch((err: unknown) => log.warn({ err }, 'node link subscribe failed'));
  return {
    publish: (message) => {
      pub.publish(channel, message).catch((err: unknown) => log.debug({ err }, 'node link publish failed'));
    },
    onMessage: (l) => {
      listener = l;
    },
    close: () => Promise.resolve(),
  };
}

type NodeRedisCluster = ReturnType<typeof createCluster>;

export function clusterLink(
  pub: NodeRedisCluster,
  sub: NodeRedisCluster,
  channel: string,
  log: Logger,
): NodeLink {
  let listener: (message: Buffer) => void = () => undefined;
  sub
    .sSubscribe(channel, (message: Buffer) => listener(message), true)
    .catch((err: unknown) => log.warn({ err }, 'node link subscribe failed'));
  return {
    publish: (message) => {
      pub.sPublish(channel, message).catch((err: unknown) => log.debug({ err }, 'node link publish failed'));
    },
    onMessage: (l) => {
      listener = l;
    },
    close: () => Promise.resolve(),
  };
}
