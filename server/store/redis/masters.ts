/**
 * The Redis servers that hold the keyspace: the one server, or every master of a Cluster.
 *
 * On a Cluster, ioredis drops a master it cannot reach from `nodes('master')`, so walking that
 * list during an outage silently skips part of the keyspace (an audit would then report money
 * missing that is only out of reach). The masters are taken from the slot table instead, and a
 * master that holds slots but has no connection makes this throw StoreUnavailableError.
 */
import { Cluster, type Redis } from 'ioredis';
import { StoreUnavailableError } from '../unavailable.js';

const SLOTS = 16_384;

export function keyspaceServers(redis: Redis | Cluster): Redis[] {
  if (!(redis instanceof Cluster)) return [redis];
  const connected = new Map<string, Redis>();
  for (const node of redis.nodes('master')) connected.set(`${node.options.host}:${node.options.port}`, node);
  const masters = new Set<string>();
  for (let slot = 0; slot < SLOTS; slot++) {
    const master = redis.slots[slot]?.[0];
    if (master === undefined)
      throw new StoreUnavailableError(`redis cluster: slot ${slot} has no known master`);
    masters.add(master);
  }
  return [...masters].map((key) => {
    const node = connected.get(key);
    if (!node || node.status === 'end')
      throw new StoreUnavailableError(`redis cluster: master ${key} is not reachable`);
    return node;
  });
}
