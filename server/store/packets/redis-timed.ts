/** Timed packets on Redis: cancelling one before it opens (packet-store.ts cancelPacket). */
import type { Cluster, Redis } from 'ioredis';
import { packetRefundId } from '../../domain/ids.js';
import type { RedisKeys } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';
import type { CancelOutcome } from './packet-store.js';

/** One packet-cancel.lua call on the packet's slot; a cancelled packet leaves the expiry schedule. */
export async function cancelTimedPacket(
  redis: Redis | Cluster,
  keys: RedisKeys,
  packetId: string,
  senderId: string,
  at: number,
): Promise<CancelOutcome> {
  const outcome = await runScript(
    redis,
    'packet-cancel',
    [keys.packet(packetId), keys.shares(packetId), keys.outbox(packetId)],
    [senderId, at, packetRefundId(packetId), packetId],
  );
  if (outcome.status === 'cancelled') await redis.zrem(keys.duePackets(), packetId);
  return outcome;
}
